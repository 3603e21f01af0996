/**
 * The default CryptoProvider: pure TypeScript on @noble/hashes and @noble/ciphers, safe in browsers,
 * React Native and Node alike.
 * @module
 */
import { ctr, ecb } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { aes128EncryptBlock } from './aes128Block.js';
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
