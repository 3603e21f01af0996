/**
 * Scoring "true distance ≤ D" on labelled readings: balanced accuracy, ROC AUC, Brier score and
 * calibration by decile for the per-row estimate, the filtered (series) estimate and `p_close`;
 * interval coverage against the nominal level; and, on the same rows, the best single RSSI threshold
 * (tuned on those very rows, so a generous baseline). Cross-validation splits by series (or by any
 * grouping of them), never by row: rows of one series are not independent.
 * @module
 */
import {
  calibrateCloseProbability,
  closePriorShare,
  closeProbability,
  type ProximityModel,
} from './contextModel.js';
import {
  CANDIDATE_FILTERS,
  fitContextModel,
  type ContextFitOptions,
  type ContextReading,
} from './contextFit.js';
import { filterSpecName, type FilterSpec } from './filters.js';
import { normalQuantile } from './pathLoss.js';
import { estimateReadings } from './seriesEstimate.js';
import { FitError } from './fit.js';

/** A labelled reading with its raw RSSI (for the threshold baseline). */
export interface EvaluationReading extends ContextReading {
  rssiDbm: number;
}

/** Scores of one estimate. */
export interface ClassifierScores {
  /** Mean of the true-positive and true-negative rates of its "close" decision. */
  balancedAccuracy: number;
  /** Area under the ROC curve of its score (ties count half). */
  rocAuc: number;
  /** Mean squared error of its probability of "close". */
  brier: number;
  /** Share of rows whose true distance lies in its interval. */
  intervalCoverage: number;
  /** Balanced accuracy of the plain point rule "distance_m ≤ D". */
  pointBalancedAccuracy: number;
}

/** One probability decile: mean predicted vs observed share of close rows. */
export interface DecileCalibration {
  low: number;
  high: number;
  rows: number;
  meanPredicted: number;
  observed: number;
}

/** Everything `calibrate evaluate` reports for one model and filter. */
export interface Evaluation {
  rows: number;
  series: number;
  closeM: number;
  /** Share of rows truly within closeM. */
  closeShare: number;
  nominalCoverage: number;
  filter: string;
  perRow: ClassifierScores;
  filtered?: ClassifierScores;
  /**
   * Calibration of the filtered `p_close`: `deciles` are the fixed bins [0, 0.1) … [0.9, 1] and
   * `maxDecileGap` their largest |predicted − observed| over bins holding ≥ 1 % of the rows (≥ 30);
   * `equalCount` are ten equal-count bins with their largest gap and ECE (see
   * {@link equalCountCalibration}).
   */
  pClose?: {
    brier: number;
    maxDecileGap: number;
    deciles: DecileCalibration[];
    equalCount: DecileCalibration[];
    equalCountMaxGap: number;
    ece: number;
  };
  threshold: { rssiDbm: number; balancedAccuracy: number };
  /** filtered (else per-row) balanced accuracy ÷ the threshold's. */
  ratioToThreshold: number;
  /** Rows per context column that fell back to the pooled fit. */
  unseenRows: Record<string, number>;
}

/** Options of {@link evaluateModel}. */
export interface EvaluateOptions {
  closeM?: number;
  coverage?: number;
  filter?: FilterSpec;
}

/** Mean of TPR and TNR (0.5 when a class is absent from the rows). */
export function balancedAccuracy(truth: ArrayLike<boolean>, decision: ArrayLike<boolean>): number {
  let tp = 0;
  let p = 0;
  let tn = 0;
  let q = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i]) {
      p++;
      if (decision[i]) tp++;
    } else {
      q++;
      if (!decision[i]) tn++;
    }
  }
  if (p === 0 || q === 0) return 0.5;
  return (tp / p + tn / q) / 2;
}

/** ROC AUC of `score` (higher = more likely positive) by the rank-sum statistic, ties counting half. */
export function rocAuc(truth: ArrayLike<boolean>, score: ArrayLike<number>): number {
  const n = truth.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]!] === score[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (truth[order[k]!]) {
        rankSum += rank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared error of probabilities against 0/1 truth. */
export function brierScore(truth: ArrayLike<boolean>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += (p[i]! - (truth[i] ? 1 : 0)) ** 2;
  return truth.length ? s / truth.length : 0;
}

/**
 * Calibration in ten probability bins [0, 0.1) … [0.9, 1]. `maxGap` is taken over bins holding at
 * least `minRows` rows (default 1 % of the rows, at least 30), so a near-empty bin does not decide it.
 */
export function decileCalibration(
  truth: ArrayLike<boolean>,
  p: ArrayLike<number>,
  minRows?: number,
): { deciles: DecileCalibration[]; maxGap: number } {
  const sum = new Float64Array(10);
  const hits = new Float64Array(10);
  const rows = new Float64Array(10);
  for (let i = 0; i < truth.length; i++) {
    const b = Math.min(9, Math.max(0, Math.floor(p[i]! * 10)));
    sum[b]! += p[i]!;
    rows[b]!++;
    if (truth[i]) hits[b]!++;
  }
  const floor = minRows ?? Math.max(30, Math.ceil(truth.length * 0.01));
  const deciles: DecileCalibration[] = [];
  let maxGap = 0;
  for (let b = 0; b < 10; b++) {
    if (!rows[b]) continue;
    const d = {
      low: b / 10,
      high: (b + 1) / 10,
      rows: rows[b]!,
      meanPredicted: sum[b]! / rows[b]!,
      observed: hits[b]! / rows[b]!,
    };
    deciles.push(d);
    if (d.rows >= floor) maxGap = Math.max(maxGap, Math.abs(d.meanPredicted - d.observed));
  }
  return { deciles, maxGap };
}

/**
 * Calibration in ten equal-count bins of the rows sorted by predicted probability (ties kept in one
 * bin, so a bin may hold more than a tenth), and the expected calibration error ECE = Σ_b (rows_b /
 * rows) · |mean predicted − observed| over those bins. Unlike fixed deciles every bin holds about a
 * tenth of the rows, so no bin is decided by a handful of rows of one series.
 */
export function equalCountCalibration(
  truth: ArrayLike<boolean>,
  p: ArrayLike<number>,
  bins = 10,
): { bins: DecileCalibration[]; maxGap: number; ece: number } {
  const n = truth.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const out: DecileCalibration[] = [];
  let maxGap = 0;
  let ece = 0;
  for (let start = 0; start < n;) {
    let end = Math.max(start + 1, Math.round(((out.length + 1) * n) / bins));
    while (end < n && p[order[end]!] === p[order[end - 1]!]) end++;
    let sum = 0;
    let hits = 0;
    for (let k = start; k < end; k++) {
      sum += p[order[k]!]!;
      if (truth[order[k]!]) hits++;
    }
    const rows = end - start;
    const d = {
      low: p[order[start]!]!,
      high: p[order[end - 1]!]!,
      rows,
      meanPredicted: sum / rows,
      observed: hits / rows,
    };
    out.push(d);
    const gap = Math.abs(d.meanPredicted - d.observed);
    maxGap = Math.max(maxGap, gap);
    ece += (rows / n) * gap;
    start = end;
  }
  return { bins: out, maxGap, ece };
}

/** The RSSI cut ("close" when rssi ≥ cut) with the best balanced accuracy on these rows. */
export function bestRssiThreshold(
  truth: ArrayLike<boolean>,
  rssiDbm: ArrayLike<number>,
): { rssiDbm: number; balancedAccuracy: number } {
  const n = truth.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (truth[i]) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return { rssiDbm: Number.NaN, balancedAccuracy: 0.5 };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rssiDbm[b]! - rssiDbm[a]!);
  let tp = 0;
  let fp = 0;
  let best = { rssiDbm: Infinity, balancedAccuracy: 0.5 };
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && rssiDbm[order[j]!] === rssiDbm[order[i]!]) {
      if (truth[order[j]!]) tp++;
      else fp++;
      j++;
    }
    const ba = (tp / positives + 1 - fp / negatives) / 2;
    if (ba > best.balancedAccuracy) best = { rssiDbm: rssiDbm[order[i]!]!, balancedAccuracy: ba };
    i = j;
  }
  return best;
}

/** Per-row estimates of a model on labelled readings, ready for scoring (pooled across folds). */
interface Scored {
  truth: boolean[];
  rssi: number[];
  rowP: number[];
  rowPoint: boolean[];
  rowDecision: boolean[];
  rowCovered: boolean[];
  filtP: number[];
  filtPoint: boolean[];
  filtDecision: boolean[];
  filtCovered: boolean[];
  hasFiltered: boolean;
  unseenRows: Record<string, number>;
}

function emptyScored(): Scored {
  return {
    truth: [],
    rssi: [],
    rowP: [],
    rowPoint: [],
    rowDecision: [],
    rowCovered: [],
    filtP: [],
    filtPoint: [],
    filtDecision: [],
    filtCovered: [],
    hasFiltered: false,
    unseenRows: {},
  };
}

function scoreInto(
  acc: Scored,
  model: ProximityModel,
  readings: readonly EvaluationReading[],
  closeM: number,
  coverage: number,
  filter: FilterSpec | undefined,
): void {
  const e = estimateReadings(model, readings, { filter });
  const z = normalQuantile(0.5 + coverage / 2);
  const share = closePriorShare(model, closeM);
  const closeAttenuation = model.a0Db + 10 * model.pathLossExponent * Math.log10(closeM);
  const slope = 10 * model.pathLossExponent;
  const filterName = filterSpecName(e.filter);
  if (e.filteredDb.some((v) => !Number.isNaN(v))) acc.hasFiltered = true;
  readings.forEach((r, i) => {
    const truth = r.distanceM <= closeM;
    acc.truth.push(truth);
    acc.rssi.push(r.rssiDbm);
    const trueA = model.a0Db + slope * Math.log10(r.distanceM);
    const a = e.correctedDb[i]!;
    const s = e.rowSigmaDb[i]!;
    const p = calibrateCloseProbability(
      model,
      closeProbability(model, a, s, closeM),
      'row',
      closeM,
    );
    acc.rowP.push(p);
    acc.rowDecision.push(p >= share);
    acc.rowPoint.push(a <= closeAttenuation);
    acc.rowCovered.push(Math.abs(a - trueA) <= z * s);
    const fa = Number.isNaN(e.filteredDb[i]!) ? a : e.filteredDb[i]!;
    const fs = Number.isNaN(e.filteredDb[i]!) ? s : e.filteredSigmaDb[i]!;
    const fp = Number.isNaN(e.filteredDb[i]!)
      ? p
      : calibrateCloseProbability(
          model,
          closeProbability(model, fa, fs, closeM),
          filterName,
          closeM,
        );
    acc.filtP.push(fp);
    acc.filtDecision.push(fp >= share);
    acc.filtPoint.push(fa <= closeAttenuation);
    acc.filtCovered.push(Math.abs(fa - trueA) <= z * fs);
  });
  for (const [c, k] of Object.entries(e.unseenRows))
    acc.unseenRows[c] = (acc.unseenRows[c] ?? 0) + k;
}

function share(flags: readonly boolean[]): number {
  let k = 0;
  for (const f of flags) if (f) k++;
  return flags.length ? k / flags.length : 0;
}

function summarise(
  acc: Scored,
  closeM: number,
  coverage: number,
  filter: string,
  seriesCount: number,
): Evaluation {
  const perRow: ClassifierScores = {
    balancedAccuracy: balancedAccuracy(acc.truth, acc.rowDecision),
    rocAuc: rocAuc(acc.truth, acc.rowP),
    brier: brierScore(acc.truth, acc.rowP),
    intervalCoverage: share(acc.rowCovered),
    pointBalancedAccuracy: balancedAccuracy(acc.truth, acc.rowPoint),
  };
  const threshold = bestRssiThreshold(acc.truth, acc.rssi);
  const out: Evaluation = {
    rows: acc.truth.length,
    series: seriesCount,
    closeM,
    closeShare: share(acc.truth),
    nominalCoverage: coverage,
    filter,
    perRow,
    threshold,
    ratioToThreshold: perRow.balancedAccuracy / threshold.balancedAccuracy,
    unseenRows: acc.unseenRows,
  };
  if (acc.hasFiltered) {
    const filtered: ClassifierScores = {
      balancedAccuracy: balancedAccuracy(acc.truth, acc.filtDecision),
      rocAuc: rocAuc(acc.truth, acc.filtP),
      brier: brierScore(acc.truth, acc.filtP),
      intervalCoverage: share(acc.filtCovered),
      pointBalancedAccuracy: balancedAccuracy(acc.truth, acc.filtPoint),
    };
    const cal = decileCalibration(acc.truth, acc.filtP);
    out.filtered = filtered;
    const eq = equalCountCalibration(acc.truth, acc.filtP);
    out.pClose = {
      brier: filtered.brier,
      maxDecileGap: cal.maxGap,
      deciles: cal.deciles,
      equalCount: eq.bins,
      equalCountMaxGap: eq.maxGap,
      ece: eq.ece,
    };
    out.ratioToThreshold = filtered.balancedAccuracy / threshold.balancedAccuracy;
  }
  return out;
}

function countSeries(readings: readonly EvaluationReading[]): number {
  const s = new Set<string>();
  let lone = 0;
  for (const r of readings) {
    if (r.series === undefined) lone++;
    else s.add(r.series);
  }
  return s.size + lone;
}

/** Scores a model on labelled readings (no refit). */
export function evaluateModel(
  model: ProximityModel,
  readings: readonly EvaluationReading[],
  options: EvaluateOptions = {},
): Evaluation {
  const closeM = options.closeM ?? 2;
  const coverage = options.coverage ?? 0.8;
  const acc = emptyScored();
  scoreInto(acc, model, readings, closeM, coverage, options.filter);
  return summarise(
    acc,
    closeM,
    coverage,
    filterSpecName(options.filter ?? model.filter ?? { kind: 'kalman' }),
    countSeries(readings),
  );
}

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions extends EvaluateOptions, ContextFitOptions {
  /** Folds; default 5. */
  folds?: number;
  /** Filters to score; default {@link CANDIDATE_FILTERS}. */
  candidates?: readonly FilterSpec[];
}

/** Held-out figures of each candidate filter, plus the fold assignment used. */
export interface CrossValidation {
  folds: number;
  groups: number;
  /** One evaluation per candidate, pooled over the held-out folds. */
  results: Evaluation[];
  /** Index into results of the best filtered balanced accuracy (ties: higher AUC). */
  best: number;
}

/** Deterministic fold of each group: groups sorted by an FNV-1a hash of their key, then dealt round-robin. */
export function assignFolds(keys: readonly string[], folds: number): Map<string, number> {
  const unique = [...new Set(keys)];
  const hashed = unique
    .map((k) => ({ k, h: fnv1a(k) }))
    .sort((a, b) => a.h - b.h || (a.k < b.k ? -1 : 1));
  return new Map(hashed.map((e, i) => [e.k, i % folds]));
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * K-fold cross-validation by group: each fold's rows are scored by a model fitted on the other folds;
 * figures pool all held-out rows. @throws FitError when there are fewer groups than folds
 */
export function crossValidate(
  readings: readonly EvaluationReading[],
  options: CrossValidateOptions = {},
): CrossValidation {
  const folds = options.folds ?? 5;
  const closeM = options.closeM ?? 2;
  const coverage = options.coverage ?? 0.8;
  const candidates = options.candidates ?? CANDIDATE_FILTERS;
  if (!Number.isInteger(folds) || folds < 2)
    throw new FitError(`folds must be an integer ≥ 2, got ${folds}`);
  const keys = readings.map((r, i) => r.group ?? r.series ?? `\u0000row${i}`);
  const fold = assignFolds(keys, folds);
  if (fold.size < folds)
    throw new FitError(
      `cross-validation needs at least ${folds} series (or groups) for ${folds} folds; got ${fold.size}`,
    );
  const accs = candidates.map(() => emptyScored());
  for (let k = 0; k < folds; k++) {
    const train: EvaluationReading[] = [];
    const test: EvaluationReading[] = [];
    readings.forEach((r, i) => (fold.get(keys[i]!) === k ? test : train).push(r));
    const fit = fitContextModel(train, { ...options, filters: candidates });
    candidates.forEach((spec, c) => scoreInto(accs[c]!, fit.model, test, closeM, coverage, spec));
  }
  const series = countSeries(readings);
  const results = candidates.map((spec, c) =>
    summarise(accs[c]!, closeM, coverage, filterSpecName(spec), series),
  );
  let best = 0;
  results.forEach((r, i) => {
    const a = r.filtered ?? r.perRow;
    const b = results[best]!.filtered ?? results[best]!.perRow;
    if (
      a.balancedAccuracy > b.balancedAccuracy + 1e-9 ||
      (Math.abs(a.balancedAccuracy - b.balancedAccuracy) <= 1e-9 && a.rocAuc > b.rocAuc)
    )
      best = i;
  });
  return { folds, groups: fold.size, results, best };
}

/**
 * The fit `calibrate fit` runs: the context-aware fit on all rows, with the default series estimator
 * chosen by cross-validation by series when the data has enough series with times (else kalman).
 */
export function fitWithFilterSelection(
  readings: readonly EvaluationReading[],
  options: CrossValidateOptions = {},
): { fit: ReturnType<typeof fitContextModel>; selection?: CrossValidation } {
  const candidates = options.candidates ?? CANDIDATE_FILTERS;
  const fit = fitContextModel(readings, { ...options, filters: candidates });
  const folds = options.folds ?? 5;
  const timed = new Set(
    readings.filter((r) => r.series !== undefined && r.timeMs !== undefined).map((r) => r.series),
  );
  if (!fit.model.filteredSigmaDb || timed.size < 2 * folds) return { fit };
  let selection: CrossValidation;
  try {
    selection = crossValidate(readings, { ...options, candidates });
  } catch (error) {
    // A fold whose training part cannot be fitted (e.g. one distance left): keep the default filter.
    if (error instanceof FitError) return { fit };
    throw error;
  }
  fit.model.filter = candidates[selection.best]!;
  return { fit, selection };
}
