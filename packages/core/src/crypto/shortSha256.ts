/**
 * SHA-256 of a message that fits one block (at most 55 bytes), without allocating: a Bluezone phone
 * hashes its 32-byte sub-key at every rotation, and a crowd rotates all at once. @noble/hashes takes
 * ~2.5 µs for that on its hash object and views, node:crypto as long with a native context per call
 * that only a GC frees; one compression is a fraction of either. Checked against both by a property test.
 * @module
 */
import { compress, IV, W } from './sha256Block.js';

/** Longest message {@link shortSha256} takes: one block less the 0x80 byte and the 8-byte length. */
export const SHORT_SHA256_MAX_BYTES = 55;

const state = /* @__PURE__ */ new Int32Array(8);

/**
 * SHA-256 of `msg` (at most {@link SHORT_SHA256_MAX_BYTES} bytes) into `out` at `offset` (32 bytes; a
 * new array when omitted). Not reentrant across threads; JS has none sharing it.
 */
export function shortSha256(msg: Uint8Array, out = new Uint8Array(32), offset = 0): Uint8Array {
  const length = msg.length;
  if (length > SHORT_SHA256_MAX_BYTES)
    throw new RangeError(
      `shortSha256: ${length} bytes is longer than one block holds (${SHORT_SHA256_MAX_BYTES})`,
    );
  W.fill(0, 0, 16);
  for (let i = 0; i < length; i++) W[i >> 2]! |= msg[i]! << (24 - 8 * (i & 3));
  W[length >> 2]! |= 0x80 << (24 - 8 * (length & 3));
  W[15] = length * 8;
  state.set(IV);
  compress(state);
  for (let i = 0; i < 32; i++) out[offset + i] = (state[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
  return out;
}
