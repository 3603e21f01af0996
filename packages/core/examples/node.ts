import { hexToBytes } from '@proxsense/core/bytes';
import {
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  type GaenDiagnosisKey,
} from '@proxsense/core/ids';
import { matchInParallel, nodeCryptoProvider as crypto, nodeRandom } from '@proxsense/core/node';

// Node only: node:crypto's AES (faster than the pure provider), a CSPRNG Random, matching on worker threads.
console.log(nodeRandom.randomBytes(16).length); // prints: 16
const key: GaenDiagnosisKey = {
  scheme: 'gaen',
  keyData: hexToBytes('75c734c6dd1a782de7a965da5eb93125'),
  rollingStartIntervalNumber: 2642976,
  rollingPeriod: 144,
};
const rpi = rollingProximityIdentifiers(
  crypto,
  rollingProximityIdentifierKey(crypto, key.keyData),
  2642979,
  1,
);
const stats = await matchInParallel(
  [key],
  [{ scheme: 'gaen', id: rpi, rssiDbm: -62, timeMs: 2642979 * 600_000 }],
  (m) => console.log(`match in interval ${m.interval}`),
  { threads: 2 },
);
console.log(`${stats.keys} key(s), ${stats.matches} match(es)`);
// prints: match in interval 2642979
// prints: 1 key(s), 1 match(es)
