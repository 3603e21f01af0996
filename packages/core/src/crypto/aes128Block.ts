/**
 * One AES-128 block (a phone's RPI at a rotation, the keystream of its 4-byte AEM) on @noble/ciphers'
 * round function, with the key schedule written into one reused array.
 *
 * Why not the library's own schedule: it allocates its 44 words (176 B) per call, and a typed array
 * over 64 bytes lives outside V8's heap: ~0.7 µs to make, and the collector tracks each one. That made
 * a single block cost ~1.8 µs of which 0.1 µs were rounds; a GAEN phone encrypts two blocks a rotation,
 * so at 100 k phones an hour it was 1.3 M of the run's only large allocations.
 * @module
 */
import { unsafe } from '@noble/ciphers/aes.js';

/** Words of an AES-128 key schedule (FIPS 197 §5.2: 4 × (10 + 1) round keys). */
export const AES128_SCHEDULE_WORDS = 44;

/** FIPS 197 S-box, made at first use (importing the module runs nothing). */
let sbox: Uint8Array | undefined;
/** The schedule of the block being encrypted: one for all calls, wiped after each. */
let scratch: Uint32Array | undefined;

/** Round constants Rcon[1…10] (FIPS 197 §5.2): x^(i−1) in GF(2⁸). */
const RCON = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36];

/**
 * The S-box from its definition (FIPS 197 §5.1.1): the multiplicative inverse in GF(2⁸) followed by the
 * affine map. p walks the field by ×3 (a generator) while q walks it by ×3⁻¹, so q = p⁻¹ at each step.
 */
function makeSbox(): Uint8Array {
  const box = new Uint8Array(256);
  let p = 1;
  let q = 1;
  do {
    p = (p ^ ((p << 1) & 0xff) ^ (p & 0x80 ? 0x1b : 0)) & 0xff;
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const r = (x: number, n: number): number => ((x << n) | (x >>> (8 - n))) & 0xff;
    box[p] = q ^ r(q, 1) ^ r(q, 2) ^ r(q, 3) ^ r(q, 4) ^ 0x63;
  } while (p !== 1);
  box[0] = 0x63;
  return box;
}

/**
 * Writes the AES-128 key schedule of `key` (16 bytes) into `out` (44 words), each word read
 * little-endian: the layout of @noble/ciphers' `expandKeyLE`, which its round function takes.
 */
export function expandAes128KeyLE(key: Uint8Array, out: Uint32Array): Uint32Array {
  const box = (sbox ??= makeSbox());
  for (let i = 0; i < 4; i++)
    out[i] =
      (key[4 * i]! | (key[4 * i + 1]! << 8) | (key[4 * i + 2]! << 16) | (key[4 * i + 3]! << 24)) >>>
      0;
  for (let i = 4; i < AES128_SCHEDULE_WORDS; i++) {
    let t = out[i - 1]!;
    if ((i & 3) === 0) {
      // RotWord then SubWord, on a little-endian word (its first byte is the low one).
      t = (t >>> 8) | (t << 24);
      t =
        (box[t & 0xff]! |
          (box[(t >>> 8) & 0xff]! << 8) |
          (box[(t >>> 16) & 0xff]! << 16) |
          (box[t >>> 24]! << 24)) ^
        RCON[(i >>> 2) - 1]!;
    }
    out[i] = (out[i - 4]! ^ t) >>> 0;
  }
  return out;
}

/** AES-128 of one 16-byte block under a 16-byte key (what ECB of one block gives). */
export function aes128EncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const xk = expandAes128KeyLE(key, (scratch ??= new Uint32Array(AES128_SCHEDULE_WORDS)));
  const { s0, s1, s2, s3 } = unsafe.encrypt(
    xk,
    le32(block, 0),
    le32(block, 4),
    le32(block, 8),
    le32(block, 12),
  );
  // Wiped as the library's modes wipe theirs: no key material left behind the call.
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
