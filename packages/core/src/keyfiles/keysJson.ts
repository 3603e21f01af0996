/**
 * JSON forms of diagnosis keys: GAEN keys JSON (the export's fields, key data in hex or base64) and the
 * Bluezone app's F0 trace data (`{"data": [{daily_key, time_start, max, time_end}]}`).
 * @module
 */
import { base64 } from '@scure/base';
import { bytesToHex, describeValue, hexToBytes } from '../bytes/index.js';
import { assertEraInterval, assertEraTimeS } from '../era.js';
import { InputError } from '../errors.js';
import { BLUEZONE_DAILY_KEY_BYTES, assertIdsPerDay } from '../ids/bluezone/keySchedule.js';
import type { BluezoneDiagnosisKey, GaenDiagnosisKey } from '../ids/diagnosisKey.js';
import { EN_INTERVAL_S, TEK_BYTES, TEK_ROLLING_PERIOD } from '../ids/gaen/constants.js';
import { KeyFileError } from './errors.js';
import type { GaenKeyExport } from './gaenExport.js';

type Json = Record<string, unknown>;

/** Reads a GAEN key's `keyData`: 32 hex digits or 24-character base64 (as key servers publish it). */
function parseKeyData(value: unknown, field: string): Uint8Array {
  if (typeof value === 'string' && value.length === 24 && !/^[0-9a-fA-F]+$/.test(value)) {
    let bytes: Uint8Array;
    try {
      bytes = base64.decode(value);
    } catch {
      throw new InputError(
        field,
        '16 bytes as 32 hex digits or 24 base64 characters',
        describeValue(value),
      );
    }
    if (bytes.length === TEK_BYTES) return bytes;
  }
  if (typeof value === 'string' && value.length !== TEK_BYTES * 2)
    throw new InputError(
      field,
      '16 bytes as 32 hex digits or 24 base64 characters',
      describeValue(value),
    );
  return hexToBytes(value, field, TEK_BYTES);
}

function integerField(
  o: Json,
  field: string,
  where: string,
  { min, max, fallback }: { min: number; max: number; fallback?: number },
): number {
  const value = o[field];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InputError(`${where}.${field}`, `an integer ${min}..${max}`, describeValue(value));
  return value;
}

function optionalInteger(
  o: Json,
  field: string,
  where: string,
  min: number,
  max: number,
): number | undefined {
  return o[field] === undefined ? undefined : integerField(o, field, where, { min, max });
}

/** Parses one GAEN key object. @throws InputError naming the field. */
export function gaenKeyFromJson(raw: unknown, where: string): GaenDiagnosisKey {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InputError(where, 'a key object', describeValue(raw));
  const o = raw as Json;
  const key: GaenDiagnosisKey = {
    scheme: 'gaen',
    keyData: parseKeyData(o['keyData'], `${where}.keyData`),
    rollingStartIntervalNumber: assertEraInterval(
      o['rollingStartIntervalNumber'],
      `${where}.rollingStartIntervalNumber`,
    ),
    rollingPeriod: integerField(o, 'rollingPeriod', where, {
      min: 1,
      max: TEK_ROLLING_PERIOD,
      fallback: TEK_ROLLING_PERIOD,
    }),
  };
  const trl = optionalInteger(o, 'transmissionRiskLevel', where, 0, 8);
  if (trl !== undefined) key.transmissionRiskLevel = trl;
  const reportType = optionalInteger(o, 'reportType', where, 0, 5);
  if (reportType !== undefined) key.reportType = reportType;
  const dso = optionalInteger(o, 'daysSinceOnsetOfSymptoms', where, -14, 14);
  if (dso !== undefined) key.daysSinceOnsetOfSymptoms = dso;
  return key;
}

/**
 * Parses GAEN keys JSON: either an array of keys or an object with `keys` (and optionally `revisedKeys`,
 * `region`, `startTimestamp`, `endTimestamp`, `batchNum`, `batchSize`). Missing timestamps are taken
 * from the keys' own span.
 */
export function gaenExportFromJson(raw: unknown, source: string): GaenKeyExport {
  try {
    const o: Json = Array.isArray(raw) ? { keys: raw } : (raw as Json);
    if (typeof o !== 'object' || o === null)
      throw new InputError(
        '(top level)',
        'an array of keys or an object with "keys"',
        describeValue(raw),
      );
    if (!Array.isArray(o['keys']))
      throw new InputError('keys', 'an array of key objects', describeValue(o['keys']));
    const keys = (o['keys'] as unknown[]).map((k, i) => gaenKeyFromJson(k, `keys[${i}]`));
    const revisedRaw = o['revisedKeys'] ?? [];
    if (!Array.isArray(revisedRaw))
      throw new InputError('revisedKeys', 'an array of key objects', describeValue(revisedRaw));
    const revisedKeys = revisedRaw.map((k, i) => gaenKeyFromJson(k, `revisedKeys[${i}]`));
    // An export without keys has no span to date it; one given by mistake would pass for a 1970 batch.
    if (keys.length + revisedKeys.length === 0)
      throw new InputError('keys', 'at least one key object', 'an empty array');
    // A loop, not Math.min(...keys): exports hold hundreds of thousands of keys, past the argument limit.
    let firstInterval = Infinity;
    let endInterval = -Infinity;
    for (const k of [keys, revisedKeys].flat()) {
      firstInterval = Math.min(firstInterval, k.rollingStartIntervalNumber);
      endInterval = Math.max(endInterval, k.rollingStartIntervalNumber + k.rollingPeriod);
    }
    const startTimestamp =
      o['startTimestamp'] === undefined
        ? firstInterval * EN_INTERVAL_S
        : assertEraTimeS(o['startTimestamp'], 'startTimestamp');
    const endTimestamp =
      o['endTimestamp'] === undefined
        ? endInterval * EN_INTERVAL_S
        : assertEraTimeS(o['endTimestamp'], 'endTimestamp');
    if (startTimestamp > endTimestamp)
      throw new InputError(
        'endTimestamp',
        `a time (Unix seconds) not before startTimestamp ${startTimestamp}`,
        String(endTimestamp),
      );
    const region = o['region'] ?? '';
    if (typeof region !== 'string')
      throw new InputError('region', 'a string such as "US" or "VN"', describeValue(region));
    return {
      startTimestamp,
      endTimestamp,
      region,
      batchNum: integerField(o, 'batchNum', '(top level)', {
        min: 1,
        max: 0x7fffffff,
        fallback: 1,
      }),
      batchSize: integerField(o, 'batchSize', '(top level)', {
        min: 1,
        max: 0x7fffffff,
        fallback: 1,
      }),
      signatureInfos: [],
      keys,
      revisedKeys,
    };
  } catch (error) {
    if (error instanceof InputError) throw new KeyFileError(source, error.message);
    throw error;
  }
}

/** The JSON form of a GAEN key (key data in hex), the inverse of {@link gaenKeyFromJson}. */
export function gaenKeyToJson(key: GaenDiagnosisKey): Json {
  const o: Json = {
    keyData: bytesToHex(key.keyData),
    rollingStartIntervalNumber: key.rollingStartIntervalNumber,
    rollingPeriod: key.rollingPeriod,
  };
  if (key.transmissionRiskLevel !== undefined)
    o['transmissionRiskLevel'] = key.transmissionRiskLevel;
  if (key.reportType !== undefined) o['reportType'] = key.reportType;
  if (key.daysSinceOnsetOfSymptoms !== undefined)
    o['daysSinceOnsetOfSymptoms'] = key.daysSinceOnsetOfSymptoms;
  return o;
}

/** The JSON form of an export (what `keys inspect --json` prints and `keys export --in` reads). */
export function gaenExportToJson(e: GaenKeyExport): Json {
  return {
    region: e.region,
    startTimestamp: e.startTimestamp,
    endTimestamp: e.endTimestamp,
    batchNum: e.batchNum,
    batchSize: e.batchSize,
    signatureInfos: e.signatureInfos,
    keys: e.keys.map(gaenKeyToJson),
    revisedKeys: e.revisedKeys.map(gaenKeyToJson),
  };
}

/** The Bluezone app's F0 field names (BluezoneGlobal app) and the older names proxsense first read. */
const F0_FIELDS = {
  dailyKey: 'daily_key',
  timeDk: 'time_start',
  maxRoll: 'max',
  timeTe: 'time_end',
} as const;

/**
 * Parses Bluezone F0 trace data as the Bluezone app exchanges it: `{"data": [{"daily_key", "time_start",
 * "max", "time_end"}]}` (times in Unix seconds, `max` = IDs per day), or a bare array of such entries.
 * Entries with the older names `{dailyKey, timeDk, maxRoll, timeTe}` are still read; each file that uses
 * them adds one line to `notes` (the CLI prints it on stderr).
 */
export function bluezoneKeysFromJson(
  raw: unknown,
  source: string,
  notes?: string[],
): BluezoneDiagnosisKey[] {
  try {
    const list = Array.isArray(raw) ? raw : (raw as Json | null)?.['data'];
    if (!Array.isArray(list))
      throw new InputError(
        '(top level)',
        '{"data": [{daily_key, time_start, max, time_end}, ...]} or an array of such entries',
        describeValue(raw),
      );
    let oldNames = false;
    const keys = list.map((entry, i) => {
      const where = Array.isArray(raw) ? `[${i}]` : `data[${i}]`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        throw new InputError(
          where,
          'an object {daily_key, time_start, max, time_end}',
          describeValue(entry),
        );
      const o = entry as Json;
      const old = !(F0_FIELDS.dailyKey in o) && 'dailyKey' in o;
      oldNames ||= old;
      const name = (field: keyof typeof F0_FIELDS) => (old ? field : F0_FIELDS[field]);
      const dailyKey = hexToBytes(
        o[name('dailyKey')],
        `${where}.${name('dailyKey')}`,
        BLUEZONE_DAILY_KEY_BYTES,
      );
      const timeDkS = assertEraTimeS(o[name('timeDk')], `${where}.${name('timeDk')}`);
      const maxRoll = integerField(o, name('maxRoll'), where, { min: 1, max: 1440 });
      assertIdsPerDay(maxRoll, `${where}.${name('maxRoll')}`);
      const timeTeS = assertEraTimeS(o[name('timeTe')], `${where}.${name('timeTe')}`);
      if (timeTeS < timeDkS)
        throw new InputError(
          `${where}.${name('timeTe')}`,
          `a time (Unix seconds) not before ${name('timeDk')} ${timeDkS}`,
          String(timeTeS),
        );
      return { scheme: 'bluezone' as const, dailyKey, timeDkS, maxRoll, timeTeS };
    });
    if (oldNames)
      notes?.push(
        `${source}: read Bluezone F0 entries with the old field names {dailyKey, timeDk, maxRoll, timeTe}; the Bluezone app writes {"data": [{daily_key, time_start, max, time_end}]}`,
      );
    return keys;
  } catch (error) {
    if (error instanceof InputError) throw new KeyFileError(source, error.message);
    throw error;
  }
}

/** Bluezone keys as the app's F0 entries (wrap them as `{"data": [...]}` for an F0 file). */
export function bluezoneKeysToJson(keys: BluezoneDiagnosisKey[]): Json[] {
  return keys.map((k) => ({
    daily_key: bytesToHex(k.dailyKey),
    time_start: k.timeDkS,
    max: k.maxRoll,
    time_end: k.timeTeS,
  }));
}
