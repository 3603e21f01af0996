/**
 * Smoothing a series of attenuations of one rotating ID (dB in, dB out). Filter in dB, not metres:
 * shadowing is Gaussian in dB, so averaging there is unbiased.
 *
 * - median: robust to single deep fades (a hand over the phone); lags by half its window. Use for
 *   sparse scans (GAEN's ~1 scan per 4–5 min) where one bad reading would dominate.
 * - ewma: time-aware exponential smoothing (half-life in seconds); cheap, follows trends; use for
 *   dense adverts (Bluezone's 40 s scans, dongles logging every advert).
 * - kalman: 1-D random-walk Kalman filter; weights each reading by elapsed time and the model's
 *   shadowing σ, so gaps widen its trust in new readings. Use when reading rates vary.
 * @module
 */
import { InputError } from '../errors.js';

/** A stateful filter over one series; feed readings in time order. */
export interface AttenuationFilter {
  /** Adds a reading; returns the filtered attenuation after it. */
  update(timeMs: number, attenuationDb: number): number;
}

/** Filter kinds `estimate --filter` accepts. */
export type FilterKind = 'median' | 'ewma' | 'kalman';
export const FILTER_KINDS: readonly FilterKind[] = ['median', 'ewma', 'kalman'];

/** Running median of the last `windowSize` readings (default 5). */
export class MedianFilter implements AttenuationFilter {
  private readonly window: number[] = [];
  constructor(private readonly windowSize = 5) {
    if (!Number.isInteger(windowSize) || windowSize < 1) throw new InputError('windowSize', 'a positive integer', String(windowSize));
  }
  update(_timeMs: number, attenuationDb: number): number {
    this.window.push(attenuationDb);
    if (this.window.length > this.windowSize) this.window.shift();
    const sorted = [...this.window].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
}

/** Exponentially weighted moving average with a half-life in seconds (default 60 s). */
export class EwmaFilter implements AttenuationFilter {
  private value: number | undefined;
  private lastTimeMs = 0;
  constructor(private readonly halfLifeS = 60) {
    if (!(halfLifeS > 0)) throw new InputError('halfLifeS', 'a positive number of seconds', String(halfLifeS));
  }
  update(timeMs: number, attenuationDb: number): number {
    if (this.value === undefined) this.value = attenuationDb;
    else {
      const dtS = Math.max(0, (timeMs - this.lastTimeMs) / 1000);
      const keep = 0.5 ** (dtS / this.halfLifeS);
      this.value = keep * this.value + (1 - keep) * attenuationDb;
    }
    this.lastTimeMs = timeMs;
    return this.value;
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
    return this.estimate;
  }
  /** Variance of the current estimate, dB². */
  get estimateVarianceDb2(): number {
    return this.variance;
  }
}

/** A filter of the given kind with default settings (Kalman uses `sigmaDb` as measurement noise). */
export function createFilter(kind: FilterKind, sigmaDb = 8): AttenuationFilter {
  if (kind === 'median') return new MedianFilter();
  if (kind === 'ewma') return new EwmaFilter();
  if (kind === 'kalman') return new KalmanFilter({ measurementSigmaDb: sigmaDb });
  throw new InputError('filter', `one of ${FILTER_KINDS.join(', ')}`, JSON.stringify(kind));
}
