import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertEraInterval,
  assertEraTimeMs,
  assertEraTimeS,
  ERA_END_MS,
  ERA_START_MS,
  InputError,
  utcDayOf,
} from '@proxsense/core';

describe('the era readers accept (2020..2099)', () => {
  it('accepts exactly the times a day name can be given for, in 2020..2099, and names the field otherwise', () => {
    const anyNumber = fc.oneof(
      fc.double(),
      fc.integer({ min: ERA_START_MS - 1e6, max: ERA_END_MS + 1e6 }),
      fc.constantFrom(1e20, 8.64e15, -0, NaN, Infinity, 1595205660),
    );
    fc.assert(
      fc.property(anyNumber, (t) => {
        try {
          const ok = assertEraTimeMs(t, 'x.t');
          expect(utcDayOf(ok)).toMatch(/^20[2-9]\d-\d\d-\d\d$/);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).field).toBe('x.t');
          expect(t >= ERA_START_MS && t < ERA_END_MS).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('says which unit a misplaced time looks like', () => {
    expect(() => assertEraTimeMs(1595205660, 't')).toThrow(
      /got 1595205660 \(that looks like seconds: multiply by 1000\)/,
    );
    expect(() => assertEraTimeS(1595205660000, 'time_start')).toThrow(
      /got 1595205660000 \(that looks like milliseconds: divide by 1000\)/,
    );
    expect(() => assertEraInterval(1595205660, 'rollingStartIntervalNumber')).toThrow(
      /looks like Unix seconds: divide by 600/,
    );
    expect(() => assertEraTimeMs(1e20, 't')).toThrow(/\(beyond any date\)/);
    expect(assertEraTimeS(1595205660, 's')).toBe(1595205660);
    expect(assertEraInterval(2_658_672, 'i')).toBe(2_658_672);
  });
});
