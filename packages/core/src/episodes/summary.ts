/**
 * Daily summaries and the close-contact verdicts, from exposure windows.
 * @module
 */
import { GAEN_REPORT_TYPES } from '../ids/diagnosisKey.js';
import { attenuationForDistanceDb } from '../proximity/pathLoss.js';
import { utcDayName } from '../utcDay.js';
import {
  BLUEZONE_RSSI_THRESHOLDS_DBM,
  DEFAULT_EPISODE_CONFIG,
  type BluezonePlatformPair,
  type EpisodeConfig,
} from './config.js';
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
  return groupDaily(windows, { ...DEFAULT_EPISODE_CONFIG, ...config }).summaries;
}

/**
 * A variant of the close-contact rule, for re-reading one set of windows: another close-contact
 * distance and/or another Bluezone platform pair. Fields left out keep the configuration's.
 */
export interface CloseContactRule {
  closeContactMaxDistanceM?: number;
  bluezonePlatformPair?: BluezonePlatformPair;
}

/** {@link dailySummariesWithRules}: the summaries, and per rule the verdict fields it changes. */
export interface DailyRuleSummaries {
  /** `dailySummaries(windows, config)`, sorted by day then contact. */
  summaries: DailySummary[];
  /** For each window (input order): the index of its summary in `summaries`. */
  summaryOfWindow: Int32Array;
  /**
   * What `closeMinutes` would be under each rule, rule-major: rule q (in the order given), summary k at
   * `q * summaries.length + k` (one array per field, not per rule: hosts call this per observer).
   */
  closeMinutes: Float64Array;
  /** `closeContact` under each rule (1 or 0), laid out as `closeMinutes`. */
  closeContact: Uint8Array;
  /** `bluezoneCloseContact` under each rule (1 or 0), laid out as `closeMinutes`. */
  bluezoneCloseContact: Uint8Array;
}

/**
 * Daily summaries of one window set, and their verdicts under several variants of the close-contact
 * rule, in one pass: what `dailySummaries` would give if the windows had been built again with each
 * rule's distance or Bluezone platform pair (window boundaries, scan instances and scores do not depend
 * on either; only the close seconds and the Bluezone flag do, and both are re-read from each window's
 * scan instances: typical attenuation at or under the distance's attenuation, strongest RSSI strictly
 * over the pair's threshold). For threshold sweeps and per-peer Bluezone thresholds without rebuilding.
 *
 * @example
 * ```ts
 * const windows = exposureWindows(sightings, config);
 * const { summaries, closeContact } = dailySummariesWithRules(windows, config, [
 *   { closeContactMaxDistanceM: 1 },
 *   { closeContactMaxDistanceM: 3 },
 * ]);
 * // closeContact[k]: summaries[k] under "≤ 1 m for ≥ the minimum"; closeContact[summaries.length + k] under 3 m
 * ```
 */
export function dailySummariesWithRules(
  windows: readonly ExposureWindow[],
  config: Partial<EpisodeConfig>,
  rules: readonly CloseContactRule[],
): DailyRuleSummaries {
  const c = { ...DEFAULT_EPISODE_CONFIG, ...config };
  const { summaries, summaryOfWindow } = groupDaily(windows, c);
  const n = summaries.length;
  const minMinutes = c.closeContactMinDurationS / 60;
  const r = rules.length;
  // The builder's own comparisons: distance ≤ D ⇔ typical attenuation ≤ A(D); RSSI strictly over.
  // Plain arrays: this runs once per observer of a city, where typed-array allocations add up.
  const closeAttenuationDb: number[] = [];
  const rssiThresholdDbm: number[] = [];
  for (const rule of rules) {
    closeAttenuationDb.push(
      attenuationForDistanceDb(
        c.pathLoss,
        rule.closeContactMaxDistanceM ?? c.closeContactMaxDistanceM,
      ),
    );
    rssiThresholdDbm.push(
      BLUEZONE_RSSI_THRESHOLDS_DBM[rule.bluezonePlatformPair ?? c.bluezonePlatformPair],
    );
  }
  const closeMinutes = new Float64Array(r * n);
  const closeContact = new Uint8Array(r * n);
  const bluezoneCloseContact = new Uint8Array(r * n);
  // One pass over the scan instances for all rules; each rule's seconds of a window summed in order.
  const closeS: number[] = new Array<number>(r).fill(0);
  const bz: boolean[] = new Array<boolean>(r).fill(false);
  for (let w = 0; w < windows.length; w++) {
    closeS.fill(0);
    bz.fill(false);
    for (const s of windows[w]!.scanInstances) {
      const typical = s.typicalAttenuationDb;
      const rssi = s.maxRssiDbm;
      for (let q = 0; q < r; q++) {
        if (typical <= closeAttenuationDb[q]!) closeS[q]! += s.secondsSinceLastScan;
        if (rssi > rssiThresholdDbm[q]!) bz[q] = true;
      }
    }
    const k = summaryOfWindow[w]!;
    for (let q = 0; q < r; q++) {
      closeMinutes[q * n + k]! += closeS[q]! / 60;
      if (bz[q]) bluezoneCloseContact[q * n + k] = 1;
    }
  }
  for (let j = 0; j < r * n; j++) closeContact[j] = closeMinutes[j]! >= minMinutes - 1e-9 ? 1 : 0;
  return { summaries, summaryOfWindow, closeMinutes, closeContact, bluezoneCloseContact };
}

function groupDaily(
  windows: readonly ExposureWindow[],
  c: EpisodeConfig,
): { summaries: DailySummary[]; summaryOfWindow: Int32Array } {
  // Per UTC day, its name and its summaries by contact: keyed by the windows' own contact strings (a
  // joined day-and-contact string per window was made, flattened and hashed for every window).
  const byDay = new Map<number, { day: string; byContact: Map<string, number> }>();
  const found: DailySummary[] = [];
  const foundOfWindow = new Int32Array(windows.length);
  for (let w = 0; w < windows.length; w++) {
    const win = windows[w]!;
    const dayNumber = Math.floor(win.dateMillisSinceEpoch / 86_400_000);
    let ofDay = byDay.get(dayNumber);
    if (ofDay === undefined)
      byDay.set(dayNumber, (ofDay = { day: utcDayName(dayNumber), byContact: new Map() }));
    const day = ofDay.day;
    let index = ofDay.byContact.get(win.contact);
    if (index === undefined) {
      index = found.length;
      ofDay.byContact.set(win.contact, index);
      found.push({
        day,
        contact: win.contact,
        windows: 0,
        scoreSum: 0,
        maximumScore: 0,
        weightedDurationMinutes: 0,
        closeMinutes: 0,
        closeContact: false,
        bluezoneCloseMinutes: 0,
        bluezoneCloseContact: false,
      });
    }
    foundOfWindow[w] = index;
    const s = found[index]!;
    s.windows++;
    s.scoreSum += win.score;
    s.maximumScore = Math.max(s.maximumScore, win.score);
    s.weightedDurationMinutes += win.weightedDurationS / 60;
    s.closeMinutes += win.closeDurationS / 60;
    s.bluezoneCloseMinutes += win.bluezoneCloseDurationS / 60;
    s.bluezoneCloseContact ||= win.bluezoneCloseContact;
  }
  const minMinutes = c.closeContactMinDurationS / 60;
  for (const s of found) s.closeContact = s.closeMinutes >= minMinutes - 1e-9;
  const order = found.map((_, i) => i);
  order.sort((x, y) => {
    const a = found[x]!;
    const b = found[y]!;
    return a.day < b.day
      ? -1
      : a.day > b.day
        ? 1
        : a.contact < b.contact
          ? -1
          : a.contact > b.contact
            ? 1
            : 0;
  });
  const rank = new Int32Array(found.length);
  order.forEach((i, r) => (rank[i] = r));
  const summaryOfWindow = foundOfWindow.map((i) => rank[i]!);
  return { summaries: order.map((i) => found[i]!), summaryOfWindow };
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
