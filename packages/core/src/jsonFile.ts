/**
 * Reading small JSON settings files (model files, episode configs) with errors that name the file.
 * @module
 */
import { describeValue } from './bytes/index.js';
import type { FileFormatError } from './errors.js';

/** Parses `text` as a JSON object. @throws the given FileFormatError subclass for bad JSON or a non-object. */
export function parseJsonObject(
  text: string,
  source: string,
  ErrorClass: new (source: string, problem: string) => FileFormatError,
  expected: string,
): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text in its message, newlines included: keep the error on one line.
    throw new ErrorClass(source, `invalid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ErrorClass(source, `expected ${expected}, got ${describeValue(raw)}`);
  return raw as Record<string, unknown>;
}
