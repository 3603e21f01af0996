/**
 * GAEN key schedule (Exposure Notification cryptography specification v1.2): TEK → RPIK → RPI and
 * TEK → AEMK → AEM. Bytes in, bytes out; the CryptoProvider is passed in.
 * @module
 */
import { assertBytes, utf8 } from '../../bytes/index.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { InputError } from '../../errors.js';
import type { Random } from '../../ports/random.js';
import { AEM_BYTES, EN_INTERVAL_S, RPI_BYTES, TEK_BYTES, TEK_ROLLING_PERIOD } from './constants.js';

const RPIK_INFO = /* @__PURE__ */ utf8('EN-RPIK');
const AEMK_INFO = /* @__PURE__ */ utf8('EN-AEMK');
const RPI_PREFIX = /* @__PURE__ */ utf8('EN-RPI');

/** A Temporary Exposure Key with its validity, as the spec and the key export name its fields. */
export interface TemporaryExposureKey {
  /** 16 random bytes. */
  keyData: Uint8Array;
  /** First ENIntervalNumber the key is valid for (a multiple of 144 for keys made by the schedule). */
  rollingStartIntervalNumber: number;
  /** Number of intervals the key covers, 1..144. */
  rollingPeriod: number;
}

/** ENIntervalNumber of a Unix time in seconds: floor(t / 600). */
export function enIntervalNumber(unixTimeS: number): number {
  return Math.floor(unixTimeS / EN_INTERVAL_S);
}

/** First interval of the TEK rolling period containing `intervalNumber` (a multiple of 144). */
export function rollingStartIntervalNumber(intervalNumber: number): number {
  return Math.floor(intervalNumber / TEK_ROLLING_PERIOD) * TEK_ROLLING_PERIOD;
}

/**
 * Makes a new TEK valid from the start of the rolling period containing `unixTimeS` for a full day.
 * The randomness comes from the host's Random port.
 */
export function generateTemporaryExposureKey(
  random: Random,
  unixTimeS: number,
): TemporaryExposureKey {
  const keyData = random.randomBytes(TEK_BYTES);
  assertBytes(keyData, 'random.randomBytes(16)', TEK_BYTES);
  return {
    keyData,
    rollingStartIntervalNumber: rollingStartIntervalNumber(enIntervalNumber(unixTimeS)),
    rollingPeriod: TEK_ROLLING_PERIOD,
  };
}

/** RPIK = HKDF-SHA256(TEK, salt = none, info = "EN-RPIK", 16). */
export function rollingProximityIdentifierKey(crypto: CryptoProvider, tek: Uint8Array): Uint8Array {
  assertBytes(tek, 'tek', TEK_BYTES);
  return crypto.hkdfSha256(tek, undefined, RPIK_INFO, 16);
}

/** AEMK = HKDF-SHA256(TEK, salt = none, info = "EN-AEMK", 16). */
export function associatedEncryptedMetadataKey(
  crypto: CryptoProvider,
  tek: Uint8Array,
): Uint8Array {
  assertBytes(tek, 'tek', TEK_BYTES);
  return crypto.hkdfSha256(tek, undefined, AEMK_INFO, 16);
}

/**
 * Writes the RPI padded data of `count` consecutive intervals from `firstInterval` into `out`:
 * "EN-RPI" ‖ 6 zero bytes ‖ ENIntervalNumber as uint32 little-endian, 16 bytes each.
 */
export function writeRpiPaddedData(
  firstInterval: number,
  count: number,
  out = new Uint8Array(count * RPI_BYTES),
): Uint8Array {
  assertInterval(firstInterval, 'firstInterval');
  for (let i = 0; i < count; i++) {
    const at = i * RPI_BYTES;
    out.set(RPI_PREFIX, at);
    out.fill(0, at + 6, at + 12);
    const interval = (firstInterval + i) >>> 0;
    out[at + 12] = interval & 0xff;
    out[at + 13] = (interval >>> 8) & 0xff;
    out[at + 14] = (interval >>> 16) & 0xff;
    out[at + 15] = (interval >>> 24) & 0xff;
  }
  return out;
}

/** RPI(i) = AES-128-ECB(RPIK, PaddedData(i)). */
export function rollingProximityIdentifier(
  crypto: CryptoProvider,
  rpik: Uint8Array,
  intervalNumber: number,
): Uint8Array {
  assertBytes(rpik, 'rpik', 16);
  return crypto.aes128EcbEncrypt(rpik, writeRpiPaddedData(intervalNumber, 1));
}

/** The RPIs of `count` consecutive intervals, concatenated (16 bytes each), in one AES call. */
export function rollingProximityIdentifiers(
  crypto: CryptoProvider,
  rpik: Uint8Array,
  firstInterval: number,
  count: number,
): Uint8Array {
  assertBytes(rpik, 'rpik', 16);
  return crypto.aes128EcbEncrypt(rpik, writeRpiPaddedData(firstInterval, count));
}

/** AEM = AES-128-CTR(AEMK, IV = RPI, metadata). Decryption is the same operation. */
export function associatedEncryptedMetadata(
  crypto: CryptoProvider,
  aemk: Uint8Array,
  rpi: Uint8Array,
  metadata: Uint8Array,
): Uint8Array {
  assertBytes(aemk, 'aemk', 16);
  assertBytes(rpi, 'rpi', RPI_BYTES);
  assertBytes(metadata, 'metadata', AEM_BYTES);
  return crypto.aes128Ctr(aemk, rpi, metadata);
}

function assertInterval(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new InputError(field, 'an ENIntervalNumber (integer 0..2^32-1)', String(value));
}
