/**
 * Where the tests find `../shared`: published vectors and real RSSI data kept beside the repository
 * (never copied into it). Every test that reads it goes through here, so a checkout without it fails
 * with one line saying what is missing and where it comes from, not with an ENOENT stack.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** `../shared` next to the repository root. */
export const SHARED_DIR = resolve(REPO_ROOT, '../shared');

const ORIGIN =
  'the GAEN v1.2 crypto vectors (Google exposure-notifications-internals TestVectors), a real US key export, ' +
  'Bluezone IDs (BluezoneGlobal app algorithm) and public phone RSSI data (rss_smartphone, Herald) live in ' +
  `../shared beside the repository (${SHARED_DIR}); see its README.md`;

/** The missing-data message for `path` (exported for the test of this helper). */
export function missingSharedMessage(path: string): string {
  return `test data ${path} not found: ${ORIGIN}`;
}

/** Absolute path of `relative` (e.g. `vectors/bluezone-ids.json`) under ../shared. @throws one line if absent. */
export function sharedPath(relative: string, dir = SHARED_DIR): string {
  const path = join(dir, relative);
  if (!existsSync(path)) throw new Error(missingSharedMessage(path));
  return path;
}

/** Bytes of a file under ../shared. */
export function sharedFile(relative: string): Buffer {
  return readFileSync(sharedPath(relative));
}

/** A JSON file under ../shared, parsed. */
export function sharedJson<T = any>(relative: string): T {
  return JSON.parse(sharedFile(relative).toString('utf8')) as T;
}
