/**
 * Option parsers for commander that fail with the option name and what was expected.
 * @module
 */
import { InvalidArgumentError } from 'commander';

/** Parses an integer within [min, max]. */
export function integerOption(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`expected an integer ${min}..${max}, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max)
      throw new InvalidArgumentError(`expected an integer ${min}..${max}, got ${n}`);
    return n;
  };
}

/** Accepts one of `choices`. */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}"`);
    return value as T;
  };
}
