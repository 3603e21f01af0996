/**
 * Per-reading and running (causal, per series) attenuation estimates under a {@link ProximityModel}:
 * what `estimate` prints and `calibrate evaluate` scores. Pure and array-based (100 k rows in one go).
 * @module
 */
import {
  rowContext,
  filteredSigmaDb,
  type ContextColumn,
  type ProximityModel,
} from './contextModel.js';
import { createFilter, type FilterSpec } from './filters.js';

/** One reading to estimate. */
export interface ReadingInput {
  attenuationDb: number;
  /** Series key (an `id`); readings without one are not filtered. */
  series?: string;
  /** Time of the reading, ms; needed with `series`. */
  timeMs?: number;
  context?: Partial<Record<ContextColumn, string>>;
}

/** Options of {@link estimateReadings}. */
export interface EstimateReadingsOptions {
  /** Series estimator; default the model's choice, else kalman. */
  filter?: FilterSpec;
}

/** Estimates, aligned with the input readings. */
export interface ReadingEstimates {
  /** Attenuation minus the row's context offset: compare with the pooled model. */
  correctedDb: Float64Array;
  /** σ of one reading in this row's context, dB. */
  rowSigmaDb: Float64Array;
  /** Running filtered corrected attenuation of the row's series (NaN for rows without a series). */
  filteredDb: Float64Array;
  /** σ of the filtered value, dB (NaN without a series). */
  filteredSigmaDb: Float64Array;
  /** Rows per context column that fell back to the pooled fit (unseen or empty value). */
  unseenRows: Partial<Record<ContextColumn, number>>;
  /** The filter used. */
  filter: FilterSpec;
}

/** The filter `estimate` uses for a model when none is asked for. */
export function defaultFilter(model: ProximityModel): FilterSpec {
  return model.filter ?? { kind: 'kalman' };
}

/** Computes per-row and running estimates for every reading. */
export function estimateReadings(
  model: ProximityModel,
  readings: readonly ReadingInput[],
  options: EstimateReadingsOptions = {},
): ReadingEstimates {
  const n = readings.length;
  const filter = options.filter ?? defaultFilter(model);
  const correctedDb = new Float64Array(n);
  const rowSigmaDb = new Float64Array(n);
  const filteredDb = new Float64Array(n).fill(Number.NaN);
  const filteredSigma = new Float64Array(n).fill(Number.NaN);
  const unseenRows: Partial<Record<ContextColumn, number>> = {};
  const contexts = new Array<ReturnType<typeof rowContext>>(n);
  // Rows of one series share their context values almost always: cache by the joined values.
  const cache = new Map<string, ReturnType<typeof rowContext>>();
  for (let i = 0; i < n; i++) {
    const r = readings[i]!;
    const key = r.context
      ? `${r.context.model ?? ''}\u0000${r.context.tx_model ?? ''}\u0000${r.context.position ?? ''}`
      : '';
    let ctx = cache.get(key);
    if (!ctx) {
      ctx = rowContext(model, r.context ?? {});
      cache.set(key, ctx);
    }
    contexts[i] = ctx;
    for (const c of ctx.unseen) unseenRows[c] = (unseenRows[c] ?? 0) + 1;
    correctedDb[i] = r.attenuationDb - ctx.offsetDb;
    rowSigmaDb[i] = ctx.sigmaDb;
  }
  const bySeries = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const s = readings[i]!.series;
    if (s === undefined || readings[i]!.timeMs === undefined) continue;
    const list = bySeries.get(s);
    if (list) list.push(i);
    else bySeries.set(s, [i]);
  }
  const measurementSigma = model.withinSeriesSigmaDb ?? model.sigmaDb;
  for (const list of bySeries.values()) {
    // Time order, input order breaking ties: "up to that row" means up to its time.
    list.sort((a, b) => readings[a]!.timeMs! - readings[b]!.timeMs! || a - b);
    const f = createFilter(filter, measurementSigma);
    for (const i of list) {
      filteredDb[i] = f.update(readings[i]!.timeMs!, correctedDb[i]!);
      filteredSigma[i] = filteredSigmaDb(model, filter, f.count, contexts[i]!);
    }
  }
  return {
    correctedDb,
    rowSigmaDb,
    filteredDb,
    filteredSigmaDb: filteredSigma,
    unseenRows,
    filter,
  };
}
