/**
 * The path-loss model file (`calibrate fit --out` writes it, `estimate --model` reads it):
 * `{"a0Db": 50, "pathLossExponent": 2.5, "sigmaDb": 8, "fit"?: {...}}`.
 * @module
 */
import { describeValue } from '../bytes/index.js';
import { FileFormatError } from '../errors.js';
import { parseJsonObject } from '../jsonFile.js';
import type { PathLossModel } from './pathLoss.js';

/** A model file that cannot be used; names the file and the field. */
export class ModelFileError extends FileFormatError {}

/**
 * Validates the three model fields of `o` (a model file, or the `pathLoss` setting of an episodes config);
 * `fail` reports a bad field.
 */
export function pathLossModelFromObject(o: Record<string, unknown>, fail: (field: string, expected: string, actual: unknown) => never): PathLossModel {
  const field = (name: string, min: number, max: number) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(name, `a number ${min}..${max}`, v);
    return v as number;
  };
  return { a0Db: field('a0Db', -50, 200), pathLossExponent: field('pathLossExponent', 0.1, 10), sigmaDb: field('sigmaDb', 0, 50) };
}

/** Parses and validates a model file's JSON text. @throws ModelFileError */
export function parsePathLossModelJson(text: string, source = 'model.json'): PathLossModel {
  const o = parseJsonObject(text, source, ModelFileError, 'an object {"a0Db", "pathLossExponent", "sigmaDb"}');
  return pathLossModelFromObject(o, (field, expected, actual) => {
    throw new ModelFileError(source, `${field}: expected ${expected}, got ${describeValue(actual)}`);
  });
}
