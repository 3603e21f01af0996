/**
 * The path-loss model file (`calibrate fit --out` writes it, `estimate --model` reads it):
 * `{"a0Db": 50, "pathLossExponent": 2.5, "sigmaDb": 8, "fit"?: {...}}`.
 * @module
 */
import { describeValue } from '../bytes/index.js';
import { FileFormatError } from '../errors.js';
import type { PathLossModel } from './pathLoss.js';

/** A model file that cannot be used; names the file and the field. */
export class ModelFileError extends FileFormatError {}

/** Parses and validates a model file's JSON text. @throws ModelFileError */
export function parsePathLossModelJson(text: string, source = 'model.json'): PathLossModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(source, `invalid JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelFileError(source, `expected an object {"a0Db", "pathLossExponent", "sigmaDb"}, got ${describeValue(raw)}`);
  const o = raw as Record<string, unknown>;
  const field = (name: string, min: number, max: number) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ModelFileError(source, `${name}: expected a number ${min}..${max}, got ${describeValue(v)}`);
    return v;
  };
  return { a0Db: field('a0Db', -50, 200), pathLossExponent: field('pathLossExponent', 0.1, 10), sigmaDb: field('sigmaDb', 0, 50) };
}
