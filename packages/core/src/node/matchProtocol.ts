/**
 * Messages between {@link matchInParallel} and its workers. The sightings index travels once, as parts
 * on SharedArrayBuffers that every worker reads in place; keys travel packed in typed arrays
 * (transferred, not cloned): at ~10 µs of crypto a key, per-key cloning would be a visible cost.
 * @module
 */
import type { BluezoneDiagnosisKey, DiagnosisKey, GaenDiagnosisKey } from '../ids/diagnosisKey.js';
import type { MatchStats } from '../matching/match.js';
import type { SightingIndexParts } from '../matching/sightingIndex.js';

export interface MatchWorkerData {
  /** One shared index per scheme: the worker rebuilds views on the same memory, never a copy. */
  indexes: { gaen: SightingIndexParts; bluezone: SightingIndexParts };
  crypto: 'node' | 'pure';
  decryptMetadata: boolean;
}

/** A batch of keys, in typed arrays. Only the fields matching reads travel; results name keys by position. */
export interface KeyBatchMessage {
  batchId: number;
  /** Number of keys in the batch, in order. */
  count: number;
  /** GAEN keys: batch position, then packed fields. */
  gaenPosition: Int32Array;
  gaenKeyData: Uint8Array;
  gaenRollingStart: Int32Array;
  gaenRollingPeriod: Int32Array;
  /** Report type, −1 when absent: workers must skip RECURSIVE and REVOKED keys as the Matcher does. */
  gaenReportType: Int8Array;
  /** Bluezone keys: batch position, 32-byte daily keys, day start and end (Unix s), IDs per day. */
  bluezonePosition: Int32Array;
  bluezoneDailyKey: Uint8Array;
  bluezoneTimeDkS: Float64Array;
  bluezoneTimeTeS: Float64Array;
  bluezoneMaxRoll: Int32Array;
}

export interface MatchBatchResult {
  batchId: number;
  /** Rows of 5: key position in batch, interval, sighting index, decrypted TX power and calibration confidence (NaN if none). */
  matches: Float64Array;
  /** The worker's running totals. */
  stats: MatchStats;
}

/** Packs keys for a worker; returns the message and the buffers to transfer. */
export function packKeys(
  batchId: number,
  keys: readonly DiagnosisKey[],
): { message: KeyBatchMessage; transfer: ArrayBuffer[] } {
  let gaen = 0;
  for (const key of keys) if (key.scheme === 'gaen') gaen++;
  const bluezone = keys.length - gaen;
  const message: KeyBatchMessage = {
    batchId,
    count: keys.length,
    gaenPosition: new Int32Array(gaen),
    gaenKeyData: new Uint8Array(gaen * 16),
    gaenRollingStart: new Int32Array(gaen),
    gaenRollingPeriod: new Int32Array(gaen),
    gaenReportType: new Int8Array(gaen),
    bluezonePosition: new Int32Array(bluezone),
    bluezoneDailyKey: new Uint8Array(bluezone * 32),
    bluezoneTimeDkS: new Float64Array(bluezone),
    bluezoneTimeTeS: new Float64Array(bluezone),
    bluezoneMaxRoll: new Int32Array(bluezone),
  };
  let g = 0;
  let b = 0;
  keys.forEach((key, position) => {
    if (key.scheme === 'gaen') {
      message.gaenPosition[g] = position;
      message.gaenKeyData.set(key.keyData, g * 16);
      message.gaenRollingStart[g] = key.rollingStartIntervalNumber;
      message.gaenRollingPeriod[g] = key.rollingPeriod;
      message.gaenReportType[g] = key.reportType ?? -1;
      g++;
    } else {
      message.bluezonePosition[b] = position;
      message.bluezoneDailyKey.set(key.dailyKey, b * 32);
      message.bluezoneTimeDkS[b] = key.timeDkS;
      message.bluezoneTimeTeS[b] = key.timeTeS;
      message.bluezoneMaxRoll[b] = key.maxRoll;
      b++;
    }
  });
  const transfer = [
    message.gaenPosition,
    message.gaenKeyData,
    message.gaenRollingStart,
    message.gaenRollingPeriod,
    message.gaenReportType,
    message.bluezonePosition,
    message.bluezoneDailyKey,
    message.bluezoneTimeDkS,
    message.bluezoneTimeTeS,
    message.bluezoneMaxRoll,
  ].map((a) => a.buffer as ArrayBuffer);
  return { message, transfer };
}

/** The keys of a batch, in batch order (GAEN risk fields other than the report type stay behind). */
export function unpackKeys(message: KeyBatchMessage): DiagnosisKey[] {
  const keys = new Array<DiagnosisKey>(message.count);
  for (let i = 0; i < message.gaenPosition.length; i++) {
    const key: GaenDiagnosisKey = {
      scheme: 'gaen',
      keyData: message.gaenKeyData.subarray(i * 16, i * 16 + 16),
      rollingStartIntervalNumber: message.gaenRollingStart[i]!,
      rollingPeriod: message.gaenRollingPeriod[i]!,
    };
    if (message.gaenReportType[i]! >= 0) key.reportType = message.gaenReportType[i]!;
    keys[message.gaenPosition[i]!] = key;
  }
  for (let i = 0; i < message.bluezonePosition.length; i++) {
    const key: BluezoneDiagnosisKey = {
      scheme: 'bluezone',
      dailyKey: message.bluezoneDailyKey.subarray(i * 32, i * 32 + 32),
      timeDkS: message.bluezoneTimeDkS[i]!,
      timeTeS: message.bluezoneTimeTeS[i]!,
      maxRoll: message.bluezoneMaxRoll[i]!,
    };
    keys[message.bluezonePosition[i]!] = key;
  }
  return keys;
}
