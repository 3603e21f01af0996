/**
 * Messages between {@link ParallelMatcher} and its workers. GAEN keys travel packed in typed arrays
 * (transferred, not cloned): at ~10 µs of crypto a key, per-key cloning would be a visible cost.
 * @module
 */
import type { BluezoneDiagnosisKey, DiagnosisKey, GaenDiagnosisKey } from '../ids/diagnosisKey.js';
import type { MatchStats } from '../matching/match.js';
import type { Sighting } from '../sightings/sighting.js';

export interface MatchWorkerData {
  sightings: Sighting[];
  crypto: 'node' | 'pure';
  decryptMetadata: boolean;
}

export interface KeyBatchMessage {
  batchId: number;
  /** Number of keys in the batch, in order. */
  count: number;
  /** For GAEN keys: batch position, then packed fields. */
  gaenPosition: Int32Array;
  gaenKeyData: Uint8Array;
  gaenRollingStart: Int32Array;
  gaenRollingPeriod: Int32Array;
  /** Report type, −1 when absent: workers must skip RECURSIVE and REVOKED keys as the Matcher does. */
  gaenReportType: Int8Array;
  /** Other keys (Bluezone) as cloned objects with their batch position. */
  others: { position: number; key: BluezoneDiagnosisKey }[];
}

export interface MatchBatchResult {
  batchId: number;
  /** Rows of 5: key position in batch, interval, sighting index, decrypted TX power and calibration confidence (NaN if none). */
  matches: Float64Array;
  /** The worker's running totals. */
  stats: MatchStats;
}

/** Packs keys for a worker; returns the message and the buffers to transfer. */
export function packKeys(batchId: number, keys: readonly DiagnosisKey[]): { message: KeyBatchMessage; transfer: ArrayBuffer[] } {
  const gaen = keys.flatMap((key, position) => (key.scheme === 'gaen' ? [{ key, position }] : []));
  const message: KeyBatchMessage = {
    batchId,
    count: keys.length,
    gaenPosition: new Int32Array(gaen.length),
    gaenKeyData: new Uint8Array(gaen.length * 16),
    gaenRollingStart: new Int32Array(gaen.length),
    gaenRollingPeriod: new Int32Array(gaen.length),
    gaenReportType: new Int8Array(gaen.length),
    others: keys.flatMap((key, position) => (key.scheme === 'bluezone' ? [{ position, key }] : [])),
  };
  gaen.forEach(({ key, position }, i) => {
    const k = key as GaenDiagnosisKey;
    message.gaenPosition[i] = position;
    message.gaenKeyData.set(k.keyData, i * 16);
    message.gaenRollingStart[i] = k.rollingStartIntervalNumber;
    message.gaenRollingPeriod[i] = k.rollingPeriod;
    message.gaenReportType[i] = k.reportType ?? -1;
  });
  const transfer = [message.gaenPosition.buffer, message.gaenKeyData.buffer, message.gaenRollingStart.buffer, message.gaenRollingPeriod.buffer, message.gaenReportType.buffer] as ArrayBuffer[];
  return { message, transfer };
}

/** The keys of a batch, in batch order (GAEN risk fields other than the report type stay behind). */
export function unpackKeys(message: KeyBatchMessage): DiagnosisKey[] {
  const keys: DiagnosisKey[] = new Array(message.count);
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
  for (const { position, key } of message.others) keys[position] = key;
  return keys;
}
