/**
 * Context-aware calibration: the log-distance fit with per-context offsets shrunk towards the pooled fit.
 *
 * Model: attenuation = A0 + Σ_c b_c[v] + n · 10·log10 d + ε, fitted by ridge-penalised weighted least
 * squares (a Gaussian random-effects / hierarchical model's posterior mode):
 *   minimise Σ_i w_i (y_i − A0 − n x_i − Σ_c b_c[v_ic])² + λ Σ_c Σ_v b_c[v]²
 * - w_i = 1 / (rows of i's series): each series (an `id`) weighs as one observation, because the rows
 *   of a series share its distance, bodies and phones and are far from independent. Without `id`
 *   every row is its own series.
 * - λ (`shrinkageSeries`, default 2) is the prior's strength in series: a value seen in m series keeps
 *   m / (m + λ) of its own mean residual, so a value backed by 2 series is pulled halfway to the
 *   pooled fit and one never seen predicts the pooled fit.
 * - Solved by backfitting (Gauss–Seidel over the blocks A0/n and each column's offsets), which
 *   converges for this strictly convex problem and costs O(rows) per sweep whatever the number of
 *   values, so a file with 10 000 distinct models cannot stall it.
 * - σ per value: its rows' residual RMS shrunk towards the pooled σ with a prior worth
 *   `sigmaPriorSeries` (default 3) series: σ_v² = (m s_v² + 3 σ²) / (m + 3).
 * Series estimators are calibrated on the same training series: each candidate filter runs over every
 * series and the RMS of its output's residual is kept per bucket of readings it rests on.
 * @module
 */
import { closeProbability, fitPlatt, CONTEXT_COLUMNS, FILTER_SIGMA_BUCKETS, filterSigmaBucket, MAX_PRIOR_DISTANCES, MODEL_FILE_VERSION, type ContextColumn, type DistancePrior, type ContextColumnFit, type ContextEffect, type ProximityModel } from './contextModel.js';
import { createFilter, filterSpecName, type FilterSpec } from './filters.js';
import { FitError } from './fit.js';
import { estimateDistance } from './pathLoss.js';
import { estimateReadings, type ReadingInput } from './seriesEstimate.js';


/** A labelled reading for the context-aware fit. */
export interface ContextReading extends ReadingInput {
  /** True distance, m. */
  distanceM: number;
}

/** Series estimators the fit calibrates and cross-validation chooses among. */
export const CANDIDATE_FILTERS: readonly FilterSpec[] = [
  { kind: 'window', windowS: 10 },
  { kind: 'window', windowS: 30 },
  { kind: 'window', windowS: 60 },
  { kind: 'kalman' },
];

/** Options of {@link fitContextModel}. */
export interface ContextFitOptions {
  /** Context columns to learn; default every column of {@link CONTEXT_COLUMNS} some reading has. */
  columns?: readonly ContextColumn[];
  /** Ridge strength λ in series; default 2. */
  shrinkageSeries?: number;
  /** Weight of the pooled σ in each value's σ, in series; default 3. */
  sigmaPriorSeries?: number;
  /** Filters to calibrate σ tables for; default {@link CANDIDATE_FILTERS}. */
  filters?: readonly FilterSpec[];
  /** Distance at which `p_close` is recalibrated; default 2 m. */
  closeM?: number;
  /**
   * Student-t degrees of freedom of `p_close`'s likelihood; default Gaussian. On rss_smartphone with
   * position + model, t(4) cut the held-out decile gap from 0.52 to 0.11 but lost 0.01 of balanced
   * accuracy without context (README "Accuracy"), so it is an option, not the default.
   */
  closeTailDof?: number;
}

/** A fitted model and how well it fits its own rows. */
export interface ContextFit {
  model: ProximityModel;
  rows: number;
  series: number;
  /** Root-mean-square residual, dB. */
  rmseDb: number;
  /** Share of attenuation variance explained by distance and context. */
  rSquared: number;
  /** Share of rows whose true distance lies in their 80 % per-row interval. */
  intervalCoverage80: number;
  /** Median of |log10(estimate / truth)| of per-row estimates. */
  medianAbsLog10Error: number;
}

/** The model-file ranges every fitted parameter must meet (the reader refuses anything else). */
export const MODEL_RANGES = { a0Db: [-50, 200], pathLossExponent: [0.1, 10], sigmaDb: [0.01, 50] } as const;

/** Fits the context-aware model. @throws FitError naming why the data cannot determine it */
export function fitContextModel(readings: readonly ContextReading[], options: ContextFitOptions = {}): ContextFit {
  const n = readings.length;
  const lambda = options.shrinkageSeries ?? 2;
  const sigmaPrior = options.sigmaPriorSeries ?? 3;
  if (!(lambda >= 0 && lambda <= 1e6)) throw new FitError(`shrinkage must be 0..1e6 series, got ${lambda}`);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = readings[i]!;
    x[i] = 10 * Math.log10(r.distanceM);
    y[i] = r.attenuationDb;
    if (x[i]! < minX) minX = x[i]!;
    if (x[i]! > maxX) maxX = x[i]!;
    if (y[i]! < minY) minY = y[i]!;
    if (y[i]! > maxY) maxY = y[i]!;
  }
  if (n > 0 && maxX - minX < 1e-9) throw new FitError('all labelled readings are at one distance; the path-loss exponent needs at least two distances');
  if (n < 10) throw new FitError(`need at least 10 labelled readings at two or more distances to fit A0, n and σ; got ${n}`);
  if (maxY - minY < 1e-9) throw new FitError(`every reading has the same attenuation (${minY} dB) at every distance: RSSI does not depend on distance in this data`);

  // Series and their weights.
  const seriesIndex = new Map<string, number>();
  const seriesOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const key = readings[i]!.series;
    if (key === undefined) {
      seriesOf[i] = -1;
      continue;
    }
    let s = seriesIndex.get(key);
    if (s === undefined) seriesIndex.set(key, (s = seriesIndex.size));
    seriesOf[i] = s;
  }
  const seriesRows = new Float64Array(seriesIndex.size);
  for (let i = 0; i < n; i++) if (seriesOf[i]! >= 0) seriesRows[seriesOf[i]!]!++;
  const w = new Float64Array(n);
  let loneRows = 0;
  for (let i = 0; i < n; i++) {
    if (seriesOf[i]! >= 0) w[i] = 1 / seriesRows[seriesOf[i]!]!;
    else {
      w[i] = 1;
      loneRows++;
    }
  }
  const seriesCount = seriesIndex.size + loneRows;

  // Context columns and value indices.
  const columns = (options.columns ?? CONTEXT_COLUMNS).filter((c) => readings.some((r) => r.context?.[c]?.trim()));
  const levels = columns.map((column) => {
    const index = new Map<string, number>();
    const of = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = readings[i]!.context?.[column]?.trim();
      if (!v) {
        of[i] = -1;
        continue;
      }
      let k = index.get(v);
      if (k === undefined) index.set(v, (k = index.size));
      of[i] = k;
    }
    return { column, index, of, offset: new Float64Array(index.size), weight: new Float64Array(index.size) };
  });
  for (const level of levels) for (let i = 0; i < n; i++) if (level.of[i]! >= 0) level.weight[level.of[i]!]! += w[i]!;

  // Backfitting.
  let a0 = 0;
  let slope = 0;
  const partial = new Float64Array(n);
  const offsetSum = new Float64Array(n);
  for (let sweep = 0; sweep < 200; sweep++) {
    let change = 0;
    // A0 and n given the offsets: weighted simple regression.
    let sw = 0;
    let swx = 0;
    let swy = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[i]! - offsetSum[i]!;
      sw += w[i]!;
      swx += w[i]! * x[i]!;
      swy += w[i]! * yi;
    }
    const mx = swx / sw;
    const my = swy / sw;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const dx = x[i]! - mx;
      sxx += w[i]! * dx * dx;
      sxy += w[i]! * dx * (y[i]! - offsetSum[i]! - my);
    }
    if (!(sxx > 1e-12)) throw new FitError('all labelled readings are at one distance; the path-loss exponent needs at least two distances');
    const newSlope = sxy / sxx;
    const newA0 = my - newSlope * mx;
    change = Math.max(change, Math.abs(newSlope - slope), Math.abs(newA0 - a0));
    slope = newSlope;
    a0 = newA0;
    for (const level of levels) {
      const sums = new Float64Array(level.offset.length);
      for (let i = 0; i < n; i++) {
        const k = level.of[i]!;
        if (k < 0) continue;
        partial[i] = y[i]! - a0 - slope * x[i]! - (offsetSum[i]! - level.offset[k]!);
        sums[k]! += w[i]! * partial[i]!;
      }
      for (let k = 0; k < sums.length; k++) {
        const next = sums[k]! / (level.weight[k]! + lambda || 1);
        change = Math.max(change, Math.abs(next - level.offset[k]!));
        level.offset[k] = next;
      }
      offsetSum.fill(0);
      for (const l of levels) for (let i = 0; i < n; i++) if (l.of[i]! >= 0) offsetSum[i]! += l.offset[l.of[i]!]!;
    }
    if (change < 1e-7) break;
  }

  // Residuals, σ, decomposition.
  const residual = new Float64Array(n);
  let ssr = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += y[i]! / n;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    residual[i] = y[i]! - a0 - slope * x[i]! - offsetSum[i]!;
    ssr += residual[i]! ** 2;
    syy += (y[i]! - meanY) ** 2;
  }
  const sigma = Math.sqrt(ssr / Math.max(1, n - 2));
  checkRange('n', slope, MODEL_RANGES.pathLossExponent, 'RSSI must fall with distance; check the distance and rssi columns');
  checkRange('A0', a0, MODEL_RANGES.a0Db, 'check the rssi and tx columns (dBm)');
  checkRange('σ', sigma, MODEL_RANGES.sigmaDb, 'the readings leave no residual to estimate σ from');

  let within: number | undefined;
  let between: number | undefined;
  if (seriesIndex.size >= 2) {
    const sum = new Float64Array(seriesIndex.size);
    for (let i = 0; i < n; i++) if (seriesOf[i]! >= 0) sum[seriesOf[i]!]! += residual[i]!;
    let ssWithin = 0;
    let rowsInSeries = 0;
    for (let i = 0; i < n; i++) {
      const s = seriesOf[i]!;
      if (s < 0) continue;
      ssWithin += (residual[i]! - sum[s]! / seriesRows[s]!) ** 2;
      rowsInSeries++;
    }
    const means = [...sum].map((v, s) => v / seriesRows[s]!);
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    between = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, means.length - 1));
    within = rowsInSeries > seriesIndex.size ? Math.sqrt(ssWithin / (rowsInSeries - seriesIndex.size)) : undefined;
    if (within !== undefined && !(within > 0.01)) within = undefined;
  }

  const contexts: Partial<Record<ContextColumn, ContextColumnFit>> = {};
  for (const level of levels) {
    const k = level.offset.length;
    const sq = new Float64Array(k);
    const rows = new Float64Array(k);
    const seriesSets = Array.from({ length: k }, () => new Set<number>());
    const lone = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const v = level.of[i]!;
      if (v < 0) continue;
      sq[v]! += residual[i]! ** 2;
      rows[v]!++;
      if (seriesOf[i]! >= 0) seriesSets[v]!.add(seriesOf[i]!);
      else lone[v]!++;
    }
    const entries: [string, ContextEffect][] = [];
    let spreadNum = 0;
    let spreadDen = 0;
    for (const [name, v] of level.index) {
      const m = seriesSets[v]!.size + lone[v]!;
      const own = sq[v]! / rows[v]!;
      const sigmaV = Math.sqrt((m * own + sigmaPrior * sigma ** 2) / (m + sigmaPrior));
      entries.push([name, { offsetDb: level.offset[v]!, sigmaDb: Math.min(MODEL_RANGES.sigmaDb[1], Math.max(MODEL_RANGES.sigmaDb[0], sigmaV)), series: m, rows: rows[v]! }]);
      spreadNum += m * level.offset[v]! ** 2;
      spreadDen += m;
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    contexts[level.column] = { spreadDb: Math.sqrt(spreadNum / Math.max(spreadDen, 1e-12)), values: Object.fromEntries(entries) };
  }

  const model: ProximityModel = { a0Db: a0, pathLossExponent: slope, sigmaDb: sigma, contexts, shrinkageSeries: lambda };
  // Clamped to the model file's ranges: extreme data may leave them a rounding step outside.
  const [sMin, sMax] = MODEL_RANGES.sigmaDb;
  if (within !== undefined) model.withinSeriesSigmaDb = Math.min(sMax, Math.max(sMin, within));
  if (between !== undefined) model.betweenSeriesSigmaDb = Math.min(sMax, Math.max(0, between));
  const prior = distancePrior(readings, w);
  if (prior) model.distancePrior = prior;
  if (options.closeTailDof !== undefined) model.closeTailDof = options.closeTailDof;
  const tables = filterSigmaTables(model, readings, residual, offsetSum, seriesOf, options.filters ?? CANDIDATE_FILTERS);
  if (tables) model.filteredSigmaDb = tables;
  model.closeCalibration = closeCalibration(model, readings, options.closeM ?? 2, options.filters ?? CANDIDATE_FILTERS);

  // Summary figures as `estimate` will compute them: context offsets and per-context σ.
  const rowEstimates = estimateReadings(model, readings, { filter: { kind: 'kalman' } });
  let inside = 0;
  const logErrors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = estimateDistance(model, rowEstimates.correctedDb[i]!, { sigmaDb: rowEstimates.rowSigmaDb[i]! });
    const d = readings[i]!.distanceM;
    if (d >= e.lowM && d <= e.highM) inside++;
    logErrors[i] = Math.abs(Math.log10(e.distanceM / d));
  }
  logErrors.sort();
  return {
    model,
    rows: n,
    series: seriesCount,
    rmseDb: Math.sqrt(ssr / n),
    rSquared: syy > 0 ? 1 - ssr / syy : 1,
    intervalCoverage80: inside / n,
    medianAbsLog10Error: logErrors[Math.floor((n - 1) / 2)]!,
  };
}

/** The model-file format version a fit writes. */
export const FIT_MODEL_VERSION = MODEL_FILE_VERSION;

function checkRange(name: string, value: number, [min, max]: readonly [number, number], hint: string): void {
  if (!(value >= min && value <= max)) {
    throw new FitError(`fitted ${name} = ${Number.isFinite(value) ? value.toFixed(3) : String(value)} is outside ${min}..${max}: ${hint}`);
  }
}

/**
 * Prior over distance from the rows' distances, each series weighing one in all (a walking series
 * spreads its weight over the distances it passed); at most {@link MAX_PRIOR_DISTANCES} groups, merged
 * by weighted quantile. See {@link DistancePrior}.
 */
function distancePrior(readings: readonly ContextReading[], weights: Float64Array): DistancePrior | undefined {
  const byDistance = new Map<number, number>();
  readings.forEach((r, i) => byDistance.set(r.distanceM, (byDistance.get(r.distanceM) ?? 0) + weights[i]!));
  if (byDistance.size < 2) return undefined;
  const sorted = [...byDistance.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((a, [, w]) => a + w, 0);
  const groups = new Map<number, number>();
  if (sorted.length <= MAX_PRIOR_DISTANCES) for (const [d, w] of sorted) groups.set(d, w);
  else {
    // Merge into weighted-quantile groups, each at its first distance past the group's middle.
    let acc = 0;
    let group = -1;
    let members: [number, number][] = [];
    const flush = () => {
      if (!members.length) return;
      const wsum = members.reduce((a, [, w]) => a + w, 0);
      let half = 0;
      const mid = members.find(([, w]) => (half += w) >= wsum / 2)![0];
      groups.set(mid, (groups.get(mid) ?? 0) + wsum);
      members = [];
    };
    for (const [d, w] of sorted) {
      const g = Math.min(MAX_PRIOR_DISTANCES - 1, Math.floor((acc / total) * MAX_PRIOR_DISTANCES));
      if (g !== group) {
        flush();
        group = g;
      }
      members.push([d, w]);
      acc += w;
    }
    flush();
  }
  const distancesM = [...groups.keys()];
  return { distancesM, weights: distancesM.map((d) => groups.get(d)!), bandwidthLog10: PRIOR_BANDWIDTH_LOG10 };
}

/** Smoothing of each prior distance, log10 units: ±12 % in distance, about a step of the usual grids. */
export const PRIOR_BANDWIDTH_LOG10 = 0.05;

/** Platt parameters of `p_close` for single readings and each filter, on the training rows. */
function closeCalibration(model: ProximityModel, readings: readonly ContextReading[], closeM: number, filters: readonly FilterSpec[]): ProximityModel['closeCalibration'] {
  const truth = readings.map((r) => r.distanceM <= closeM);
  const byFilter: Record<string, { slope: number; intercept: number }> = {};
  const specs: (FilterSpec | undefined)[] = [undefined, ...(model.filteredSigmaDb ? filters : [])];
  for (const spec of specs) {
    const e = estimateReadings(model, readings, { filter: spec ?? { kind: 'kalman' } });
    const p = new Float64Array(readings.length);
    for (let i = 0; i < readings.length; i++) {
      const filtered = spec !== undefined && !Number.isNaN(e.filteredDb[i]!);
      p[i] = filtered ? closeProbability(model, e.filteredDb[i]!, e.filteredSigmaDb[i]!, closeM) : closeProbability(model, e.correctedDb[i]!, e.rowSigmaDb[i]!, closeM);
    }
    byFilter[spec ? filterSpecName(spec) : 'row'] = fitPlatt(truth, p);
  }
  return { closeM, byFilter };
}

/**
 * Each filter's output residual RMS per bucket of readings, over the training series (filters run on
 * context-corrected attenuations, as `estimate` runs them). Sparse buckets borrow from the previous.
 */
function filterSigmaTables(model: ProximityModel, readings: readonly ContextReading[], residual: Float64Array, offsetSum: Float64Array, seriesOf: Int32Array, filters: readonly FilterSpec[]): Record<string, number[]> | undefined {
  const bySeries = new Map<number, number[]>();
  readings.forEach((r, i) => {
    const s = seriesOf[i]!;
    if (s < 0 || r.timeMs === undefined) return;
    const list = bySeries.get(s);
    if (list) list.push(i);
    else bySeries.set(s, [i]);
  });
  if (bySeries.size < 2) return undefined;
  for (const list of bySeries.values()) list.sort((a, b) => readings[a]!.timeMs! - readings[b]!.timeMs! || a - b);
  const out: Record<string, number[]> = {};
  const measurementSigma = model.withinSeriesSigmaDb ?? model.sigmaDb;
  for (const spec of filters) {
    const sq = new Float64Array(FILTER_SIGMA_BUCKETS);
    const count = new Float64Array(FILTER_SIGMA_BUCKETS);
    for (const list of bySeries.values()) {
      const f = createFilter(spec, measurementSigma);
      for (const i of list) {
        const corrected = readings[i]!.attenuationDb - offsetSum[i]!;
        const expected = corrected - residual[i]!;
        const value = f.update(readings[i]!.timeMs!, corrected);
        const b = filterSigmaBucket(f.count);
        sq[b]! += (value - expected) ** 2;
        count[b]!++;
      }
    }
    const table: number[] = [];
    for (let b = 0; b < FILTER_SIGMA_BUCKETS; b++) {
      const own = count[b]! >= 30 ? Math.sqrt(sq[b]! / count[b]!) : undefined;
      table.push(Math.min(MODEL_RANGES.sigmaDb[1], Math.max(MODEL_RANGES.sigmaDb[0], own ?? table[b - 1] ?? model.sigmaDb)));
    }
    out[filterSpecName(spec)] = table;
  }
  return out;
}
