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
/** A view of all of `slab`, handed out by {@link slabRegion}. */
let slabView: Uint8Array | undefined;

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

/**
 * `length` zero-filled bytes in a shared buffer, word-aligned, as a view of the whole buffer (shared by
 * every caller of the same buffer) and where they start in it: for a holder that keeps an offset instead
 * of a view of its own (~90 bytes each, see the module's note).
 */
export function slabRegion(length: number): { bytes: Uint8Array; offset: number } {
  const view = slabBytes(length);
  if (slabView?.buffer !== view.buffer) slabView = new Uint8Array(view.buffer);
  return { bytes: slabView, offset: view.byteOffset };
}

/** A copy of `bytes` in a shared buffer (see {@link slabBytes}). */
export function slabCopy(bytes: Uint8Array): Uint8Array {
  const copy = slabBytes(bytes.length);
  copy.set(bytes);
  return copy;
}
