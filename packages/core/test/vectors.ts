import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads a published vector file from ../shared/vectors (read-only test data). */
export function sharedVector(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../../../shared/vectors/${name}`, import.meta.url)));
}

export function sharedVectorJson<T = any>(name: string): T {
  return JSON.parse(sharedVector(name).toString('utf8')) as T;
}
