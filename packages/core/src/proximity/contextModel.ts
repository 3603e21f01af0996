/**
 * The context-aware path-loss model: the pooled log-distance fit plus, per context column (receiver
 * `model`, transmitter `tx_model`, carry `position`), an offset and a σ per value, shrunk towards the
 * pooled fit (see contextFit.ts), and what the series estimators and `p_close` need: σ of each filter's
 * output by how many readings it rests on, and a prior over distance.
 *
 * Prediction for a row with context values v: expected attenuation at d is
 *   A0 + Σ_c offset_c(v_c) + 10·n·log10 d,
 * with σ² = (σ · s)² + Σ_{c unseen} τ_c², where s is the RMS of the seen values' σ_c / σ and τ_c the
 * spread of column c's offsets: a value the fit never saw falls back to the pooled fit and widens the
 * interval by what that column is known to vary.
 * @module
 */
import { filterSpecName, type FilterSpec } from './filters.js';
import { normalCdf, type PathLossModel } from './pathLoss.js';

/** Context columns a model can learn, in the order they are fitted and printed. */
export const CONTEXT_COLUMNS = ['model', 'tx_model', 'position'] as const;
export type ContextColumn = (typeof CONTEXT_COLUMNS)[number];

/** What the fit learned about one value of a context column. */
export interface ContextEffect {
  /** Attenuation offset from the pooled fit, dB (positive: more loss, reads as farther). */
  offsetDb: number;
  /** Residual σ of this value's rows, shrunk towards the pooled σ, dB. */
  sigmaDb: number;
  /** Series (IDs) and rows behind it. */
  series: number;
  rows: number;
}

/** One context column's values and the spread of their offsets. */
export interface ContextColumnFit {
  /** RMS of the values' offsets weighted by series, dB: the uncertainty an unseen value adds. */
  spreadDb: number;
  values: Record<string, ContextEffect>;
}

/** Current model file format version (`calibrate fit --out` writes it; versionless files are version 1). */
export const MODEL_FILE_VERSION = 2;

/** A path-loss model with context effects and series-estimator calibration (all optional beyond v1). */
export interface ProximityModel extends PathLossModel {
  contexts: Partial<Record<ContextColumn, ContextColumnFit>>;
  /** Pooled within-series σ (the Kalman filter's measurement noise), dB. */
  withinSeriesSigmaDb?: number;
  /** SD of per-series mean residuals: the part no filter averages away, dB. */
  betweenSeriesSigmaDb?: number;
  /** The series estimator chosen by cross-validation by series. */
  filter?: FilterSpec;
  /** Per filter spec name: σ of its output by bucket ⌊log2(readings)⌋ (last bucket: that many or more). */
  filteredSigmaDb?: Record<string, number[]>;
  /** Prior over distance for `p_close`: the training series' distances. */
  distancePrior?: DistancePrior;
  /**
   * Platt recalibration of `p_close` per filter spec name (and `row` for single readings), fitted at
   * `closeM` on out-of-fold probabilities of the training series (in-sample when they are too few):
   * p' = 1 / (1 + exp(−(slope · logit p + intercept))). The Gaussian
   * likelihood gets the interval coverage right but real residuals are heavy-tailed, which leaves raw
   * probabilities too timid in the middle and too sure in the tails.
   */
  closeCalibration?: {
    closeM: number;
    byFilter: Record<string, { slope: number; intercept: number }>;
  };
  /**
   * Degrees of freedom of the Student-t error `p_close` assumes (absent: Gaussian). Real residuals are
   * heavy-tailed: one odd series (a phone held differently) sits 10 dB off, which a Gaussian calls
   * impossible and a t with few degrees of freedom does not.
   */
  closeTailDof?: number;
  /** Shrinkage strength used by the fit, in series. */
  shrinkageSeries?: number;
}

/** A plain {@link PathLossModel} as a context-free {@link ProximityModel}. */
export function asProximityModel(model: PathLossModel | ProximityModel): ProximityModel {
  return 'contexts' in model ? model : { ...model, contexts: {} };
}

/** The context part of a prediction for one row. */
export interface RowContext {
  offsetDb: number;
  /** σ of a single reading for this row, dB. */
  sigmaDb: number;
  /** Multiplies a filter's pooled σ table for this context. */
  sigmaScale: number;
  /** Added to a filter's variance for columns whose value the model never saw, dB². */
  unseenVarianceDb2: number;
  /** Columns whose value was unseen (or empty): they fell back to the pooled fit. */
  unseen: ContextColumn[];
}

/** Context columns the model has, in {@link CONTEXT_COLUMNS} order. */
export function modelContextColumns(model: ProximityModel): ContextColumn[] {
  return CONTEXT_COLUMNS.filter((c) => model.contexts[c] !== undefined);
}

/** Combines the row's context values with the model (missing columns count as unseen). */
export function rowContext(
  model: ProximityModel,
  values: Partial<Record<ContextColumn, string>>,
): RowContext {
  let offsetDb = 0;
  let ratioSq = 0;
  let seen = 0;
  let unseenVarianceDb2 = 0;
  const unseen: ContextColumn[] = [];
  for (const column of CONTEXT_COLUMNS) {
    const fit = model.contexts[column];
    if (!fit) continue;
    const value = values[column]?.trim();
    // Own keys only: a value such as "constructor" must not find Object.prototype's.
    const effect =
      value && Object.prototype.hasOwnProperty.call(fit.values, value)
        ? fit.values[value]
        : undefined;
    if (effect) {
      offsetDb += effect.offsetDb;
      ratioSq += model.sigmaDb > 0 ? (effect.sigmaDb / model.sigmaDb) ** 2 : 1;
      seen++;
    } else {
      unseen.push(column);
      unseenVarianceDb2 += fit.spreadDb ** 2;
    }
  }
  const sigmaScale = seen ? Math.sqrt(ratioSq / seen) : 1;
  const sigmaDb = Math.sqrt((model.sigmaDb * sigmaScale) ** 2 + unseenVarianceDb2);
  return { offsetDb, sigmaDb, sigmaScale, unseenVarianceDb2, unseen };
}

/** Buckets of the filter σ tables: ⌊log2(count)⌋, capped. */
export const FILTER_SIGMA_BUCKETS = 8;
export function filterSigmaBucket(count: number): number {
  return Math.min(FILTER_SIGMA_BUCKETS - 1, Math.max(0, Math.floor(Math.log2(Math.max(1, count)))));
}

/**
 * σ of a filtered attenuation resting on `count` readings, for this row's context: the fit's table
 * when it has one for `spec`, else the single-reading σ (a v1 model: the old, conservative behaviour).
 */
export function filteredSigmaDb(
  model: ProximityModel,
  spec: FilterSpec,
  count: number,
  context: RowContext,
): number {
  const table = model.filteredSigmaDb?.[filterSpecName(spec)];
  if (!table) return context.sigmaDb;
  const pooled = table[filterSigmaBucket(count)]!;
  return Math.sqrt((pooled * context.sigmaScale) ** 2 + context.unseenVarianceDb2);
}

/**
 * The prior over distance behind `p_close`: the training series' distances (each series weighs one),
 * each smoothed by a Gaussian of `bandwidthLog10` in log10 distance. Empirical rather than a fitted
 * curve because labelled data sets use a few fixed distances (a log-normal prior mis-states the share
 * of close rows and made the probabilities 0.4 off on real data).
 */
export interface DistancePrior {
  distancesM: number[];
  weights: number[];
  bandwidthLog10: number;
}

/** Most distinct prior distances kept (more are merged by quantile), so model files stay small. */
export const MAX_PRIOR_DISTANCES = 64;

/**
 * P(true distance ≤ closeM) given an attenuation already corrected by the row's context offset, with
 * Gaussian error σ on the attenuation. Under each prior component the model is linear in log10 d, so
 * the posterior is a mixture of Gaussians in closed form; without a prior it is flat in log10 d.
 */
export function closeProbability(
  model: ProximityModel,
  correctedAttenuationDb: number,
  sigmaDb: number,
  closeM: number,
): number {
  const slope = 10 * model.pathLossExponent;
  const u = Math.log10(closeM);
  const observed = (correctedAttenuationDb - model.a0Db) / slope;
  const sigmaU = Math.max(sigmaDb, 1e-6) / slope;
  const prior = model.distancePrior;
  if (!prior || prior.distancesM.length === 0) return normalCdf((u - observed) / sigmaU);
  const dof = model.closeTailDof;
  if (dof !== undefined) {
    // Student-t likelihood with the same SD as the Gaussian: narrower core, heavier tails. Prior
    // components are narrow next to σ, so each counts as a point whose share of "close" is its
    // smoothed mass below log10 closeM.
    const scale = sigmaU * Math.sqrt((dof - 2) / dof);
    const logs = prior.distancesM.map(
      (d, j) =>
        Math.log(prior.weights[j]!) -
        ((dof + 1) / 2) * Math.log1p(((observed - Math.log10(d)) / scale) ** 2 / dof),
    );
    const top = Math.max(...logs);
    let num = 0;
    let den = 0;
    prior.distancesM.forEach((d, j) => {
      const w = Math.exp(logs[j]! - top);
      num += w * normalCdf((u - Math.log10(d)) / prior.bandwidthLog10);
      den += w;
    });
    return den > 0 ? Math.min(1, Math.max(0, num / den)) : 0.5;
  }
  const h2 = prior.bandwidthLog10 ** 2;
  const s2 = sigmaU ** 2;
  const precision = 1 / h2 + 1 / s2;
  const sdPost = 1 / Math.sqrt(precision);
  // Log-evidence of each component, then a max-shifted sum: extreme readings must not underflow to 0/0.
  const logs = prior.distancesM.map(
    (d, j) => Math.log(prior.weights[j]!) - (observed - Math.log10(d)) ** 2 / (2 * (h2 + s2)),
  );
  const top = Math.max(...logs);
  let num = 0;
  let den = 0;
  prior.distancesM.forEach((d, j) => {
    const w = Math.exp(logs[j]! - top);
    const mean = (Math.log10(d) / h2 + observed / s2) / precision;
    num += w * normalCdf((u - mean) / sdPost);
    den += w;
  });
  return den > 0 ? Math.min(1, Math.max(0, num / den)) : 0.5;
}

/**
 * Applies the model's Platt recalibration for `filterName` (`row` for single readings), if the model
 * has one fitted at this `closeM` (another distance gets the uncorrected probability).
 */
export function calibrateCloseProbability(
  model: ProximityModel,
  p: number,
  filterName: string,
  closeM: number,
): number {
  const cal = model.closeCalibration;
  if (
    !cal ||
    Math.abs(cal.closeM - closeM) > 1e-9 ||
    !Object.prototype.hasOwnProperty.call(cal.byFilter, filterName)
  )
    return p;
  const c = cal.byFilter[filterName]!;
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  const z = c.slope * Math.log(q / (1 - q)) + c.intercept;
  return 1 / (1 + Math.exp(-z));
}

/** Bounds of Platt's parameters (the model file reader enforces the same). */
export const PLATT_SLOPE_RANGE = { min: 0.01, max: 100 } as const;
export const PLATT_INTERCEPT_MAX = 50;

/**
 * Fits Platt's two parameters by Newton's method on the Bernoulli log-likelihood (a tiny ridge keeps
 * separable data finite). Returns identity when the rows hold one class only.
 */
export function fitPlatt(
  truth: ArrayLike<boolean>,
  p: ArrayLike<number>,
): { slope: number; intercept: number } {
  let a = 1;
  let b = 0;
  const n = truth.length;
  let pos = 0;
  for (let i = 0; i < n; i++) if (truth[i]) pos++;
  if (pos === 0 || pos === n) return { slope: 1, intercept: 0 };
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = Math.min(1 - 1e-9, Math.max(1e-9, p[i]!));
    x[i] = Math.log(q / (1 - q));
  }
  // A ridge worth 1 % of the rows towards the identity map keeps near-separable data finite.
  const ridge = Math.max(1, 0.01 * n);
  for (let iter = 0; iter < 50; iter++) {
    let ga = -ridge * (a - 1);
    let gb = -ridge * b;
    let haa = ridge;
    let hab = 0;
    let hbb = ridge;
    for (let i = 0; i < n; i++) {
      const m = 1 / (1 + Math.exp(-(a * x[i]! + b)));
      const r = (truth[i] ? 1 : 0) - m;
      const v = m * (1 - m);
      ga += r * x[i]!;
      gb += r;
      haa += v * x[i]! * x[i]!;
      hab += v * x[i]!;
      hbb += v;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  // A positive slope keeps p_close monotone in attenuation (and so in RSSI).
  if (!(Number.isFinite(a) && Number.isFinite(b))) return { slope: 1, intercept: 0 };
  return {
    slope: Math.min(PLATT_SLOPE_RANGE.max, Math.max(PLATT_SLOPE_RANGE.min, a)),
    intercept: Math.min(PLATT_INTERCEPT_MAX, Math.max(-PLATT_INTERCEPT_MAX, b)),
  };
}

/**
 * The prior probability of ≤ closeM (0.5 without a prior). Classifying "close" when
 * {@link closeProbability} ≥ this share is the rule that maximises balanced accuracy when the
 * probabilities are calibrated (it compares the likelihoods of the two classes).
 */
export function closePriorShare(model: ProximityModel, closeM: number): number {
  const prior = model.distancePrior;
  if (!prior || prior.distancesM.length === 0) return 0.5;
  const u = Math.log10(closeM);
  let num = 0;
  let den = 0;
  prior.distancesM.forEach((d, j) => {
    num += prior.weights[j]! * normalCdf((u - Math.log10(d)) / prior.bandwidthLog10);
    den += prior.weights[j]!;
  });
  return den > 0 ? num / den : 0.5;
}
