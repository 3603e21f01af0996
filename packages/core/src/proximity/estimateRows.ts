/**
 * The row transformation behind `proxsense estimate`: RSSI rows in, the same rows out with attenuation,
 * a distance estimate with its interval, (for rows with `id` and `t`) the running filtered estimate of
 * that ID's series, and with `closeM` the probability `p_close` that the true distance is ≤ closeM
 * given the series so far. Context columns (`model`, `tx_model`, `position`) are used when the model has
 * them. Pure, so apps can run the same thing on device.
 * @module
 */
import { CalibrationTable } from './calibration.js';
import {
  asProximityModel,
  calibrateCloseProbability,
  closeProbability,
  type ContextColumn,
  type ProximityModel,
} from './contextModel.js';
import type { CsvTable } from './csv.js';
import { filterSpecName, type FilterKind, type FilterSpec } from './filters.js';
import { DEFAULT_PATH_LOSS_MODEL, estimateDistance, type PathLossModel } from './pathLoss.js';
import { readRowReadings } from './readingRows.js';
import { estimateReadings } from './seriesEstimate.js';

/** Options of {@link estimateRows}. */
export interface EstimateRowsOptions {
  model?: PathLossModel | ProximityModel;
  calibration?: CalibrationTable;
  /** Filter for the per-ID series; default the model's cross-validated choice, else `kalman`. */
  filter?: FilterKind | FilterSpec;
  /** Interval probability; default 0.8. */
  coverage?: number;
  /** Adds `p_close` = P(distance ≤ closeM | the series so far). */
  closeM?: number;
}

/** Columns `estimate` adds, in order. */
export const ESTIMATE_COLUMNS = [
  'attenuation_db',
  'distance_m',
  'distance_low_m',
  'distance_high_m',
] as const;
export const FILTERED_COLUMNS = [
  'filtered_distance_m',
  'filtered_distance_low_m',
  'filtered_distance_high_m',
] as const;
/** Added last, with `closeM`. */
export const CLOSE_COLUMN = 'p_close';

/** Distances are printed within these bounds (an extreme attenuation would otherwise print 1e300 m). */
export const DISTANCE_OUTPUT_RANGE_M = { min: 0.001, max: 1e6 } as const;

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const clampDistance = (d: number) =>
  Math.min(DISTANCE_OUTPUT_RANGE_M.max, Math.max(DISTANCE_OUTPUT_RANGE_M.min, d));

/** Output of {@link estimateRows}: column names and, per input row, its values in that order. */
export interface EstimatedRows {
  columns: string[];
  values: (string | number)[][];
  /** Rows per context column whose value the model never saw (they used the pooled fit). */
  unseenRows: Partial<Record<ContextColumn, number>>;
}

/**
 * Adds estimates to every row (one output row per input row, in input order; other columns untouched).
 * @throws CsvFormatError for a missing `rssi` column or a bad cell, naming the line and column.
 */
export function estimateRows(
  table: CsvTable,
  source: string,
  options: EstimateRowsOptions = {},
): EstimatedRows {
  const model = asProximityModel(options.model ?? DEFAULT_PATH_LOSS_MODEL);
  const calibration = options.calibration ?? new CalibrationTable();
  const readings = readRowReadings(table, source, { calibration });
  const series = table.columns.includes('id') && table.columns.includes('t');
  const filter = typeof options.filter === 'string' ? { kind: options.filter } : options.filter;
  const e = estimateReadings(model, readings, { filter });
  const coverage = options.coverage;
  const filterName = filterSpecName(e.filter);

  const closing = options.closeM !== undefined;
  const added = [
    ...ESTIMATE_COLUMNS,
    ...(series ? FILTERED_COLUMNS : []),
    ...(closing ? [CLOSE_COLUMN] : []),
  ].filter((c) => !table.columns.includes(c));
  const columns = [...table.columns, ...added];
  const position = new Map(columns.map((c, i) => [c, i]));
  // Rows as arrays aligned with `columns`: building 100 k objects key by key dominated the run time.
  const values = table.rows.map((row, i) => {
    const out = new Array<string | number>(columns.length);
    for (let c = 0; c < table.columns.length; c++) out[c] = row[table.columns[c]!]!;
    const a = e.correctedDb[i]!;
    const est = estimateDistance(model, a, { coverage, sigmaDb: e.rowSigmaDb[i]! });
    out[position.get('attenuation_db')!] = round(readings[i]!.attenuationDb, 2);
    out[position.get('distance_m')!] = round(clampDistance(est.distanceM), 3);
    out[position.get('distance_low_m')!] = round(clampDistance(est.lowM), 3);
    out[position.get('distance_high_m')!] = round(clampDistance(est.highM), 3);
    let pa = a;
    let ps = e.rowSigmaDb[i]!;
    if (series) {
      pa = e.filteredDb[i]!;
      ps = e.filteredSigmaDb[i]!;
      const fe = estimateDistance(model, pa, { coverage, sigmaDb: ps });
      out[position.get('filtered_distance_m')!] = round(clampDistance(fe.distanceM), 3);
      out[position.get('filtered_distance_low_m')!] = round(clampDistance(fe.lowM), 3);
      out[position.get('filtered_distance_high_m')!] = round(clampDistance(fe.highM), 3);
    }
    if (closing)
      out[position.get(CLOSE_COLUMN)!] = round(
        calibrateCloseProbability(
          model,
          closeProbability(model, pa, ps, options.closeM!),
          series ? filterName : 'row',
          options.closeM!,
        ),
        4,
      );
    return out;
  });
  return { columns, values, unseenRows: e.unseenRows };
}

/** The rows of an {@link estimateRows} result as objects keyed by column (what `estimate --json` prints). */
export function estimateRowObjects(result: EstimatedRows): Record<string, string | number>[] {
  return result.values.map((v) => Object.fromEntries(result.columns.map((c, i) => [c, v[i]!])));
}
