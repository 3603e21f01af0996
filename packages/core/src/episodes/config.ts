/**
 * Configuration of exposure windows, risk scoring and the close-contact verdict, shaped like GAEN v2's
 * `ExposureConfiguration` / `DailySummariesConfig` (attenuation bucket thresholds and weights,
 * infectiousness and report-type weights, minimum scores), plus the distance rule health authorities
 * used ("≤ 2 m for ≥ 15 minutes a day") and the Bluezone app's RSSI baseline.
 * @module
 */
import { describeValue } from '../bytes/index.js';
import { FileFormatError } from '../errors.js';
import { GAEN_REPORT_TYPES } from '../ids/diagnosisKey.js';
import { parseJsonObject } from '../jsonFile.js';
import { pathLossModelFromObject } from '../proximity/modelFile.js';
import { DEFAULT_PATH_LOSS_MODEL, type PathLossModel } from '../proximity/pathLoss.js';

/** Bucket names in order of growing attenuation. */
export const ATTENUATION_BUCKETS = ['immediate', 'near', 'medium', 'other'] as const;

/** Bluezone's close-contact RSSI thresholds by platform pair (scanner→advertiser), from the app's configuration. */
export const BLUEZONE_RSSI_THRESHOLDS_DBM = {
  generic: -88,
  'android->android': -86,
  'android->ios': -69,
  'ios->android': -88,
  'ios->ios': -74,
} as const;
export type BluezonePlatformPair = keyof typeof BLUEZONE_RSSI_THRESHOLDS_DBM;

/** GAEN `Infectiousness`: NONE 0 (window dropped), STANDARD 1, HIGH 2. */
export const GAEN_INFECTIOUSNESS = ['NONE', 'STANDARD', 'HIGH'] as const;

/** GAEN's `DiagnosisKeysDataMapping` (google/exposure-notifications-internals `DiagnosisKeysDataMapping`). */
export interface DiagnosisKeysDataMapping {
  /** Infectiousness (0..2) by days since onset −14..14; days not listed are NONE. */
  daysSinceOnsetToInfectiousness: Record<string, number>;
  /** Report type (1..5) of keys that carry none (or UNKNOWN). */
  reportTypeWhenMissing: number;
  /** Infectiousness (0..2) of keys without days since onset. */
  infectiousnessWhenDaysSinceOnsetMissing: number;
}

export interface EpisodeConfig {
  /** Longest exposure window, s, counted from its first sighting (GAEN: 30 min). */
  maxWindowS: number;
  /** When scans are rebuilt from sightings: sightings closer together than this belong to one scan, s. */
  scanGapS: number;
  /** When scans are rebuilt from sightings: a scan is cut after this long, so a receiver that scans without pause still counts time, s. */
  maxScanS: number;
  /** Cap on a scan instance's `secondsSinceLastScan`, s (GAEN `maxMinutesSinceLastScan`: 5 min). */
  maxSecondsSinceLastScan: number;
  /** `secondsSinceLastScan` when the scanner's previous scan is unknown, s (GAEN `defaultMinutesSinceLastScan`: 2 min). */
  unknownPreviousScanS: number;
  /** GAEN mapping of keys' report type and days since onset to the windows' report type and infectiousness. */
  diagnosisKeysDataMapping: DiagnosisKeysDataMapping | null;
  /** Weights of infectiousness NONE, STANDARD, HIGH (GAEN `infectiousnessWeights`). */
  infectiousnessWeights: [number, number, number];
  /** GAEN `daysSinceExposureThreshold`: daily summaries older than this many days are left out (0: all). */
  daysSinceExposureThreshold: number;
  /** Upper bounds (inclusive) of the immediate, near and medium buckets, dB; above the last is "other". */
  attenuationThresholdsDb: [number, number, number];
  /** Weights of immediate, near, medium, other (GAEN v2 allows 0..2.5). */
  attenuationBucketWeights: [number, number, number, number];
  /** Legacy extra weight by days since symptom onset (−14..14), multiplied into the score; days not listed use `defaultInfectiousnessWeight`. */
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
 * Defaults: GAEN's 30-minute windows, 5-minute credit cap and 2-minute credit after an unknown scan
 * (google/exposure-notifications-internals `ContactTracingFeature.maxExposureWindowDurationMinutes`,
 * `maxMinutesSinceLastScan`, `defaultMinutesSinceLastScan`); without a `diagnosisKeysDataMapping`, every
 * key is STANDARD infectiousness and a missing report type is CONFIRMED_TEST; bucket thresholds 55/63/73 dB with weights 100/100/50/0 %, as
 * many health authorities configured GAEN v2; report types confirmed test/diagnosis and self-report
 * count fully, recursive and revoked not at all; ≤ 2 m for ≥ 15 min a day.
 */
export const DEFAULT_EPISODE_CONFIG: EpisodeConfig = {
  maxWindowS: 1800,
  scanGapS: 30,
  maxScanS: 60,
  maxSecondsSinceLastScan: 300,
  unknownPreviousScanS: 120,
  diagnosisKeysDataMapping: null,
  infectiousnessWeights: [0, 1, 1],
  daysSinceExposureThreshold: 0,
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
    throw new EpisodeConfigError(
      source,
      `${field}: expected ${expected}, got ${describeValue(o[field])}`,
    );
  };
  const num = (field: keyof EpisodeConfig, min: number, max: number) => {
    if (o[field] === undefined) return;
    const v = o[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
      fail(field, `a number ${min}..${max}`);
    (config as unknown as Record<string, unknown>)[field] = v;
  };
  const list = (
    field: keyof EpisodeConfig,
    length: number,
    min: number,
    max: number,
    ascending = false,
  ) => {
    if (o[field] === undefined) return;
    const v = o[field];
    if (
      !Array.isArray(v) ||
      v.length !== length ||
      v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) ||
      (ascending && v.some((x, i) => i > 0 && x < v[i - 1]))
    ) {
      fail(field, `${length} numbers ${min}..${max}${ascending ? ' in ascending order' : ''}`);
    }
    (config as unknown as Record<string, unknown>)[field] = [...(v as number[])];
  };
  // GAEN's own objects are read below; their flat internal fields are not settings of their own.
  const internal = new Set([
    'diagnosisKeysDataMapping',
    'infectiousnessWeights',
    'daysSinceExposureThreshold',
  ]);
  const known = new Set([
    ...Object.keys(DEFAULT_EPISODE_CONFIG).filter((k) => !internal.has(k)),
    'diagnosisKeysDataMapping',
    'dailySummariesConfig',
  ]);
  for (const field of Object.keys(o))
    if (!known.has(field))
      throw new EpisodeConfigError(
        source,
        `unknown setting "${field}" (known: ${[...known].join(', ')})`,
      );
  num('maxWindowS', 1, 86_400);
  num('scanGapS', 0, 3600);
  num('maxScanS', 1, 3600);
  num('maxSecondsSinceLastScan', 1, 3600);
  num('unknownPreviousScanS', 0, 3600);
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
    if (
      typeof m !== 'object' ||
      m === null ||
      Array.isArray(m) ||
      Object.entries(m).some(
        ([k, v]) =>
          !/^-?\d+$/.test(k) ||
          Math.abs(Number(k)) > 14 ||
          typeof v !== 'number' ||
          v < 0 ||
          v > 2.5,
      )
    ) {
      fail('infectiousnessWeightByDaysSinceOnset', 'an object {"-14".."14": weight 0..2.5}');
    }
    config.infectiousnessWeightByDaysSinceOnset = { ...(m as Record<string, number>) };
  }
  if (o['pathLoss'] !== undefined) {
    const p = o['pathLoss'];
    if (typeof p !== 'object' || p === null || Array.isArray(p))
      fail('pathLoss', '{"a0Db", "pathLossExponent", "sigmaDb"} (a model file\'s fields)');
    config.pathLoss = pathLossModelFromObject(
      p as Record<string, unknown>,
      (field, expected, actual) => {
        throw new EpisodeConfigError(
          source,
          `pathLoss.${field}: expected ${expected}, got ${describeValue(actual)}`,
        );
      },
    );
  }
  if (o['diagnosisKeysDataMapping'] !== undefined)
    config.diagnosisKeysDataMapping = parseDiagnosisKeysDataMapping(
      o['diagnosisKeysDataMapping'],
      source,
    );
  if (o['dailySummariesConfig'] !== undefined) {
    for (const flat of [
      'attenuationThresholdsDb',
      'attenuationBucketWeights',
      'reportTypeWeights',
      'minimumWindowScore',
    ]) {
      if (o[flat] !== undefined)
        throw new EpisodeConfigError(
          source,
          `${flat}: set it inside dailySummariesConfig or outside it, not both`,
        );
    }
    applyDailySummariesConfig(config, o['dailySummariesConfig'], source);
  }
  if (o['bluezonePlatformPair'] !== undefined) {
    if (!Object.keys(BLUEZONE_RSSI_THRESHOLDS_DBM).includes(o['bluezonePlatformPair'] as string))
      fail(
        'bluezonePlatformPair',
        `one of ${Object.keys(BLUEZONE_RSSI_THRESHOLDS_DBM).join(', ')}`,
      );
    config.bluezonePlatformPair = o['bluezonePlatformPair'] as BluezonePlatformPair;
  }
  return config;
}

const INFECTIOUSNESS_NAMES: readonly string[] = GAEN_INFECTIOUSNESS;
const REPORT_TYPE_NAMES: readonly string[] = GAEN_REPORT_TYPES;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An enum value given as its number or its GAEN name. */
function enumValue(v: unknown, names: readonly string[]): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < names.length) return v;
  if (typeof v === 'string' && names.includes(v)) return names.indexOf(v);
  return undefined;
}

/**
 * Reads GAEN's `DiagnosisKeysDataMapping`, validated as `DiagnosisKeysDataMappingBuilder` validates it:
 * all three fields required, days −14..14 (at most 29), infectiousness NONE/STANDARD/HIGH, report type
 * when missing not UNKNOWN.
 */
export function parseDiagnosisKeysDataMapping(
  raw: unknown,
  source: string,
): DiagnosisKeysDataMapping {
  const field = 'diagnosisKeysDataMapping';
  const fail = (name: string, expected: string, got: unknown) => {
    throw new EpisodeConfigError(
      source,
      `${field}${name ? '.' + name : ''}: expected ${expected}, got ${describeValue(got)}`,
    );
  };
  if (!isObject(raw))
    return fail(
      '',
      'an object {daysSinceOnsetToInfectiousness, reportTypeWhenMissing, infectiousnessWhenDaysSinceOnsetMissing}',
      raw,
    );
  for (const k of Object.keys(raw)) {
    if (
      ![
        'daysSinceOnsetToInfectiousness',
        'reportTypeWhenMissing',
        'infectiousnessWhenDaysSinceOnsetMissing',
      ].includes(k)
    )
      throw new EpisodeConfigError(source, `${field}: unknown field "${k}"`);
  }
  const days = raw['daysSinceOnsetToInfectiousness'];
  if (!isObject(days))
    return fail(
      'daysSinceOnsetToInfectiousness',
      'an object {"-14".."14": NONE|STANDARD|HIGH or 0..2} (required)',
      days,
    );
  const mapping: Record<string, number> = {};
  for (const [k, v] of Object.entries(days)) {
    if (!/^-?\d+$/.test(k) || Math.abs(Number(k)) > 14)
      fail(`daysSinceOnsetToInfectiousness["${k}"]`, 'a day −14..14 as key', k);
    const inf = enumValue(v, INFECTIOUSNESS_NAMES);
    if (inf === undefined)
      return fail(`daysSinceOnsetToInfectiousness["${k}"]`, 'NONE, STANDARD, HIGH or 0..2', v);
    mapping[String(Number(k))] = inf;
  }
  const rt = enumValue(raw['reportTypeWhenMissing'], REPORT_TYPE_NAMES);
  if (rt === undefined || rt === 0)
    return fail(
      'reportTypeWhenMissing',
      'a report type 1..5 or its name (not UNKNOWN; required)',
      raw['reportTypeWhenMissing'],
    );
  const inf = enumValue(raw['infectiousnessWhenDaysSinceOnsetMissing'], INFECTIOUSNESS_NAMES);
  if (inf === undefined)
    return fail(
      'infectiousnessWhenDaysSinceOnsetMissing',
      'NONE, STANDARD, HIGH or 0..2 (required)',
      raw['infectiousnessWhenDaysSinceOnsetMissing'],
    );
  return {
    daysSinceOnsetToInfectiousness: mapping,
    reportTypeWhenMissing: rt,
    infectiousnessWhenDaysSinceOnsetMissing: inf,
  };
}

/** Weights by enum value: an array (index = value) or an object keyed by value or name; unlisted values weigh 0, as GAEN's builder. */
function enumWeights(
  raw: unknown,
  names: readonly string[],
  where: string,
  source: string,
): number[] {
  const out = new Array<number>(names.length).fill(0);
  const bad = (got: unknown): never => {
    throw new EpisodeConfigError(
      source,
      `${where}: expected ${names.length} weights 0..2.5 as an array or an object keyed by ${names.join('|')} or 0..${names.length - 1}, got ${describeValue(got)}`,
    );
  };
  const entries: [unknown, unknown][] = Array.isArray(raw)
    ? raw.length === names.length
      ? raw.map((v, i) => [i, v])
      : bad(raw)
    : isObject(raw)
      ? Object.entries(raw)
      : bad(raw);
  for (const [k, v] of entries) {
    const index =
      typeof k === 'number'
        ? k
        : /^\d+$/.test(String(k))
          ? enumValue(Number(k), names)
          : enumValue(k, names);
    if (index === undefined || typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 2.5)
      bad(raw);
    out[index!] = v as number;
  }
  return out;
}

/**
 * Reads GAEN's `DailySummariesConfig` into the config, validated as `DailySummariesConfigBuilder`
 * validates it: 3 thresholds 0..255 strictly increasing and 4 bucket weights (both required), weights
 * 0..2.5, minimumWindowScore ≥ 0, daysSinceExposureThreshold an integer ≥ 0.
 */
export function applyDailySummariesConfig(
  config: EpisodeConfig,
  raw: unknown,
  source: string,
): void {
  const field = 'dailySummariesConfig';
  if (!isObject(raw))
    throw new EpisodeConfigError(source, `${field}: expected an object, got ${describeValue(raw)}`);
  const allowed = [
    'attenuationBucketThresholdDb',
    'attenuationBucketWeights',
    'reportTypeWeights',
    'infectiousnessWeights',
    'minimumWindowScore',
    'daysSinceExposureThreshold',
  ];
  for (const k of Object.keys(raw))
    if (!allowed.includes(k))
      throw new EpisodeConfigError(
        source,
        `${field}: unknown field "${k}" (known: ${allowed.join(', ')})`,
      );
  const t = raw['attenuationBucketThresholdDb'];
  if (
    !Array.isArray(t) ||
    t.length !== 3 ||
    t.some((x, i) => !Number.isInteger(x) || x < 0 || x > 255 || (i > 0 && x <= t[i - 1]))
  ) {
    throw new EpisodeConfigError(
      source,
      `${field}.attenuationBucketThresholdDb: expected 3 integers 0..255, each larger than the one before (required), got ${describeValue(t)}`,
    );
  }
  const w = raw['attenuationBucketWeights'];
  if (
    !Array.isArray(w) ||
    w.length !== 4 ||
    w.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 2.5)
  ) {
    throw new EpisodeConfigError(
      source,
      `${field}.attenuationBucketWeights: expected 4 numbers 0..2.5 (required), got ${describeValue(w)}`,
    );
  }
  const [t0, t1, t2] = t as number[];
  const [w0, w1, w2, w3] = w as number[];
  config.attenuationThresholdsDb = [t0!, t1!, t2!];
  config.attenuationBucketWeights = [w0!, w1!, w2!, w3!];
  config.reportTypeWeights = (
    raw['reportTypeWeights'] === undefined
      ? [0, 0, 0, 0, 0, 0]
      : enumWeights(
          raw['reportTypeWeights'],
          REPORT_TYPE_NAMES,
          `${field}.reportTypeWeights`,
          source,
        )
  ) as EpisodeConfig['reportTypeWeights'];
  config.infectiousnessWeights = (
    raw['infectiousnessWeights'] === undefined
      ? [0, 0, 0]
      : enumWeights(
          raw['infectiousnessWeights'],
          INFECTIOUSNESS_NAMES,
          `${field}.infectiousnessWeights`,
          source,
        )
  ) as EpisodeConfig['infectiousnessWeights'];
  const m = raw['minimumWindowScore'] ?? 0;
  if (typeof m !== 'number' || !Number.isFinite(m) || m < 0)
    throw new EpisodeConfigError(
      source,
      `${field}.minimumWindowScore: expected a number ≥ 0, got ${describeValue(m)}`,
    );
  config.minimumWindowScore = m;
  const d = raw['daysSinceExposureThreshold'] ?? 0;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 0)
    throw new EpisodeConfigError(
      source,
      `${field}.daysSinceExposureThreshold: expected an integer ≥ 0, got ${describeValue(d)}`,
    );
  config.daysSinceExposureThreshold = d;
}
