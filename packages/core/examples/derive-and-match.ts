import { bytesToHex, hexToBytes } from '@proxsense/core/bytes';
import { pureCryptoProvider as crypto } from '@proxsense/core/crypto';
import {
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  type GaenDiagnosisKey,
} from '@proxsense/core/ids';
import { matchDiagnosisKeys } from '@proxsense/core/matching';
import { formatSightingLine, parseSightingLine } from '@proxsense/core/sightings';

// A published diagnosis key (the GAEN v1.2 test vector TEK, valid for one day from interval 2642976).
const key: GaenDiagnosisKey = {
  scheme: 'gaen',
  keyData: hexToBytes('75c734c6dd1a782de7a965da5eb93125'),
  rollingStartIntervalNumber: 2642976,
  rollingPeriod: 144,
};

// The RPI that key's phone broadcast during its 4th 10-minute interval.
const rpi = rollingProximityIdentifiers(
  crypto,
  rollingProximityIdentifierKey(crypto, key.keyData),
  2642976 + 3,
  1,
);
console.log(bytesToHex(rpi)); // prints: dfc3ed265e97d0eabb630e168b4214ed

// What our phone logged, as a sightings JSONL line, and matching the published key against it.
const line = formatSightingLine({
  scheme: 'gaen',
  id: rpi,
  rssiDbm: -62,
  timeMs: 2642976 * 600_000 + 25 * 60_000,
});
const [match] = matchDiagnosisKeys([key], [parseSightingLine(line, 1)], { crypto });
console.log(`matched interval ${match?.interval} at ${match?.sighting.rssiDbm} dBm`); // prints: matched interval 2642979 at -62 dBm
