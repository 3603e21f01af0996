/**
 * Smoothing a series of attenuations of one rotating ID (dB in, dB out). Filter in dB, not metres:
 * shadowing is Gaussian in dB, so averaging there is unbiased.
 *
 * - median: robust to single deep fades (a hand over the phone); lags by half its window. Use for
 *   sparse scans (GAEN's ~1 scan per 4–5 min) where one bad reading would dominate.
 * - ewma: time-aware exponential smoothing (half-life in seconds); cheap, follows trends; use for
 *   dense adverts (Bluezone's 40 s scans, dongles logging every advert).
 * - kalman: 1-D random-walk Kalman filter (a state-space model); weights each reading by elapsed time
 *   and the fitted measurement σ (the within-series σ of a context-aware fit), so gaps widen its trust in
 *   new readings. Use when reading rates vary, or when only a few readings per minute arrive.
 * - window: median (or another quantile) of the readings of the last N seconds. Robust to fades and
 *   forgets old readings after N s, whatever the rate; the best classifier on the real walking data
 *   (docs in the README's "Accuracy" section). Use for dense adverts (≥ 1 per second).
 * All are causal: the value after a reading depends only on that reading and earlier ones.
 * @module
 */
import { InputError } from '../errors.js';

/** A stateful filter over one series; feed readings in time order. */
export interface AttenuationFilter {
  /** Adds a reading; returns the filtered attenuation after it. */
  update(timeMs: number, attenuationDb: number): number;
  /** Readings the current value rests on (window contents, or all so far): buckets the filter's σ. */
  readonly count: number;
}

/** Filter kinds `estimate --filter` accepts. */
export type FilterKind = 'median' | 'ewma' | 'kalman' | 'window';
export const FILTER_KINDS: readonly FilterKind[] = ['median', 'ewma', 'kalman', 'window'];

/** A filter kind with its settings, as a model file stores the default chosen by cross-validation. */
export interface FilterSpec {
  kind: FilterKind;
  /** `window`: seconds of readings kept; default 30. */
  windowS?: number;
  /** `window`: quantile taken; default 0.5 (the median). */
  quantile?: number;
  /** `kalman`: random-walk drift, dB² per second; default 0.5. */
  processVarianceDb2PerS?: number;
}

/** A short stable name of a filter spec (`window:30s`, `kalman`): keys the model file's σ tables. */
export function filterSpecName(spec: FilterSpec): string {
  if (spec.kind === 'window') {
    const q = spec.quantile ?? 0.5;
    return `window:${spec.windowS ?? 30}s${q === 0.5 ? '' : `:q${q}`}`;
  }
  return spec.kind;
}

/** Running median of the last `windowSize` readings (default 5). */
export class MedianFilter implements AttenuationFilter {
  private readonly window: number[] = [];
  constructor(private readonly windowSize = 5) {
    if (!Number.isInteger(windowSize) || windowSize < 1)
      throw new InputError('windowSize', 'a positive integer', String(windowSize));
  }
  update(_timeMs: number, attenuationDb: number): number {
    this.window.push(attenuationDb);
    if (this.window.length > this.windowSize) this.window.shift();
    const sorted = [...this.window].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  get count(): number {
    return this.window.length;
  }
}

/**
 * Quantile (default the median) of the readings of the last `windowS` seconds, the newest included.
 * Keeps the window sorted (binary-search insert and delete), so a step costs O(window), not a sort.
 */
export class WindowQuantileFilter implements AttenuationFilter {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private readonly sorted: number[] = [];
  private head = 0;
  constructor(
    private readonly windowS = 30,
    private readonly quantile = 0.5,
  ) {
    if (!(windowS > 0 && windowS <= 86_400))
      throw new InputError('windowS', 'seconds in (0, 86400]', String(windowS));
    if (!(quantile >= 0 && quantile <= 1))
      throw new InputError('quantile', 'a number 0..1', String(quantile));
  }
  update(timeMs: number, attenuationDb: number): number {
    this.times.push(timeMs);
    this.values.push(attenuationDb);
    this.sorted.splice(lowerBound(this.sorted, attenuationDb), 0, attenuationDb);
    const oldest = timeMs - this.windowS * 1000;
    while (this.times[this.head]! < oldest) {
      this.sorted.splice(lowerBound(this.sorted, this.values[this.head]!), 1);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.values.splice(0, this.head);
      this.head = 0;
    }
    // Linear interpolation between order statistics (type 7, as R and numpy default).
    const h = (this.sorted.length - 1) * this.quantile;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, this.sorted.length - 1);
    return this.sorted[lo]! + (h - lo) * (this.sorted[hi]! - this.sorted[lo]!);
  }
  get count(): number {
    return this.sorted.length;
  }
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Exponentially weighted moving average with a half-life in seconds (default 60 s). */
export class EwmaFilter implements AttenuationFilter {
  private value: number | undefined;
  private lastTimeMs = 0;
  constructor(private readonly halfLifeS = 60) {
    if (!(halfLifeS > 0))
      throw new InputError('halfLifeS', 'a positive number of seconds', String(halfLifeS));
  }
  update(timeMs: number, attenuationDb: number): number {
    if (this.value === undefined) this.value = attenuationDb;
    else {
      const dtS = Math.max(0, (timeMs - this.lastTimeMs) / 1000);
      const keep = 0.5 ** (dtS / this.halfLifeS);
      this.value = keep * this.value + (1 - keep) * attenuationDb;
    }
    this.lastTimeMs = timeMs;
    this.seen++;
    return this.value;
  }
  private seen = 0;
  get count(): number {
    return this.seen;
  }
}

/** Options of {@link KalmanFilter}. */
export interface KalmanOptions {
  /** Measurement noise σ, dB (the path-loss model's shadowing σ); default 8. */
  measurementSigmaDb?: number;
  /** Random-walk drift of the true attenuation, dB² per second (people move); default 0.5. */
  processVarianceDb2PerS?: number;
}

/** 1-D Kalman filter on a random-walk state. */
export class KalmanFilter implements AttenuationFilter {
  private estimate: number | undefined;
  private variance = 0;
  private lastTimeMs = 0;
  private readonly r: number;
  private readonly q: number;
  constructor({ measurementSigmaDb = 8, processVarianceDb2PerS = 0.5 }: KalmanOptions = {}) {
    this.r = measurementSigmaDb ** 2;
    this.q = processVarianceDb2PerS;
  }
  update(timeMs: number, attenuationDb: number): number {
    if (this.estimate === undefined) {
      this.estimate = attenuationDb;
      this.variance = this.r;
    } else {
      this.variance += this.q * Math.max(0, (timeMs - this.lastTimeMs) / 1000);
      const gain = this.variance / (this.variance + this.r);
      this.estimate += gain * (attenuationDb - this.estimate);
      this.variance *= 1 - gain;
    }
    this.lastTimeMs = timeMs;
    this.seen++;
    return this.estimate;
  }
  private seen = 0;
  get count(): number {
    return this.seen;
  }
  /** Variance of the current estimate, dB². */
  get estimateVarianceDb2(): number {
    return this.variance;
  }
}

/**
 * A filter of the given kind (or spec) with default settings; Kalman uses `sigmaDb` as measurement
 * noise.
 */
export function createFilter(kindOrSpec: FilterKind | FilterSpec, sigmaDb = 8): AttenuationFilter {
  const spec = typeof kindOrSpec === 'string' ? { kind: kindOrSpec } : kindOrSpec;
  const kind = spec.kind;
  if (kind === 'median') return new MedianFilter();
  if (kind === 'ewma') return new EwmaFilter();
  if (kind === 'kalman')
    return new KalmanFilter({
      measurementSigmaDb: sigmaDb,
      processVarianceDb2PerS: spec.processVarianceDb2PerS,
    });
  if (kind === 'window') return new WindowQuantileFilter(spec.windowS, spec.quantile);
  throw new InputError('filter', `one of ${FILTER_KINDS.join(', ')}`, JSON.stringify(kind));
}
