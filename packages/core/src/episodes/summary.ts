/**
 * Daily summaries and the close-contact verdicts, from exposure windows.
 * @module
 */
import type { EpisodeConfig } from './config.js';
import { DEFAULT_EPISODE_CONFIG } from './config.js';
import type { ExposureWindow } from './builder.js';

/** One contact's exposure on one UTC day. */
export interface DailySummary {
  /** UTC day, YYYY-MM-DD (of each window's start). */
  day: string;
  contact: string;
  windows: number;
  /** Σ window scores (GAEN `scoreSum`), weighted seconds. */
  scoreSum: number;
  /** Largest window score (GAEN `maximumScore`). */
  maximumScore: number;
  /** Σ weighted durations, minutes (GAEN `weightedDurationSum` in minutes). */
  weightedDurationMinutes: number;
  /** Minutes at or under the close-contact distance. */
  closeMinutes: number;
  /** "Too close for too long": closeMinutes ≥ the configured minimum. */
  closeContact: boolean;
  /** The Bluezone app's own rule: minutes at or above its RSSI threshold, and its verdict at the same minimum. */
  bluezoneCloseMinutes: number;
  bluezoneCloseContact: boolean;
}

/** Summaries per (day, contact), sorted by day then contact. */
export function dailySummaries(windows: readonly ExposureWindow[], config: Partial<EpisodeConfig> = {}): DailySummary[] {
  const c = { ...DEFAULT_EPISODE_CONFIG, ...config };
  const byKey = new Map<string, DailySummary>();
  const dayNames = new Map<number, string>();
  for (const w of windows) {
    const dayNumber = Math.floor(w.startMs / 86_400_000);
    let day = dayNames.get(dayNumber);
    if (day === undefined) dayNames.set(dayNumber, (day = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10)));
    const key = `${day}\u0000${w.contact}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { day, contact: w.contact, windows: 0, scoreSum: 0, maximumScore: 0, weightedDurationMinutes: 0, closeMinutes: 0, closeContact: false, bluezoneCloseMinutes: 0, bluezoneCloseContact: false }));
    s.windows++;
    s.scoreSum += w.score;
    s.maximumScore = Math.max(s.maximumScore, w.score);
    s.weightedDurationMinutes += w.weightedDurationS / 60;
    s.closeMinutes += w.closeDurationS / 60;
    s.bluezoneCloseMinutes += w.bluezoneCloseDurationS / 60;
  }
  const minMinutes = c.closeContactMinDurationS / 60;
  const out = [...byKey.values()];
  for (const s of out) {
    s.closeContact = s.closeMinutes >= minMinutes - 1e-9;
    s.bluezoneCloseContact = s.bluezoneCloseMinutes >= minMinutes - 1e-9;
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.contact < b.contact ? -1 : a.contact > b.contact ? 1 : 0));
}
