/**
 * Germany's Corona-Warn-App risk calculation over exposure windows, configured by its own published
 * parameter object.
 * @module
 */
import { describeValue } from '../bytes/index.js';
import { parseJsonObject } from '../jsonFile.js';
import { DAY_MS, utcDayOf } from '../utcDay.js';
import { RiskInputError, type RiskWindow } from './windows.js';

/** A CWA `Range` (protobuf `RiskCalculationParameters.Range`). */
export interface CwaRange {
  min: number;
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** CWA's risk calculation parameters (cwa-app-android `RiskCalculationParameters`), as JSON. */
export interface CwaParameters {
  minutesAtAttenuationFilters: { attenuationRange: CwaRange; dropIfMinutesInRange: CwaRange }[];
  trlFilters: { dropIfTrlInRange: CwaRange }[];
  minutesAtAttenuationWeights: { attenuationRange: CwaRange; weight: number }[];
  normalizedTimePerEWToRiskLevelMapping: { normalizedTimeRange: CwaRange; riskLevel: number }[];
  normalizedTimePerDayToRiskLevelMapping: { normalizedTimeRange: CwaRange; riskLevel: number }[];
  trlEncoding: {
    infectiousnessOffsetStandard: number;
    infectiousnessOffsetHigh: number;
    reportTypeOffsetRecursive: number;
    reportTypeOffsetSelfReport: number;
    reportTypeOffsetConfirmedClinicalDiagnosis: number;
    reportTypeOffsetConfirmedTest: number;
  };
  transmissionRiskValueMapping: { transmissionRiskLevel: number; transmissionRiskValue: number }[];
}

/**
 * CWA's published parameters: `defaultRiskCalculationConfiguration` of the risk calculation test cases
 * the app runs, corona-warn-app/cwa-app-android
 * `Corona-Warn-App/src/test/resources/exposure-windows-risk-calculation.json` (generated there from YAML).
 * The live app takes its parameters from the CWA server's app configuration, which may differ.
 */
export const CWA_DEFAULT_PARAMETERS: CwaParameters = {
  minutesAtAttenuationFilters: [],
  trlFilters: [],
  minutesAtAttenuationWeights: [
    { attenuationRange: { min: 0, max: 63, maxExclusive: true }, weight: 0.8 },
    { attenuationRange: { min: 63, max: 73, maxExclusive: true }, weight: 1 },
    { attenuationRange: { min: 73, max: 79, maxExclusive: true }, weight: 0.1 },
  ],
  normalizedTimePerEWToRiskLevelMapping: [
    { normalizedTimeRange: { min: 0, max: 9, maxExclusive: true }, riskLevel: 1 },
    { normalizedTimeRange: { min: 9, max: 9999 }, riskLevel: 2 },
  ],
  normalizedTimePerDayToRiskLevelMapping: [
    { normalizedTimeRange: { min: 5, max: 9, maxExclusive: true }, riskLevel: 1 },
    { normalizedTimeRange: { min: 9, max: 99999 }, riskLevel: 2 },
  ],
  trlEncoding: {
    infectiousnessOffsetStandard: 1,
    infectiousnessOffsetHigh: 2,
    reportTypeOffsetRecursive: 0,
    reportTypeOffsetSelfReport: 2,
    reportTypeOffsetConfirmedClinicalDiagnosis: 4,
    reportTypeOffsetConfirmedTest: 6,
  },
  transmissionRiskValueMapping: /* @__PURE__ */ [1, 2, 3, 4, 5, 6, 7, 8].map(
    (transmissionRiskLevel) => ({
      transmissionRiskLevel,
      transmissionRiskValue: [0, 0, 0.6, 0.8, 1, 1.2, 1.4, 1.6][transmissionRiskLevel - 1]!,
    }),
  ),
};

/** `Range.inRange` of cwa-app-android `DefaultRiskLevels`. */
export function cwaInRange(r: CwaRange, x: number): boolean {
  if (r.minExclusive ? x <= r.min : x < r.min) return false;
  if (r.maxExclusive ? x >= r.max : x > r.max) return false;
  return true;
}

/** Per-window result of the CWA rule. */
export interface CwaWindowResult {
  index: number;
  date: string;
  /** Why the window was dropped, if it was. */
  dropped?: 'minutesAtAttenuationFilter' | 'trlFilter';
  transmissionRiskLevel: number;
  normalizedTime: number;
  riskLevel: number | null;
}

/** CWA's aggregated result (`AggregatedRiskResult`), with the detail behind it. */
export interface CwaResult {
  totalRiskLevel: 1 | 2;
  ageOfMostRecentDateWithLowRisk: number | null;
  ageOfMostRecentDateWithHighRisk: number | null;
  numberOfDaysWithLowRisk: number;
  numberOfDaysWithHighRisk: number;
  totalMinimumDistinctEncountersWithLowRisk: number;
  totalMinimumDistinctEncountersWithHighRisk: number;
  days: {
    date: string;
    normalizedTime: number;
    riskLevel: number;
    minimumDistinctEncountersWithLowRisk: number;
    minimumDistinctEncountersWithHighRisk: number;
  }[];
  windows: CwaWindowResult[];
}

/**
 * CWA's risk calculation (cwa-app-android `DefaultRiskLevels.calculateRisk` and `aggregateResults`):
 * per window, drop it by minutes-at-attenuation and TRL filters; TRL = report-type offset +
 * infectiousness offset; normalized time = transmission risk value × Σ(seconds × weight of the scan's
 * minimum attenuation) / 60; its risk level from the per-window mapping (none: a configuration error, as
 * in the app). Per date: Σ normalized time → risk level from the per-day mapping (dates without one
 * carry no risk); distinct encounters = distinct (TRL, calibration confidence) among the date's windows
 * of that level. Total: HIGH if any day is. Ages count in days from `todayMs`'s UTC day.
 */
export function cwaRisk(
  windows: readonly RiskWindow[],
  params: CwaParameters = CWA_DEFAULT_PARAMETERS,
  todayMs: number,
): CwaResult {
  const e = params.trlEncoding;
  const results: CwaWindowResult[] = windows.map((w, index) => {
    const date = utcDayOf(w.dateMillisSinceEpoch);
    const reportOffset = [
      undefined,
      e.reportTypeOffsetConfirmedTest,
      e.reportTypeOffsetConfirmedClinicalDiagnosis,
      e.reportTypeOffsetSelfReport,
      e.reportTypeOffsetRecursive,
    ][w.reportType];
    if (reportOffset === undefined)
      throw new RiskInputError(
        'windows',
        `[${index}].reportType: CWA knows report types 1..4 only, got ${w.reportType}`,
      );
    const trl =
      reportOffset +
      (w.infectiousness === 2 ? e.infectiousnessOffsetHigh : e.infectiousnessOffsetStandard);
    const base = { index, date, transmissionRiskLevel: trl, normalizedTime: 0, riskLevel: null };
    for (const f of params.minutesAtAttenuationFilters) {
      const seconds = w.scanInstances
        .filter((s) => cwaInRange(f.attenuationRange, s.minAttenuationDb))
        .reduce((a, s) => a + s.secondsSinceLastScan, 0);
      // Whole minutes (integer division in DefaultRiskLevels.dropDueToMinutesAtAttenuation).
      if (cwaInRange(f.dropIfMinutesInRange, Math.floor(seconds / 60)))
        return { ...base, dropped: 'minutesAtAttenuationFilter' as const };
    }
    if (params.trlFilters.some((f) => cwaInRange(f.dropIfTrlInRange, trl)))
      return { ...base, dropped: 'trlFilter' as const };
    const value =
      params.transmissionRiskValueMapping.find((m) => m.transmissionRiskLevel === trl)
        ?.transmissionRiskValue ?? 0;
    const weightedSeconds = w.scanInstances.reduce(
      (a, s) =>
        a +
        s.secondsSinceLastScan *
          (params.minutesAtAttenuationWeights.find((m) =>
            cwaInRange(m.attenuationRange, s.minAttenuationDb),
          )?.weight ?? 0),
      0,
    );
    const normalizedTime = (value * weightedSeconds) / 60;
    const level = params.normalizedTimePerEWToRiskLevelMapping.find((m) =>
      cwaInRange(m.normalizedTimeRange, normalizedTime),
    )?.riskLevel;
    if (level === undefined)
      throw new RiskInputError(
        'cwa parameters',
        `normalizedTimePerEWToRiskLevelMapping: no range holds window ${index}'s normalized time ${normalizedTime}`,
      );
    return { ...base, normalizedTime, riskLevel: level };
  });
  const byDate = new Map<string, CwaWindowResult[]>();
  for (const r of results)
    if (r.riskLevel !== null) byDate.set(r.date, [...(byDate.get(r.date) ?? []), r]);
  const today = Math.floor(todayMs / DAY_MS);
  const days: CwaResult['days'] = [];
  for (const [date, list] of [...byDate.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const normalizedTime = list.reduce((a, r) => a + r.normalizedTime, 0);
    const riskLevel = params.normalizedTimePerDayToRiskLevelMapping.find((m) =>
      cwaInRange(m.normalizedTimeRange, normalizedTime),
    )?.riskLevel;
    if (riskLevel === undefined) continue;
    const distinct = (level: number) =>
      new Set(
        list
          .filter((r) => r.riskLevel === level)
          .map((r) => `${r.transmissionRiskLevel}_${windows[r.index]!.calibrationConfidence}`),
      ).size;
    days.push({
      date,
      normalizedTime,
      riskLevel,
      minimumDistinctEncountersWithLowRisk: distinct(1),
      minimumDistinctEncountersWithHighRisk: distinct(2),
    });
  }
  const age = (level: number) => {
    const latest = days
      .filter((d) => d.riskLevel === level)
      .map((d) => Date.parse(d.date) / DAY_MS);
    return latest.length ? today - Math.max(...latest) : null;
  };
  return {
    totalRiskLevel: days.some((d) => d.riskLevel === 2) ? 2 : 1,
    ageOfMostRecentDateWithLowRisk: age(1),
    ageOfMostRecentDateWithHighRisk: age(2),
    numberOfDaysWithLowRisk: days.filter((d) => d.riskLevel === 1).length,
    numberOfDaysWithHighRisk: days.filter((d) => d.riskLevel === 2).length,
    totalMinimumDistinctEncountersWithLowRisk: days.reduce(
      (a, d) => a + d.minimumDistinctEncountersWithLowRisk,
      0,
    ),
    totalMinimumDistinctEncountersWithHighRisk: days.reduce(
      (a, d) => a + d.minimumDistinctEncountersWithHighRisk,
      0,
    ),
    days,
    windows: results,
  };
}

/** Reads CWA parameters JSON over {@link CWA_DEFAULT_PARAMETERS} (top-level fields replace the defaults'). */
export function parseCwaParametersJson(text: string, source: string): CwaParameters {
  const o = parseJsonObject(text, source, RiskInputError, 'a CWA parameter object');
  const params = structuredClone(CWA_DEFAULT_PARAMETERS) as unknown as Record<string, unknown>;
  const range = (v: unknown, at: string): void => {
    const r = v as Record<string, unknown> | null;
    if (
      typeof r !== 'object' ||
      r === null ||
      typeof r['min'] !== 'number' ||
      typeof r['max'] !== 'number' ||
      (r['minExclusive'] !== undefined && typeof r['minExclusive'] !== 'boolean') ||
      (r['maxExclusive'] !== undefined && typeof r['maxExclusive'] !== 'boolean')
    ) {
      throw new RiskInputError(
        source,
        `${at}: expected a range {"min", "max", "minExclusive"?, "maxExclusive"?}, got ${describeValue(v)}`,
      );
    }
  };
  const list = (field: string, check: (item: Record<string, unknown>, at: string) => void) => {
    const v = o[field];
    if (!Array.isArray(v))
      throw new RiskInputError(source, `${field}: expected an array, got ${describeValue(v)}`);
    v.forEach((item, i) => {
      if (typeof item !== 'object' || item === null)
        throw new RiskInputError(
          source,
          `${field}[${i}]: expected an object, got ${describeValue(item)}`,
        );
      check(item as Record<string, unknown>, `${field}[${i}]`);
    });
  };
  const num = (item: Record<string, unknown>, key: string, at: string) => {
    if (typeof item[key] !== 'number' || !Number.isFinite(item[key]))
      throw new RiskInputError(
        source,
        `${at}.${key}: expected a number, got ${describeValue(item[key])}`,
      );
  };
  const checks: Record<string, () => void> = {
    minutesAtAttenuationFilters: () =>
      list(
        'minutesAtAttenuationFilters',
        (x, at) => (
          range(x['attenuationRange'], `${at}.attenuationRange`),
          range(x['dropIfMinutesInRange'], `${at}.dropIfMinutesInRange`)
        ),
      ),
    trlFilters: () =>
      list('trlFilters', (x, at) => range(x['dropIfTrlInRange'], `${at}.dropIfTrlInRange`)),
    minutesAtAttenuationWeights: () =>
      list(
        'minutesAtAttenuationWeights',
        (x, at) => (range(x['attenuationRange'], `${at}.attenuationRange`), num(x, 'weight', at)),
      ),
    normalizedTimePerEWToRiskLevelMapping: () =>
      list(
        'normalizedTimePerEWToRiskLevelMapping',
        (x, at) => (range(x['normalizedTimeRange'], `${at}.normalizedTimeRange`), riskLevel(x, at)),
      ),
    normalizedTimePerDayToRiskLevelMapping: () =>
      list(
        'normalizedTimePerDayToRiskLevelMapping',
        (x, at) => (range(x['normalizedTimeRange'], `${at}.normalizedTimeRange`), riskLevel(x, at)),
      ),
    trlEncoding: () => {
      const t = o['trlEncoding'] as Record<string, unknown>;
      if (typeof t !== 'object' || t === null)
        throw new RiskInputError(
          source,
          `trlEncoding: expected an object, got ${describeValue(t)}`,
        );
      for (const k of Object.keys(CWA_DEFAULT_PARAMETERS.trlEncoding)) num(t, k, 'trlEncoding');
    },
    transmissionRiskValueMapping: () =>
      list(
        'transmissionRiskValueMapping',
        (x, at) => (num(x, 'transmissionRiskLevel', at), num(x, 'transmissionRiskValue', at)),
      ),
  };
  const riskLevel = (x: Record<string, unknown>, at: string) => {
    if (x['riskLevel'] !== 1 && x['riskLevel'] !== 2)
      throw new RiskInputError(
        source,
        `${at}.riskLevel: expected 1 (low) or 2 (high), got ${describeValue(x['riskLevel'])}`,
      );
  };
  for (const [k, v] of Object.entries(o)) {
    if (!checks[k])
      throw new RiskInputError(
        source,
        `unknown setting "${k}" (known: ${Object.keys(checks).join(', ')})`,
      );
    checks[k]();
    params[k] = structuredClone(v);
  }
  return params as unknown as CwaParameters;
}
