/**
 * Diagnosis keys of both schemes: what a health authority publishes for a confirmed case.
 * @module
 */
import type { TemporaryExposureKey } from './gaen/keySchedule.js';

/** Names of the supported ID schemes. */
export type SchemeName = 'gaen' | 'bluezone';

/** GAEN report types (exposure_key_export.proto `TemporaryExposureKey.ReportType`). */
export const GAEN_REPORT_TYPES = [
  'UNKNOWN',
  'CONFIRMED_TEST',
  'CONFIRMED_CLINICAL_DIAGNOSIS',
  'SELF_REPORT',
  'RECURSIVE',
  'REVOKED',
] as const;

/** A published GAEN key with the export's optional risk fields. */
export interface GaenDiagnosisKey extends TemporaryExposureKey {
  scheme: 'gaen';
  /** Deprecated in EN v1.5+ but still carried by exports; 0..8. */
  transmissionRiskLevel?: number;
  /** Index into {@link GAEN_REPORT_TYPES}. */
  reportType?: number;
  /** Days from symptom onset to the key's day, -14..14. */
  daysSinceOnsetOfSymptoms?: number;
}

/**
 * A Bluezone "F0" entry: the confirmed case's daily key for the day starting at `timeDkS`, traced with
 * `maxRoll` IDs a day up to `timeTeS` (the app's `checkContactF(dailyKey, timeDk, maxRoll, timeTe)`).
 */
export interface BluezoneDiagnosisKey {
  scheme: 'bluezone';
  /** 32-byte daily key of the day starting at `timeDkS`. */
  dailyKey: Uint8Array;
  /** Start of that day, Unix seconds. */
  timeDkS: number;
  /** IDs per day (slots); 96 from July 2020, 144 before. */
  maxRoll: number;
  /** End of tracing, Unix seconds: slots starting after it are not checked. */
  timeTeS: number;
}

/** A diagnosis key of either scheme. */
export type DiagnosisKey = GaenDiagnosisKey | BluezoneDiagnosisKey;

/**
 * When a device's own key stops being current, ms: GAEN, the end of its rolling period; Bluezone,
 * `timeTeS`. Stores prune own keys by it (kept while it is at or after the cut-off).
 */
export function ownKeyEndMs(key: DiagnosisKey): number {
  return key.scheme === 'gaen'
    ? (key.rollingStartIntervalNumber + key.rollingPeriod) * 600_000
    : key.timeTeS * 1000;
}
