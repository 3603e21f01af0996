/**
 * Node adapters for the CryptoProvider and Random ports, on node:crypto.
 * @module
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { hkdfSha256, pureCryptoProvider } from '../crypto/pure.js';
import { SHORT_SHA256_MAX_BYTES } from '../crypto/shortSha256.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { Random } from '../ports/random.js';

function asUint8(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Up to this many bytes, one AES call runs on core's pure-TS AES (see {@link nodeCryptoProvider}). */
export const SMALL_AES_BYTES = 16;

/**
 * CryptoProvider on node:crypto (OpenSSL, AES-NI where the CPU has it) for bulk work (matching derives
 * 144 RPIs a key in one call). A single block (a phone's RPI at each rotation, its 4-byte AEM) runs on
 * core's pure-TS AES instead: setting up an OpenSSL cipher costs ~8 µs, three times a pure-TS block.
 * Same bytes either way. HKDF stays on core's single-block path: node's hkdfSync measured ~18 µs a
 * call here, three times the AES work of a key. So does SHA-256 of one block (a Bluezone sub-key): with
 * a native hash context per call, freed only when a GC collects its wrapper, memory outside the JS
 * heap rose by 30 MiB at the last ID rotation of a 30 k-phone Bluezone crowd (82 MiB against 56).
 */
export const nodeCryptoProvider: CryptoProvider = {
  name: 'node',
  sha256: (data) =>
    data.length <= SHORT_SHA256_MAX_BYTES
      ? pureCryptoProvider.sha256(data)
      : asUint8(createHash('sha256').update(data).digest()),
  hkdfSha256,
  aes128EcbEncrypt(key, blocks) {
    if (blocks.length <= SMALL_AES_BYTES) return pureCryptoProvider.aes128EcbEncrypt(key, blocks);
    const cipher = createCipheriv('aes-128-ecb', key, null);
    cipher.setAutoPadding(false);
    return asUint8(cipher.update(blocks));
  },
  aes128Ctr(key, iv, data) {
    if (data.length <= SMALL_AES_BYTES) {
      // One counter block: the keystream is E(key, iv) itself.
      const stream = pureCryptoProvider.aes128EcbEncrypt(key, iv);
      const out = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ stream[i]!;
      return out;
    }
    const cipher = createCipheriv('aes-128-ctr', key, iv);
    return asUint8(Buffer.concat([cipher.update(data), cipher.final()]));
  },
};

/** Random port on node:crypto's CSPRNG. */
export const nodeRandom: Random = {
  randomBytes: (length) => asUint8(randomBytes(length)),
};
