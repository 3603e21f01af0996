import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mortonCode } from '../src/radio/air.js';

/** The definition, one bit at a time: bit b of col at 2b, of row at 2b + 1 (16 bits each). */
function mortonByBits(col: number, row: number): number {
  let code = 0;
  for (let bit = 0; bit < 16; bit++)
    code += (((col >> bit) & 1) + ((row >> bit) & 1) * 2) * 4 ** bit;
  return code;
}

describe('mortonCode: the air’s Z-order of grid cells', () => {
  it('interleaves the low 16 bits of column and row, as the bit-by-bit definition does', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 20), fc.nat(2 ** 20), (col, row) => {
        expect(mortonCode(col, row)).toBe(mortonByBits(col, row));
      }),
      { numRuns: 20_000 },
    );
    expect(mortonCode(0xffff, 0xffff)).toBe(2 ** 32 - 1);
    expect(mortonCode(1, 0)).toBe(1);
    expect(mortonCode(0, 1)).toBe(2);
  });
});
