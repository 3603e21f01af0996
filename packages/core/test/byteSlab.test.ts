import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slabBytes, slabCopy, slabRegion } from '../src/firmware/byteSlab.js';

describe('byte slab (firmware-kept byte strings in shared buffers)', () => {
  it('property: views never overlap, start zeroed and word-aligned, and keep their bytes however many follow', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 60 }), (lengths) => {
        const kept = lengths.map((length, k) => {
          const view = slabBytes(length);
          expect(view.length).toBe(length);
          expect(view.byteOffset % 4).toBe(0);
          expect(view.every((b) => b === 0)).toBe(true);
          view.fill((k % 255) + 1);
          return view;
        });
        kept.forEach((view, k) => expect(view.every((b) => b === (k % 255) + 1)).toBe(true));
      }),
      { numRuns: 60 },
    );
  });

  it('shares buffers between small strings and copies bytes exactly', () => {
    const a = slabCopy(Uint8Array.of(1, 2, 3));
    const b = slabCopy(Uint8Array.of(4, 5));
    expect([...a, ...b]).toEqual([1, 2, 3, 4, 5]);
    // Both in one 64 KiB buffer unless a came last in its buffer.
    // (the next word after a's 3 bytes).
    if (a.buffer === b.buffer) expect(b.byteOffset).toBe(a.byteOffset + 4);
    expect(a.buffer.byteLength).toBeGreaterThanOrEqual(1 << 16);
  });

  it('carves regions kept for a run from buffers no per-rotation copy shares', () => {
    const copies = [slabCopy(Uint8Array.of(1)), slabBytes(8)];
    const regions = [slabRegion(64), slabRegion(64)];
    for (const r of regions) for (const c of copies) expect(r.bytes.buffer).not.toBe(c.buffer);
    const after = slabCopy(Uint8Array.of(2));
    for (const r of regions) expect(r.bytes.buffer).not.toBe(after.buffer);
    // Regions never overlap and come zeroed.
    const [x, y] = regions as [{ bytes: Uint8Array; offset: number }, (typeof regions)[0]];
    if (x.bytes.buffer === y.bytes.buffer)
      expect(Math.abs(x.offset - y.offset)).toBeGreaterThanOrEqual(64);
    expect(y.bytes.subarray(y.offset, y.offset + 64).every((b) => b === 0)).toBe(true);
  });
});
