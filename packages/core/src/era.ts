/**
 * The span of time a proximity record can plausibly come from, and checks that reject times outside
 * it at the reader, so nothing downstream (day names, Date formatting, interval arithmetic) ever meets
 * a time a `Date` cannot hold or a time in seconds mistaken for milliseconds.
 * @module
 */
import { describeValue } from './bytes/index.js';
import { InputError } from './errors.js';

/**
 * Earliest plausible time: 2020-01-01 UTC. GAEN and Bluezone both launched in 2020 (Bluezone in
 * April, the GAEN API in May), so no sighting or published key can be older.
 */
// Literals, not Date.UTC calls: a call at module level is code a bundler must keep on import.
export const ERA_START_MS = 1_577_836_800_000;
/** First instant past the plausible era: 2100-01-01 UTC (far beyond any key or log, well inside a `Date`). */
export const ERA_END_MS = 4_102_444_800_000;

const ERA_TEXT = '2020-01-01..2099-12-31';

/**
 * Checks a time in milliseconds since the Unix epoch against the era.
 * @throws InputError naming `field`; a value that would be in the era as seconds says so.
 */
export function assertEraTimeMs(value: unknown, field: string): number {
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= ERA_START_MS &&
    value < ERA_END_MS
  )
    return value;
  throw new InputError(
    field,
    `a time in ms since the Unix epoch within ${ERA_TEXT}`,
    describeTime(value, 'ms'),
  );
}

/**
 * Checks a time in whole seconds since the Unix epoch against the era.
 * @throws InputError naming `field`; a value that would be in the era as milliseconds says so.
 */
export function assertEraTimeS(value: unknown, field: string): number {
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value * 1000 >= ERA_START_MS &&
    value * 1000 < ERA_END_MS
  )
    return value;
  throw new InputError(
    field,
    `a time in whole seconds since the Unix epoch within ${ERA_TEXT}`,
    describeTime(value, 's'),
  );
}

/** GAEN ENIntervalNumbers (10-minute intervals since the epoch) of the era: [first, end). */
export const ERA_INTERVALS = [2_629_728, 6_837_408] as const;

/** Checks an ENIntervalNumber against the era. @throws InputError naming `field`. */
export function assertEraInterval(value: unknown, field: string): number {
  const [first, end] = ERA_INTERVALS;
  if (typeof value === 'number' && Number.isInteger(value) && value >= first && value < end)
    return value;
  const asSeconds =
    typeof value === 'number' && value * 1000 >= ERA_START_MS && value * 1000 < ERA_END_MS;
  throw new InputError(
    field,
    `an ENIntervalNumber (Unix seconds ÷ 600) within ${ERA_TEXT}, ${first}..${end - 1}`,
    `${describeValue(value)}${asSeconds ? ' (that looks like Unix seconds: divide by 600)' : ''}`,
  );
}

/** Largest |ms| a `Date` holds (ECMA-262 §21.4.1.1). */
const DATE_LIMIT_MS = 8.64e15;

/** The value described, with the date it stands for, or a hint when it looks like the other unit. */
function describeTime(value: unknown, unit: 'ms' | 's'): string {
  const text = describeValue(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return text;
  const ms = unit === 'ms' ? value : value * 1000;
  const other = unit === 'ms' ? value * 1000 : value;
  if (other >= ERA_START_MS && other < ERA_END_MS) {
    const hint = unit === 'ms' ? 'seconds: multiply by 1000' : 'milliseconds: divide by 1000';
    return `${text} (that looks like ${hint})`;
  }
  return Math.abs(ms) <= DATE_LIMIT_MS
    ? `${text} (${new Date(ms).toISOString()})`
    : `${text} (beyond any date)`;
}
