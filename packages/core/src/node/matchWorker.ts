/**
 * Worker side of {@link ParallelMatcher}: holds its own copy of the sightings index and matches the
 * key batches the main thread sends. Loaded only through `worker_threads`.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pureCryptoProvider } from '../crypto/pure.js';
import type { DiagnosisKey } from '../ids/diagnosisKey.js';
import { Matcher } from '../matching/match.js';
import type { Sighting } from '../sightings/sighting.js';
import { nodeCryptoProvider } from './cryptoProvider.js';
import { unpackKeys, type KeyBatchMessage, type MatchBatchResult, type MatchWorkerData } from './matchProtocol.js';

const data = workerData as MatchWorkerData;
const sightings: Sighting[] = data.sightings;
const position = new Map<Sighting, number>();
sightings.forEach((s, i) => position.set(s, i));
const matcher = new Matcher(sightings, { crypto: data.crypto === 'node' ? nodeCryptoProvider : pureCryptoProvider, decryptMetadata: data.decryptMetadata });

parentPort!.on('message', (message: KeyBatchMessage) => {
  const keys: DiagnosisKey[] = unpackKeys(message);
  const rows: number[] = [];
  keys.forEach((key, k) => {
    matcher.matchKey(key, (m) => rows.push(k, m.interval, position.get(m.sighting)!, m.decryptedTxPowerDbm ?? NaN, m.decryptedCalibrationConfidence ?? NaN));
  });
  const matches = Float64Array.from(rows);
  const result: MatchBatchResult = { batchId: message.batchId, matches, stats: { ...matcher.stats } };
  parentPort!.postMessage(result, [matches.buffer]);
});
