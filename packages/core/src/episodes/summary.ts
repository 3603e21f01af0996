/**
 * Daily summaries and the close-contact verdicts, from exposure windows.
 * @module
 */
import type { EpisodeConfig } from './config.js';
import { GAEN_REPORT_TYPES } from '../ids/diagnosisKey.js';
import { utcDayName } from '../utcDay.js';
import { DEFAULT_EPISODE_CONFIG } from './config.js';
import type { ExposureWindow } from './builder.js';

/** One contact's exposure on one UTC day (proxsense's per-contact split; see {@link gaenDailySummaries} for GAEN's). */
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
  /** Minutes of scans with a record stronger than the Bluezone threshold (information only). */
  bluezoneCloseMinutes: number;
  /**
   * The Bluezone app's own rule: some record of this contact that day was stronger (strictly) than the
   * platform pair's RSSI threshold. No minimum duration, as in the app.
   */
  bluezoneCloseContact: boolean;
}

/** Summaries per (day, contact), sorted by day then contact. */
export function dailySummaries(
  windows: readonly ExposureWindow[],
  config: Partial<EpisodeConfig> = {},
): DailySummary[] {
  const c = { ...DEFAULT_EPISODE_CONFIG, ...config };
  const byKey = new Map<string, DailySummary>();
  const dayNames = new Map<number, string>();
  for (const w of windows) {
    const dayNumber = Math.floor(w.dateMillisSinceEpoch / 86_400_000);
    let day = dayNames.get(dayNumber);
    if (day === undefined) dayNames.set(dayNumber, (day = utcDayName(dayNumber)));
    const key = `${day}\u0000${w.contact}`;
    let s = byKey.get(key);
    if (!s)
      byKey.set(
        key,
        (s = {
          day,
          contact: w.contact,
          windows: 0,
          scoreSum: 0,
          maximumScore: 0,
          weightedDurationMinutes: 0,
          closeMinutes: 0,
          closeContact: false,
          bluezoneCloseMinutes: 0,
          bluezoneCloseContact: false,
        }),
      );
    s.windows++;
    s.scoreSum += w.score;
    s.maximumScore = Math.max(s.maximumScore, w.score);
    s.weightedDurationMinutes += w.weightedDurationS / 60;
    s.closeMinutes += w.closeDurationS / 60;
    s.bluezoneCloseMinutes += w.bluezoneCloseDurationS / 60;
    s.bluezoneCloseContact ||= w.bluezoneCloseContact;
  }
  const minMinutes = c.closeContactMinDurationS / 60;
  const out = [...byKey.values()];
  for (const s of out) {
    s.closeContact = s.closeMinutes >= minMinutes - 1e-9;
  }
  return out.sort((a, b) =>
    a.day < b.day
      ? -1
      : a.day > b.day
        ? 1
        : a.contact < b.contact
          ? -1
          : a.contact > b.contact
            ? 1
            : 0,
  );
}

/** GAEN `ExposureSummaryData`. */
export interface ExposureSummaryData {
  maximumScore: number;
  scoreSum: number;
  /** Σ weighted window durations, s. */
  weightedDurationSum: number;
}

/** GAEN `DailySummary`: one UTC day over all keys, also split by report type. */
export interface GaenDailySummary {
  daysSinceEpoch: number;
  /** The same day as YYYY-MM-DD (proxsense). */
  day: string;
  summaryData: ExposureSummaryData;
  /** By report type name (CONFIRMED_TEST … RECURSIVE); types without windows are all zeros. */
  reportSummaries: Record<string, ExposureSummaryData>;
}

/**
 * GAEN's daily summaries (google/exposure-notifications-internals `DailySummaryUtils.getDailySummaries`):
 * windows grouped by UTC day; REVOKED windows ignored; with `daysSinceExposureThreshold` > 0, days older
 * than that before `todayMs` ignored; windows scoring under `minimumWindowScore` ignored; per day the
 * maximum and sum of window scores and the sum of weighted durations, overall and per report type.
 * Scores are recomputed from each window's scan instances with `config`, so windows read from a file
 * are scored the same way. Sorted by day.
 */
export function gaenDailySummaries(
  windows: readonly GaenWindowLike[],
  config: Partial<EpisodeConfig> = {},
  options: { todayMs?: number } = {},
): GaenDailySummary[] {
  const c = { ...DEFAULT_EPISODE_CONFIG, ...config };
  const zero = (): ExposureSummaryData => ({
    maximumScore: 0,
    scoreSum: 0,
    weightedDurationSum: 0,
  });
  const byDay = new Map<number, ExposureSummaryData[]>();
  const today =
    options.todayMs === undefined ? undefined : Math.floor(options.todayMs / 86_400_000);
  for (const w of windows) {
    if (!(w.reportType >= 1 && w.reportType <= 4)) continue;
    const day = Math.floor(w.dateMillisSinceEpoch / 86_400_000);
    if (
      c.daysSinceExposureThreshold > 0 &&
      today !== undefined &&
      today - day > c.daysSinceExposureThreshold
    )
      continue;
    const { weightedDurationS, score } = gaenWindowScore(w, c);
    if (score < c.minimumWindowScore) continue;
    let perType = byDay.get(day);
    if (!perType) byDay.set(day, (perType = GAEN_REPORT_TYPES.map(zero)));
    const s = perType[w.reportType]!;
    s.scoreSum += score;
    s.maximumScore = Math.max(s.maximumScore, score);
    s.weightedDurationSum += weightedDurationS;
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a - b)
    .map(([daysSinceEpoch, perType]) => {
      const summaryData = zero();
      const reportSummaries: Record<string, ExposureSummaryData> = {};
      perType.forEach((s, rt) => {
        if (rt >= 1 && rt <= 4) reportSummaries[GAEN_REPORT_TYPES[rt]!] = s;
        summaryData.maximumScore = Math.max(summaryData.maximumScore, s.maximumScore);
        summaryData.scoreSum += s.scoreSum;
        summaryData.weightedDurationSum += s.weightedDurationSum;
      });
      return { daysSinceEpoch, day: utcDayName(daysSinceEpoch), summaryData, reportSummaries };
    });
}

/** The GAEN fields of an exposure window (what a windows file must hold). */
export interface GaenWindowLike {
  dateMillisSinceEpoch: number;
  reportType: number;
  infectiousness: number;
  calibrationConfidence: number;
  scanInstances: readonly {
    minAttenuationDb: number;
    typicalAttenuationDb: number;
    secondsSinceLastScan: number;
  }[];
}

/**
 * GAEN's window weighted duration and score (`DailySummaryUtils.calculateWindowWeightedDuration` and
 * `calculateWindowScore`): seconds per bucket of typical attenuation × bucket weight, × report-type
 * weight × infectiousness weight.
 */
export function gaenWindowScore(
  w: GaenWindowLike,
  config: Partial<EpisodeConfig> = {},
): { weightedDurationS: number; score: number } {
  const c = { ...DEFAULT_EPISODE_CONFIG, ...config };
  const [t0, t1, t2] = c.attenuationThresholdsDb;
  const bw = c.attenuationBucketWeights;
  let weighted = 0;
  for (const s of w.scanInstances) {
    const a = s.typicalAttenuationDb;
    weighted += s.secondsSinceLastScan * bw[a <= t0 ? 0 : a <= t1 ? 1 : a <= t2 ? 2 : 3];
  }
  return {
    weightedDurationS: weighted,
    score:
      weighted *
      (c.reportTypeWeights[w.reportType] ?? 0) *
      (c.infectiousnessWeights[w.infectiousness] ?? 0),
  };
}
