/**
 * Small byte strings a firmware keeps for a while (its TEK's derived keys, its current advert), carved
 * from shared 64 KiB buffers. A Uint8Array with a buffer of its own costs about 230 bytes besides its
 * bytes (view, ArrayBuffer and a separate backing store); a view into a shared buffer about 90. At a
 * district's 100 k simulated phones, two such strings a phone are 27 MB. Bytes are never handed out
 * twice: a view stays valid as long as it is held, and a buffer is collected when its last view is.
 * @module
 */

const SLAB_BYTES = 1 << 16;
/**
 * Every view starts on a multiple of this: AES libraries read keys as 32-bit words and copy a key that
 * does not start on a word boundary first (@noble/ciphers does, at each of a phone's rotations).
 */
const ALIGN_BYTES = 4;

let slab: ArrayBuffer | undefined;
let used = 0;

/** A zero-filled view of `length` bytes in a shared buffer (one of its own beyond 64 KiB), word-aligned. */
export function slabBytes(length: number): Uint8Array {
  if (!slab || used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(Math.max(SLAB_BYTES, length));
    used = 0;
  }
  const view = new Uint8Array(slab, used, length);
  used += length + (-length & (ALIGN_BYTES - 1));
  return view;
}

/** A copy of `bytes` in a shared buffer (see {@link slabBytes}). */
export function slabCopy(bytes: Uint8Array): Uint8Array {
  const copy = slabBytes(bytes.length);
  copy.set(bytes);
  return copy;
}
