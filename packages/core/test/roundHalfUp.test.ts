import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundHalfUp } from '@proxsense/core';

describe('roundHalfUp: Math.round without the slow path', () => {
  it('equals Math.round on every double (halves, near-halves, tiny, huge, NaN)', () => {
    const nearHalf = fc
      .tuple(
        fc.oneof(
          fc.integer({ min: -300, max: 300 }),
          fc.integer({ min: -(2 ** 30) - 4, max: 2 ** 30 + 4 }),
        ),
        fc.integer({ min: -4, max: 4 }),
      )
      .map(([k, ulps]) => {
        let x = k + 0.5;
        for (let i = 0; i < Math.abs(ulps); i++)
          x = ulps > 0 ? x + Number.EPSILON * Math.abs(x) : x - Number.EPSILON * Math.abs(x);
        return x;
      });
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.double({ min: -200, max: 50 }), nearHalf), (y) => {
        expect(Object.is(roundHalfUp(y), Math.round(y))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    for (const y of [
      0.49999999999999994,
      -0.5,
      0.5,
      -1.5,
      1.5,
      -4095.5,
      4095.5,
      2 ** 30 - 1.5,
      2 ** 30 - 0.5,
      2 ** 30 - 1,
      -(2 ** 30) + 0.5,
      -(2 ** 30) + 1.5,
      2 ** 30,
      6553.499999999999,
      65535.5,
      -0,
      NaN,
    ])
      expect(Object.is(roundHalfUp(y), Math.round(y))).toBe(true);
  });
});
