/**
 * Fitting the path-loss model to labelled readings (RSSI at a known distance) by least squares:
 * attenuation = A0 + n · (10·log10 d) is linear in (A0, n); σ is the residual standard deviation.
 * @module
 */
import { ProxsenseError } from '../errors.js';
import { attenuationDb } from './attenuation.js';
import { CalibrationTable } from './calibration.js';
import { estimateDistance, type PathLossModel } from './pathLoss.js';

/** One labelled reading. */
export interface LabelledReading {
  rssiDbm: number;
  /** True distance, m. */
  distanceM: number;
  /** Advertised TX power, dBm; from the calibration table's default when absent. */
  txPowerDbm?: number;
  /** Receiving device, for its RSSI correction. */
  manufacturer?: string;
  model?: string;
}

/** A fitted model and how well it fits. */
export interface PathLossFit {
  model: PathLossModel;
  rows: number;
  /** Root-mean-square residual, dB (equals σ up to the n−2 degrees-of-freedom correction). */
  rmseDb: number;
  /** Share of attenuation variance the distance explains. */
  rSquared: number;
  /** Share of rows whose true distance lies inside the fitted model's 80% interval (≈ 0.8 if the model holds). */
  intervalCoverage80: number;
  /** Median of |log10(estimate / truth)|: 0.1 means typically within a factor 1.26. */
  medianAbsLog10Error: number;
}

/** The readings cannot support a fit (too few, or all at one distance). */
export class FitError extends ProxsenseError {}

/** Attenuation of a labelled reading after calibration. */
export function readingAttenuationDb(
  r: LabelledReading,
  calibration = new CalibrationTable(),
): number {
  const receiver = calibration.lookup(r.manufacturer, r.model);
  const tx = r.txPowerDbm ?? calibration.lookup().txPowerDbm;
  return attenuationDb(tx, r.rssiDbm, receiver.rssiCorrectionDb);
}

/** Least-squares fit of A0, n and σ. @throws FitError when fewer than 3 rows or a single distance. */
export function fitPathLoss(
  readings: readonly LabelledReading[],
  calibration = new CalibrationTable(),
): PathLossFit {
  const n = readings.length;
  if (n < 3) throw new FitError(`need at least 3 labelled readings to fit A0, n and σ; got ${n}`);
  const x = readings.map((r) => 10 * Math.log10(r.distanceM));
  const y = readings.map((r) => readingAttenuationDb(r, calibration));
  const meanX = x.reduce((a, b) => a + b, 0) / n;
  const meanY = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - meanX) ** 2;
    sxy += (x[i]! - meanX) * (y[i]! - meanY);
    syy += (y[i]! - meanY) ** 2;
  }
  if (sxx < 1e-12)
    throw new FitError(
      'all labelled readings are at one distance; the path-loss exponent needs at least two distances',
    );
  const exponent = sxy / sxx;
  const a0 = meanY - exponent * meanX;
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (y[i]! - (a0 + exponent * x[i]!)) ** 2;
  const model: PathLossModel = {
    a0Db: a0,
    pathLossExponent: exponent,
    sigmaDb: Math.sqrt(ssr / (n - 2)),
  };
  let inside = 0;
  const logErrors: number[] = [];
  readings.forEach((r, i) => {
    const e = estimateDistance(model, y[i]!);
    if (r.distanceM >= e.lowM && r.distanceM <= e.highM) inside++;
    logErrors.push(Math.abs(Math.log10(e.distanceM / r.distanceM)));
  });
  logErrors.sort((a, b) => a - b);
  return {
    model,
    rows: n,
    rmseDb: Math.sqrt(ssr / n),
    rSquared: syy > 0 ? 1 - ssr / syy : 1,
    intervalCoverage80: inside / n,
    medianAbsLog10Error: logErrors[Math.floor((n - 1) / 2)]!,
  };
}
