/**
 * HKDF-SHA256 specialised for the shapes GAEN uses on its hot path: no salt, a key of at most 55 bytes,
 * an info string of at most 54 bytes and an output of at most 32 bytes (one expand block).
 *
 * Why it exists: deriving the RPIK is 6 SHA-256 compressions, yet general HKDF implementations spend
 * ~18 µs a key on allocation and padding (measured here for both @noble/hashes and node:crypto's
 * hkdfSync), which caps matching at ~50 k keys/s before any AES runs. This version precomputes the
 * zero-salt HMAC pads once and runs the remaining 4 compressions on preallocated words. It is checked
 * against @noble/hashes' general HKDF by a property test and against the GAEN vectors.
 * @module
 */

import { compress, IV, W } from './sha256Block.js';

/** Loads a 64-byte HMAC pad block (key XOR pad byte) into W and compresses it into a fresh state. */
function padState(
  key: Uint8Array | Int32Array,
  keyIsWords: boolean,
  padByte: number,
  out: Int32Array,
): void {
  const padWord = padByte * 0x01010101;
  for (let i = 0; i < 16; i++) {
    let word = 0;
    if (keyIsWords) {
      word = i < key.length ? (key[i] as number) : 0;
    } else {
      for (let j = 0; j < 4; j++) {
        const idx = i * 4 + j;
        word = (word << 8) | (idx < key.length ? (key as Uint8Array)[idx]! : 0);
      }
    }
    W[i] = word ^ padWord;
  }
  out.set(IV);
  compress(out);
}

/**
 * Finishes a hash whose first 64 bytes are already in `state` with a final block holding `msg`
 * (bytes, at most 55) followed by `suffixByte` when ≥ 0.
 */
function finishBytes(state: Int32Array, msg: Uint8Array, suffixByte: number): void {
  const msgLength = msg.length + (suffixByte >= 0 ? 1 : 0);
  W.fill(0, 0, 16);
  for (let i = 0; i < msg.length; i++) W[i >> 2]! |= msg[i]! << (24 - 8 * (i & 3));
  if (suffixByte >= 0) W[msg.length >> 2]! |= suffixByte << (24 - 8 * (msg.length & 3));
  W[msgLength >> 2]! |= 0x80 << (24 - 8 * (msgLength & 3));
  W[15] = (64 + msgLength) * 8;
  compress(state);
}

/** Finishes a hash whose first 64 bytes are in `state` with a 32-byte message given as 8 words. */
function finishWords(state: Int32Array, words: Int32Array): void {
  for (let i = 0; i < 8; i++) W[i] = words[i]!;
  W[8] = 0x80000000 | 0;
  W.fill(0, 9, 15);
  W[15] = (64 + 32) * 8;
  compress(state);
}

// HMAC states of the empty salt, computed once; pure-annotated so bundles that never call HKDF drop them.
const zeroSaltInner = /* @__PURE__ */ zeroSaltState(0x36);
const zeroSaltOuter = /* @__PURE__ */ zeroSaltState(0x5c);
function zeroSaltState(padByte: number): Int32Array {
  const state = new Int32Array(8);
  padState(new Uint8Array(0), false, padByte, state);
  return state;
}

const inner = /* @__PURE__ */ new Int32Array(8);
const outer = /* @__PURE__ */ new Int32Array(8);
const prk = /* @__PURE__ */ new Int32Array(8);

/** Largest inputs the single-block path accepts. */
export const SHORT_HKDF_LIMITS = { ikmBytes: 55, infoBytes: 54, outputBytes: 32 } as const;

/** True when {@link shortHkdfSha256} can handle these sizes. */
export function fitsShortHkdf(
  ikmLength: number,
  infoLength: number,
  outputLength: number,
): boolean {
  return (
    ikmLength <= SHORT_HKDF_LIMITS.ikmBytes &&
    infoLength <= SHORT_HKDF_LIMITS.infoBytes &&
    outputLength <= SHORT_HKDF_LIMITS.outputBytes &&
    outputLength >= 0
  );
}

/**
 * HKDF-SHA256 with no salt for short inputs (see {@link SHORT_HKDF_LIMITS}); writes `length` bytes into
 * `out` at `offset` (a new array when omitted). Not reentrant across threads; JS has none sharing it.
 */
export function shortHkdfSha256(
  ikm: Uint8Array,
  info: Uint8Array,
  length: number,
  out = new Uint8Array(length),
  offset = 0,
): Uint8Array {
  if (!fitsShortHkdf(ikm.length, info.length, length))
    throw new RangeError('shortHkdfSha256: input too long for the single-block path');
  // Extract: PRK = HMAC(zero salt, IKM).
  inner.set(zeroSaltInner);
  finishBytes(inner, ikm, -1);
  prk.set(zeroSaltOuter);
  finishWords(prk, inner);
  // Expand, one block: T(1) = HMAC(PRK, info || 0x01).
  padState(prk, true, 0x36, inner);
  padState(prk, true, 0x5c, outer);
  finishBytes(inner, info, 0x01);
  finishWords(outer, inner);
  for (let i = 0; i < length; i++) out[offset + i] = (outer[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
  return out;
}
