/**
 * The default CryptoProvider: pure TypeScript on @noble/hashes and @noble/ciphers, safe in browsers,
 * React Native and Node alike.
 * @module
 */
import { ctr, ecb, unsafe } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CryptoProvider } from './provider.js';
import { fitsShortHkdf, shortHkdfSha256 } from './shortHkdf.js';
import { SHORT_SHA256_MAX_BYTES, shortSha256 } from './shortSha256.js';

/** HKDF that takes the single-block fast path when it applies and @noble/hashes otherwise. */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if ((salt === undefined || salt.length === 0) && fitsShortHkdf(ikm.length, info.length, length))
    return shortHkdfSha256(ikm, info, length);
  return hkdf(sha256, ikm, salt, info, length);
}

/**
 * One AES-128 block (a phone's RPI at a rotation, the keystream of its 4-byte AEM) on @noble/ciphers'
 * own key expansion and round function, without its mode wrapper: the wrapper's validation, views and
 * cipher object were half of the 2.3 µs a block took (1.0 µs expansion, 0.24 µs rounds). The words are
 * read little-endian, as the library's own modes read them on every platform.
 */
function aes128EncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const xk = unsafe.expandKeyLE(key);
  const { s0, s1, s2, s3 } = unsafe.encrypt(
    xk,
    le32(block, 0),
    le32(block, 4),
    le32(block, 8),
    le32(block, 12),
  );
  // Wiped as the library's modes wipe theirs.
  xk.fill(0);
  const out = new Uint8Array(16);
  putLe32(out, 0, s0);
  putLe32(out, 4, s1);
  putLe32(out, 8, s2);
  putLe32(out, 12, s3);
  return out;
}

function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function putLe32(b: Uint8Array, at: number, word: number): void {
  b[at] = word;
  b[at + 1] = word >>> 8;
  b[at + 2] = word >>> 16;
  b[at + 3] = word >>> 24;
}

/** Pure-TS provider (the default everywhere). */
export const pureCryptoProvider: CryptoProvider = {
  name: 'pure-ts',
  sha256: (data) => (data.length <= SHORT_SHA256_MAX_BYTES ? shortSha256(data) : sha256(data)),
  hkdfSha256,
  aes128EcbEncrypt: (key, blocks) =>
    key.length === 16 && blocks.length === 16
      ? aes128EncryptBlock(key, blocks)
      : ecb(key, { disablePadding: true }).encrypt(blocks),
  aes128Ctr: (key, iv, data) => ctr(key, iv).encrypt(data),
};
