/**
 * Worker side of {@link matchInParallel}: probes the sightings index the main thread shares (views on
 * the same SharedArrayBuffers, no copy) and matches the key batches it is sent. Loaded only through
 * `worker_threads`.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pureCryptoProvider } from '../crypto/pure.js';
import { Matcher } from '../matching/match.js';
import { SightingIndex } from '../matching/sightingIndex.js';
import { nodeCryptoProvider } from './cryptoProvider.js';
import {
  unpackKeys,
  type KeyBatchMessage,
  type MatchBatchResult,
  type MatchWorkerData,
} from './matchProtocol.js';

const data = workerData as MatchWorkerData;
const indexes = {
  gaen: SightingIndex.fromParts(data.indexes.gaen),
  bluezone: SightingIndex.fromParts(data.indexes.bluezone),
};
const matcher = new Matcher(indexes, {
  crypto: data.crypto === 'node' ? nodeCryptoProvider : pureCryptoProvider,
  decryptMetadata: data.decryptMetadata,
});

parentPort!.on('message', (message: KeyBatchMessage) => {
  const keys = unpackKeys(message);
  const rows: number[] = [];
  for (let k = 0; k < keys.length; k++) {
    matcher.matchKeyPositions(keys[k]!, (interval, sourceIndex, txPowerDbm, confidence) =>
      rows.push(k, interval, sourceIndex, txPowerDbm, confidence),
    );
  }
  const matches = Float64Array.from(rows);
  const result: MatchBatchResult = {
    batchId: message.batchId,
    matches,
    stats: { ...matcher.stats },
  };
  parentPort!.postMessage(result, [matches.buffer]);
});
