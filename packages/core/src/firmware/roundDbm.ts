/**
 * Rounding RSSI to whole dBm, as phones report it, on the per-advert and per-sighting paths.
 * @module
 */

/**
 * `Math.round(y)`, bit for bit, without the generic rounding V8 emits for it (it cost about half of an
 * advert's sampling): floor(y + 0.5), where y + 0.5 is exact for 1 ≤ |y| < 2⁵², through an integer
 * conversion of y + 0.5 + 4096 that is either the floor or one above it. Anything else takes Math.round.
 */
export function roundDbm(y: number): number {
  if (!(y >= 1 || y <= -1) || y >= 4096 || y <= -4096) return Math.round(y);
  const h = y + 0.5;
  const k = ((h + 4096) | 0) - 4096;
  return k > h ? k - 1 : k;
}
