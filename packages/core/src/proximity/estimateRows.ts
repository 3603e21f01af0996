/**
 * The row transformation behind `proxsense estimate`: RSSI rows in, the same rows out with attenuation,
 * a distance estimate with its interval, and (for rows with `id` and `t`) the running filtered estimate
 * of that ID's series. Pure, so apps can run the same thing on device.
 * @module
 */
import { attenuationDb } from './attenuation.js';
import { CalibrationTable } from './calibration.js';
import { CsvFormatError, numberCell, type CsvTable } from './csv.js';
import { createFilter, type AttenuationFilter, type FilterKind } from './filters.js';
import { DEFAULT_PATH_LOSS_MODEL, estimateDistance, type PathLossModel } from './pathLoss.js';

/** Options of {@link estimateRows}. */
export interface EstimateRowsOptions {
  model?: PathLossModel;
  calibration?: CalibrationTable;
  /** Filter for the per-ID series; default `kalman`. */
  filter?: FilterKind;
  /** Interval probability; default 0.8. */
  coverage?: number;
}

/** Columns `estimate` adds, in order. */
export const ESTIMATE_COLUMNS = ['attenuation_db', 'distance_m', 'distance_low_m', 'distance_high_m'] as const;
export const FILTERED_COLUMNS = ['filtered_distance_m', 'filtered_distance_low_m', 'filtered_distance_high_m'] as const;

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Adds estimates to every row (one output row per input row, in input order; other columns untouched).
 * @throws CsvFormatError for a missing `rssi` column or a non-numeric cell, naming the line.
 */
/** Output of {@link estimateRows}: column names and, per input row, its values in that order. */
export interface EstimatedRows {
  columns: string[];
  values: (string | number)[][];
}

export function estimateRows(table: CsvTable, source: string, options: EstimateRowsOptions = {}): EstimatedRows {
  const model = options.model ?? DEFAULT_PATH_LOSS_MODEL;
  const calibration = options.calibration ?? new CalibrationTable();
  if (!table.columns.includes('rssi')) throw new CsvFormatError(source, 1, `missing column "rssi" (header has: ${table.columns.join(', ') || 'nothing'})`);
  const series = table.columns.includes('id') && table.columns.includes('t');
  const defaultTx = calibration.lookup().txPowerDbm;

  const attenuations = table.rows.map((row, i) => {
    const line = table.lineNumbers[i]!;
    const rssi = numberCell(row, 'rssi', source, line, { required: true, min: -127, max: 20 })!;
    const tx = numberCell(row, 'tx', source, line, { min: -127, max: 127 }) ?? defaultTx;
    const receiver = calibration.lookup(row['manufacturer'], row['model']);
    return attenuationDb(tx, rssi, receiver.rssiCorrectionDb);
  });

  const filtered = new Array<number | undefined>(table.rows.length);
  if (series) {
    const times = table.rows.map((row, i) => numberCell(row, 't', source, table.lineNumbers[i]!, { required: true, min: 0 })!);
    // Each ID's rows in time order (input order breaks ties), so "up to that row" means up to its time.
    const rowsById = new Map<string, number[]>();
    table.rows.forEach((row, i) => {
      const id = row['id']!;
      const list = rowsById.get(id);
      if (list) list.push(i);
      else rowsById.set(id, [i]);
    });
    const kind = options.filter ?? 'kalman';
    for (const list of rowsById.values()) {
      list.sort((a, b) => times[a]! - times[b]! || a - b);
      const f: AttenuationFilter = createFilter(kind, model.sigmaDb);
      for (const i of list) filtered[i] = f.update(times[i]!, attenuations[i]!);
    }
  }

  const added = [...ESTIMATE_COLUMNS, ...(series ? FILTERED_COLUMNS : [])].filter((c) => !table.columns.includes(c));
  const columns = [...table.columns, ...added];
  const position = new Map(columns.map((c, i) => [c, i]));
  // Rows as arrays aligned with `columns`: building 100 k objects key by key dominated the run time.
  const values = table.rows.map((row, i) => {
    const out: (string | number)[] = new Array(columns.length);
    for (let c = 0; c < table.columns.length; c++) out[c] = row[table.columns[c]!]!;
    const a = attenuations[i]!;
    const e = estimateDistance(model, a, { coverage: options.coverage });
    out[position.get('attenuation_db')!] = round(a, 2);
    out[position.get('distance_m')!] = round(e.distanceM, 3);
    out[position.get('distance_low_m')!] = round(e.lowM, 3);
    out[position.get('distance_high_m')!] = round(e.highM, 3);
    const fa = filtered[i];
    if (series) {
      const fe = estimateDistance(model, fa!, { coverage: options.coverage });
      out[position.get('filtered_distance_m')!] = round(fe.distanceM, 3);
      out[position.get('filtered_distance_low_m')!] = round(fe.lowM, 3);
      out[position.get('filtered_distance_high_m')!] = round(fe.highM, 3);
    }
    return out;
  });
  return { columns, values };
}

/** The rows of an {@link estimateRows} result as objects keyed by column (what `estimate --json` prints). */
export function estimateRowObjects(result: EstimatedRows): Record<string, string | number>[] {
  return result.values.map((v) => Object.fromEntries(result.columns.map((c, i) => [c, v[i]!])));
}
