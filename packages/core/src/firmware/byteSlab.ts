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

/**
 * Where a run of views is carved from: its current buffer, what of it is used, and a view of all of it
 * (for {@link slabRegion}).
 */
interface Slab {
  buffer: ArrayBuffer | undefined;
  used: number;
  whole: Uint8Array | undefined;
}

/**
 * Two sets of buffers by how long their bytes live: a buffer is freed only when none of its views is
 * held, so regions kept for a whole run (a Bluezone phone's chain) in the buffers of per-rotation
 * adverts held every buffer those adverts had shared with them (24 B a phone at 100 k phones).
 */
const shortLived: Slab = { buffer: undefined, used: 0, whole: undefined };
const longLived: Slab = { buffer: undefined, used: 0, whole: undefined };

function carve(slab: Slab, length: number): Uint8Array {
  if (!slab.buffer || slab.used + length > SLAB_BYTES) {
    slab.buffer = new ArrayBuffer(Math.max(SLAB_BYTES, length));
    slab.used = 0;
  }
  const view = new Uint8Array(slab.buffer, slab.used, length);
  slab.used += length + (-length & (ALIGN_BYTES - 1));
  return view;
}

/** A zero-filled view of `length` bytes in a shared buffer (one of its own beyond 64 KiB), word-aligned. */
export function slabBytes(length: number): Uint8Array {
  return carve(shortLived, length);
}

/**
 * `length` zero-filled bytes in a shared buffer, word-aligned, as a view of the whole buffer (shared by
 * every caller of the same buffer) and where they start in it: for a holder that keeps an offset instead
 * of a view of its own (~90 bytes each, see the module's note) and keeps the bytes for as long as it
 * lives (they come from buffers of their own, see {@link longLived}).
 */
export function slabRegion(length: number): { bytes: Uint8Array; offset: number } {
  const view = carve(longLived, length);
  if (longLived.whole?.buffer !== view.buffer) longLived.whole = new Uint8Array(view.buffer);
  return { bytes: longLived.whole, offset: view.byteOffset };
}

/** A copy of `bytes` in a shared buffer (see {@link slabBytes}). */
export function slabCopy(bytes: Uint8Array): Uint8Array {
  const copy = slabBytes(bytes.length);
  copy.set(bytes);
  return copy;
}
