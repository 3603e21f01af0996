/**
 * The standard normal quantile Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9): a
 * Gaussian from ONE uniform, with no rejection loop and (in the central 95 %) no transcendental call, so
 * per-advert fading costs one generator step and a few multiplications.
 * @module
 */
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
] as const;
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
] as const;
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
] as const;
const D = [
  7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416,
] as const;
const P_LOW = 0.02425;

/** Φ⁻¹(p) for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (p < P_LOW) return tail(p);
  if (p > 1 - P_LOW) return -tail(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

function tail(p: number): number {
  const q = Math.sqrt(-2 * Math.log(p));
  return (
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
  );
}

/** Bins of {@link NORMAL_TABLE}. */
export const NORMAL_TABLE_BINS = 4096;

/**
 * Φ⁻¹(i / 4096) for i = 0 … 4096 (±Infinity at the ends): linear interpolation inside a bin is within
 * 0.02 σ of the exact quantile next to the outermost bins and within 1e-6 σ in the middle; callers use
 * {@link normalQuantile} itself in the two outermost bins.
 */
export const NORMAL_TABLE: Float64Array = (() => {
  const t = new Float64Array(NORMAL_TABLE_BINS + 1);
  t[0] = -Infinity;
  t[NORMAL_TABLE_BINS] = Infinity;
  for (let i = 1; i < NORMAL_TABLE_BINS; i++) t[i] = normalQuantile(i / NORMAL_TABLE_BINS);
  return t;
})();

/** Steps of the crossing index over the inner knots' z range: about one bin a step where they are densest. */
const CROSSING_STEPS = 8192;
const CROSSING_Z0 = NORMAL_TABLE[1]!;
const CROSSING_SCALE = CROSSING_STEPS / (NORMAL_TABLE[NORMAL_TABLE_BINS - 1]! - CROSSING_Z0);
/** Per step k, the largest inner bin b with t[b] < CROSSING_Z0 + k / CROSSING_SCALE (1 if none). */
const CROSSING_START: Uint16Array = (() => {
  const start = new Uint16Array(CROSSING_STEPS + 1);
  let b = 1;
  for (let k = 0; k <= CROSSING_STEPS; k++) {
    const zk = CROSSING_Z0 + k / CROSSING_SCALE;
    while (b + 1 <= NORMAL_TABLE_BINS - 2 && NORMAL_TABLE[b + 1]! < zk) b++;
    start[k] = b;
  }
  return start;
})();

/**
 * Where the tabulated quantile crosses `z`: a table position x₀ (0 … NORMAL_TABLE_BINS − 1) such that
 * every position x < x₀ gives a quantile below `z`, whether interpolated inside a bin or exact in an
 * outermost one (the quantile never decreases with x). 0 when even the first inner knot is not below
 * `z`, or `z` is NaN. Lets a caller tell a draw's side of a threshold from the draw alone.
 */
export function tableCrossing(z: number): number {
  const t = NORMAL_TABLE;
  if (!(t[1]! < z)) return 0;
  if (t[NORMAL_TABLE_BINS - 1]! < z) return NORMAL_TABLE_BINS - 1;
  // The largest bin b with t[b] < z (1 ≤ b < NORMAL_TABLE_BINS − 1, so t[b + 1] ≥ z), from the index's
  // guess a step or two away (a binary search was an eighth of a scan's sampling). The walk down covers
  // a guess that rounding put one too high.
  let lo = CROSSING_START[((z - CROSSING_Z0) * CROSSING_SCALE) | 0]!;
  while (lo > 1 && !(t[lo]! < z)) lo--;
  while (t[lo + 1]! < z) lo++;
  return lo + (z - t[lo]!) / (t[lo + 1]! - t[lo]!);
}
