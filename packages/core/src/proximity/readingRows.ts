/**
 * Reading RSSI rows (a parsed CSV) into typed readings, with every cell checked at this boundary against
 * its physical range (ranges.ts), so nothing downstream computes a distance from an impossible value.
 * One reader for `estimate`, `calibrate fit` and `calibrate evaluate`.
 * @module
 */
import { attenuationDb } from './attenuation.js';
import { CalibrationTable } from './calibration.js';
import { CONTEXT_COLUMNS, type ContextColumn } from './contextModel.js';
import { CsvFormatError, numberCell, type CsvTable } from './csv.js';
import { DISTANCE_RANGE_M, RSSI_CELL_DBM, TIME_RANGE_MS, TX_POWER_CELL_DBM } from './ranges.js';

/** One row as a reading; `distanceM` only when the file has a `distance` column. */
export interface RowReading {
  rssiDbm: number;
  attenuationDb: number;
  distanceM?: number;
  series?: string;
  timeMs?: number;
  context: Partial<Record<ContextColumn, string>>;
  /** Cross-validation group (the `groupBy` columns joined), when asked for. */
  group?: string;
}

/** Options of {@link readRowReadings}. */
export interface ReadRowsOptions {
  calibration?: CalibrationTable;
  /** Require a `distance` column (labelled data). */
  requireDistance?: boolean;
  /** Columns whose values, joined, form each row's cross-validation group. */
  groupBy?: readonly string[];
}

/** Missing-column error in the one shape every reader uses. */
export function missingColumn(source: string, table: CsvTable, column: string): CsvFormatError {
  return new CsvFormatError(
    source,
    1,
    `missing column "${column}" (header has: ${table.columns.join(', ') || 'nothing'})`,
  );
}

/**
 * Reads every row: `rssi` (required, −127…+20 dBm), `tx` (optional, −40…+20 dBm; else the calibration
 * table's default), `manufacturer`/`model` for the receiver's RSSI correction, `id` + `t` (ms) for series,
 * `distance` (m, 0.01…1000) and the context columns. @throws CsvFormatError naming file, line and column
 */
export function readRowReadings(
  table: CsvTable,
  source: string,
  options: ReadRowsOptions = {},
): RowReading[] {
  const calibration = options.calibration ?? new CalibrationTable();
  if (!table.columns.includes('rssi')) throw missingColumn(source, table, 'rssi');
  if (options.requireDistance && !table.columns.includes('distance'))
    throw missingColumn(source, table, 'distance');
  for (const c of options.groupBy ?? [])
    if (!table.columns.includes(c)) throw missingColumn(source, table, c);
  const series = table.columns.includes('id') && table.columns.includes('t');
  const hasDistance = table.columns.includes('distance');
  const contextColumns = CONTEXT_COLUMNS.filter((c) => table.columns.includes(c));
  const defaultTx = calibration.lookup().txPowerDbm;
  return table.rows.map((row, i) => {
    const line = table.lineNumbers[i]!;
    const rssi = numberCell(row, 'rssi', source, line, { required: true, ...RSSI_CELL_DBM })!;
    const tx = numberCell(row, 'tx', source, line, TX_POWER_CELL_DBM) ?? defaultTx;
    const receiver = calibration.lookup(row['manufacturer'], row['model']);
    const reading: RowReading = {
      rssiDbm: rssi,
      attenuationDb: attenuationDb(tx, rssi, receiver.rssiCorrectionDb),
      context: {},
    };
    if (hasDistance)
      reading.distanceM = numberCell(row, 'distance', source, line, {
        required: options.requireDistance,
        ...DISTANCE_RANGE_M,
      });
    if (series) {
      reading.series = row['id']!;
      reading.timeMs = numberCell(row, 't', source, line, { required: true, ...TIME_RANGE_MS })!;
    }
    for (const c of contextColumns) {
      const v = row[c]!.trim();
      if (v) reading.context[c] = v;
    }
    if (options.groupBy?.length)
      reading.group = options.groupBy.map((c) => row[c]!.trim()).join('\u0000');
    return reading;
  });
}
