/**
 * Log-distance path loss with log-normal shadowing: A(d) = A0 + 10·n·log10(d / 1 m) + X, X ~ N(0, σ²).
 * Inverting it gives a distance estimate and an interval that holds the true distance with the stated
 * probability when the model fits (real phones: σ of 6–10 dB, so intervals are wide on purpose).
 * @module
 */
import { InputError } from '../errors.js';

/** Parameters of the path-loss model. */
export interface PathLossModel {
  /** Attenuation at 1 m, dB. */
  a0Db: number;
  /** Path-loss exponent n (2 in free space, ~1.5–4 indoors and on bodies). */
  pathLossExponent: number;
  /** Standard deviation of shadowing, dB. */
  sigmaDb: number;
}

/**
 * Default model: an assumption, not a fit. Chosen so that GAEN's usual bucket thresholds of 55 and
 * 63 dB fall at ≈ 1.6 m and ≈ 3.3 m, and σ = 8 dB as phone-in-pocket studies typically report.
 * Fit your own with `proxsense calibrate fit`.
 */
export const DEFAULT_PATH_LOSS_MODEL: PathLossModel = {
  a0Db: 50,
  pathLossExponent: 2.5,
  sigmaDb: 8,
};

/** A distance with its uncertainty: the median estimate and an interval. */
export interface DistanceEstimate {
  distanceM: number;
  lowM: number;
  highM: number;
}

/** Options of {@link estimateDistance}. */
export interface DistanceOptions {
  /** Probability the interval holds the true distance; default 0.8 (10th–90th percentile). */
  coverage?: number;
  /** Shadowing σ to use instead of the model's (e.g. a filter's residual uncertainty). */
  sigmaDb?: number;
}

/** Distance (median) and central interval for an attenuation under `model`. */
export function estimateDistance(
  model: PathLossModel,
  attenuationDb: number,
  { coverage = 0.8, sigmaDb = model.sigmaDb }: DistanceOptions = {},
): DistanceEstimate {
  if (!(coverage > 0 && coverage < 1))
    throw new InputError('coverage', 'a probability strictly between 0 and 1', String(coverage));
  const z = normalQuantile(0.5 + coverage / 2);
  const scale = 10 * model.pathLossExponent;
  const centre = (attenuationDb - model.a0Db) / scale;
  const spread = (z * sigmaDb) / scale;
  return { distanceM: 10 ** centre, lowM: 10 ** (centre - spread), highM: 10 ** (centre + spread) };
}

/** Expected attenuation at `distanceM` (the model without shadowing). */
export function expectedAttenuationDb(model: PathLossModel, distanceM: number): number {
  return model.a0Db + 10 * model.pathLossExponent * Math.log10(distanceM);
}

/** Attenuation at which the median distance equals `distanceM` (the inverse of the estimate). */
export const attenuationForDistanceDb = expectedAttenuationDb;

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9),
 * enough for interval bounds.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1))
    throw new InputError('p', 'a probability strictly between 0 and 1', String(p));
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
    -3.066479806614716e1, 2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Standard normal CDF Φ(x), via the complementary error function (Numerical Recipes' erfc Chebyshev
 * fit, fractional error < 1.2e-7), accurate in the tails where probabilities are compared.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}
