/**
 * Configuration of exposure windows, risk scoring and the close-contact verdict, shaped like GAEN v2's
 * `ExposureConfiguration` / `DailySummariesConfig` (attenuation bucket thresholds and weights,
 * infectiousness and report-type weights, minimum scores), plus the distance rule health authorities
 * used ("≤ 2 m for ≥ 15 minutes a day") and the Bluezone app's RSSI baseline.
 * @module
 */
import { describeValue } from '../bytes/index.js';
import { FileFormatError } from '../errors.js';
import { parseJsonObject } from '../jsonFile.js';
import { pathLossModelFromObject } from '../proximity/modelFile.js';
import { DEFAULT_PATH_LOSS_MODEL, type PathLossModel } from '../proximity/pathLoss.js';

/** Bucket names in order of growing attenuation. */
export const ATTENUATION_BUCKETS = ['immediate', 'near', 'medium', 'other'] as const;

/** Bluezone's close-contact RSSI thresholds by platform pair (scanner→advertiser), from the app's configuration. */
export const BLUEZONE_RSSI_THRESHOLDS_DBM = { generic: -88, 'android->android': -86, 'android->ios': -69, 'ios->android': -88, 'ios->ios': -74 } as const;
export type BluezonePlatformPair = keyof typeof BLUEZONE_RSSI_THRESHOLDS_DBM;

export interface EpisodeConfig {
  /** Longest exposure window, s (GAEN: 30 min). */
  maxWindowS: number;
  /** Sightings closer together than this belong to one scan, s. */
  scanGapS: number;
  /** Cap on a scan's credited time, s; also the credit of a scanner's first scan (GAEN scans every ≤ 5 min). */
  maxSecondsSinceLastScan: number;
  /** Upper bounds (inclusive) of the immediate, near and medium buckets, dB; above the last is "other". */
  attenuationThresholdsDb: [number, number, number];
  /** Weights of immediate, near, medium, other (GAEN v2 allows 0..2.5). */
  attenuationBucketWeights: [number, number, number, number];
  /** Infectiousness weight by days since symptom onset (−14..14); days not listed use `defaultInfectiousnessWeight`. */
  infectiousnessWeightByDaysSinceOnset: Record<string, number>;
  defaultInfectiousnessWeight: number;
  /** Weight by GAEN report type index (0 unknown … 5 revoked). */
  reportTypeWeights: [number, number, number, number, number, number];
  /** Windows scoring below this are dropped from summaries, weighted seconds. */
  minimumWindowScore: number;
  /** Transmit power assumed when a sighting carries none, dBm. */
  defaultTxPowerDbm: number;
  /** Receiver RSSI correction, dB. */
  rssiCorrectionDb: number;
  /** Path-loss model for distances. */
  pathLoss: PathLossModel;
  /** "Too close for too long": at most this distance … */
  closeContactMaxDistanceM: number;
  /** … for at least this many seconds in one day, with one contact. */
  closeContactMinDurationS: number;
  /** Platform pair whose RSSI threshold the Bluezone baseline uses. */
  bluezonePlatformPair: BluezonePlatformPair;
}

/**
 * Defaults: GAEN's 30-minute windows; bucket thresholds 55/63/73 dB with weights 100/100/50/0 %, as
 * many health authorities configured GAEN v2; report types confirmed test/diagnosis and self-report
 * count fully, recursive and revoked not at all; ≤ 2 m for ≥ 15 min a day.
 */
export const DEFAULT_EPISODE_CONFIG: EpisodeConfig = {
  maxWindowS: 1800,
  scanGapS: 30,
  maxSecondsSinceLastScan: 300,
  attenuationThresholdsDb: [55, 63, 73],
  attenuationBucketWeights: [1, 1, 0.5, 0],
  infectiousnessWeightByDaysSinceOnset: {},
  defaultInfectiousnessWeight: 1,
  reportTypeWeights: [1, 1, 1, 1, 0, 0],
  minimumWindowScore: 0,
  defaultTxPowerDbm: -24,
  rssiCorrectionDb: 0,
  pathLoss: DEFAULT_PATH_LOSS_MODEL,
  closeContactMaxDistanceM: 2,
  closeContactMinDurationS: 900,
  bluezonePlatformPair: 'generic',
};

/** A config file that cannot be used; names the file and the field. */
export class EpisodeConfigError extends FileFormatError {}

/** Reads a (partial) config JSON over the defaults. @throws EpisodeConfigError naming the field. */
export function parseEpisodeConfigJson(text: string, source = 'config.json'): EpisodeConfig {
  const o = parseJsonObject(text, source, EpisodeConfigError, 'an object of settings');
  const config: EpisodeConfig = structuredClone(DEFAULT_EPISODE_CONFIG);
  const fail = (field: string, expected: string) => {
    throw new EpisodeConfigError(source, `${field}: expected ${expected}, got ${describeValue(o[field])}`);
  };
  const num = (field: keyof EpisodeConfig, min: number, max: number) => {
    if (o[field] === undefined) return;
    const v = o[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(field, `a number ${min}..${max}`);
    (config as unknown as Record<string, unknown>)[field] = v;
  };
  const list = (field: keyof EpisodeConfig, length: number, min: number, max: number, ascending = false) => {
    if (o[field] === undefined) return;
    const v = o[field];
    if (!Array.isArray(v) || v.length !== length || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) || (ascending && v.some((x, i) => i > 0 && x < v[i - 1]))) {
      fail(field, `${length} numbers ${min}..${max}${ascending ? ' in ascending order' : ''}`);
    }
    (config as unknown as Record<string, unknown>)[field] = [...(v as number[])];
  };
  const known = new Set(Object.keys(DEFAULT_EPISODE_CONFIG));
  for (const field of Object.keys(o)) if (!known.has(field)) throw new EpisodeConfigError(source, `unknown setting "${field}" (known: ${[...known].join(', ')})`);
  num('maxWindowS', 1, 86_400);
  num('scanGapS', 0, 3600);
  num('maxSecondsSinceLastScan', 1, 3600);
  list('attenuationThresholdsDb', 3, 0, 255, true);
  list('attenuationBucketWeights', 4, 0, 2.5);
  num('defaultInfectiousnessWeight', 0, 2.5);
  list('reportTypeWeights', 6, 0, 2.5);
  num('minimumWindowScore', 0, 1e9);
  num('defaultTxPowerDbm', -127, 127);
  num('rssiCorrectionDb', -100, 100);
  num('closeContactMaxDistanceM', 0.01, 100);
  num('closeContactMinDurationS', 0, 86_400);
  if (o['infectiousnessWeightByDaysSinceOnset'] !== undefined) {
    const m = o['infectiousnessWeightByDaysSinceOnset'];
    if (typeof m !== 'object' || m === null || Array.isArray(m) || Object.entries(m).some(([k, v]) => !/^-?\d+$/.test(k) || Math.abs(Number(k)) > 14 || typeof v !== 'number' || v < 0 || v > 2.5)) {
      fail('infectiousnessWeightByDaysSinceOnset', 'an object {"-14".."14": weight 0..2.5}');
    }
    config.infectiousnessWeightByDaysSinceOnset = { ...(m as Record<string, number>) };
  }
  if (o['pathLoss'] !== undefined) {
    const p = o['pathLoss'];
    if (typeof p !== 'object' || p === null || Array.isArray(p)) fail('pathLoss', '{"a0Db", "pathLossExponent", "sigmaDb"} (a model file\'s fields)');
    config.pathLoss = pathLossModelFromObject(p as Record<string, unknown>, (field, expected, actual) => {
      throw new EpisodeConfigError(source, `pathLoss.${field}: expected ${expected}, got ${describeValue(actual)}`);
    });
  }
  if (o['bluezonePlatformPair'] !== undefined) {
    if (!Object.keys(BLUEZONE_RSSI_THRESHOLDS_DBM).includes(o['bluezonePlatformPair'] as string)) fail('bluezonePlatformPair', `one of ${Object.keys(BLUEZONE_RSSI_THRESHOLDS_DBM).join(', ')}`);
    config.bluezonePlatformPair = o['bluezonePlatformPair'] as BluezonePlatformPair;
  }
  return config;
}
