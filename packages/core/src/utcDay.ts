/**
 * UTC days: GAEN and the national apps date exposures by UTC day (YYYY-MM-DD).
 * @module
 */
export const DAY_MS = 86_400_000;

/** YYYY-MM-DD of a day number (days since the Unix epoch). */
export function utcDayName(daysSinceEpoch: number): string {
  return new Date(daysSinceEpoch * DAY_MS).toISOString().slice(0, 10);
}

/** YYYY-MM-DD of the UTC day a time (ms since the epoch) falls in. */
export function utcDayOf(timeMs: number): string {
  return utcDayName(Math.floor(timeMs / DAY_MS));
}
