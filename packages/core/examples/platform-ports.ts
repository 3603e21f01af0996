import { pureCryptoProvider, type CryptoProvider } from '@proxsense/core/crypto';
import { generateTemporaryExposureKey, rollingProximityIdentifierKey } from '@proxsense/core/ids';
import type { Random } from '@proxsense/core/ports';

// Browsers, React Native (after `import 'react-native-get-random-values'`), Deno, Bun and Node 20+:
// the platform CSPRNG as core's Random port, and the pure-TypeScript AES/HKDF as its CryptoProvider.
const random: Random = {
  randomBytes: (length) => globalThis.crypto.getRandomValues(new Uint8Array(length)),
};
const crypto: CryptoProvider = pureCryptoProvider;

// A new day's Temporary Exposure Key, and the key its rotating IDs are derived from.
const tek = generateTemporaryExposureKey(random, Date.UTC(2020, 6, 20, 9, 30) / 1000);
const rpik = rollingProximityIdentifierKey(crypto, tek.keyData);
console.log(
  `TEK of ${tek.keyData.length} bytes from interval ${tek.rollingStartIntervalNumber}, RPIK of ${rpik.length} bytes`,
); // prints: TEK of 16 bytes from interval 2658672, RPIK of 16 bytes
