/**
 * File input and output for the CLI: clear errors for missing files, atomic writes, streamed JSONL.
 * @module
 */
import { createReadStream, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync, unlinkSync } from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseSightingLine, SightingFormatError, type BadLinePolicy, type Sighting } from '@proxsense/core';
import { CliError } from './errors.js';
import type { Output } from './output.js';

/** Reads a whole file, turning OS errors into a one-line CliError naming the path and the role. */
export function readInputFile(path: string, role: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new CliError(`cannot read ${role} ${path}: ${osReason(error)}`);
  }
}

/** Reads a UTF-8 text file (same errors as {@link readInputFile}). */
export function readTextFile(path: string, role: string): string {
  return new TextDecoder().decode(readInputFile(path, role));
}

/**
 * Writes via a temporary file, fsync and rename, so a crash leaves either the old file or the new one,
 * never a torn one.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // The temporary file may never have been created.
    }
    throw new CliError(`cannot write ${path}: ${osReason(error)}`);
  }
}

/** Result of streaming a sightings file. */
export interface SightingsFile {
  sightings: Sighting[];
  badLines: SightingFormatError[];
  lines: number;
}

/**
 * Streams a sightings JSONL file line by line. Bad lines go to `onBadLine` (policy 'skip') or throw
 * (policy 'fail'); none is dropped unreported.
 */
export async function readSightingsFile(path: string, policy: BadLinePolicy, onBadLine: (error: SightingFormatError) => void): Promise<SightingsFile> {
  const result: SightingsFile = { sightings: [], badLines: [], lines: 0 };
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new CliError(`cannot read sightings ${path}: ${osReason(error)}`);
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) {
    result.lines++;
    if (line.trim() === '') continue;
    try {
      result.sightings.push(parseSightingLine(line, result.lines, path));
    } catch (error) {
      if (!(error instanceof SightingFormatError)) throw error;
      if (policy === 'fail') throw new CliError(`${error.message} (use --on-bad-line skip to skip bad lines)`);
      result.badLines.push(error);
      onBadLine(error);
    }
  }
  return result;
}

/** Bad lines printed one by one before the rest are only counted. */
const BAD_LINES_SHOWN = 20;

/** {@link readSightingsFile} that reports skipped lines on stderr: the first 20 each, then a count. */
export async function readSightingsReporting(path: string, policy: BadLinePolicy, out: Output): Promise<SightingsFile> {
  let shown = 0;
  const read = await readSightingsFile(path, policy, (error) => {
    if (shown++ < BAD_LINES_SHOWN) out.warn(`skipped ${error.message}`);
  });
  if (read.badLines.length > BAD_LINES_SHOWN) out.warn(`skipped ${read.badLines.length - BAD_LINES_SHOWN} more bad lines of ${path}`);
  return read;
}

/** The raw 32-byte P-256 private scalar of a PEM (PKCS#8 or SEC1) key file. */
export function readP256PrivateKeyPem(path: string): Uint8Array {
  const pem = readInputFile(path, 'signing key');
  let jwk: { crv?: string; d?: string };
  try {
    jwk = createPrivateKey({ key: Buffer.from(pem), format: 'pem' }).export({ format: 'jwk' }) as typeof jwk;
  } catch (error) {
    throw new CliError(`${path}: not a PEM private key (${(error as Error).message})`);
  }
  if (jwk.crv !== 'P-256' || !jwk.d) throw new CliError(`${path}: expected an ECDSA P-256 private key (GAEN signs exports with P-256), got ${jwk.crv ?? 'a non-EC key'}`);
  return new Uint8Array(Buffer.from(jwk.d, 'base64url'));
}

/** The uncompressed SEC1 point (65 bytes) of a PEM public key, or of the public half of a private key. */
export function readP256PublicKeyPem(path: string): Uint8Array {
  const pem = readInputFile(path, 'public key');
  let jwk: { crv?: string; x?: string; y?: string };
  try {
    jwk = createPublicKey({ key: Buffer.from(pem), format: 'pem' }).export({ format: 'jwk' }) as typeof jwk;
  } catch (error) {
    throw new CliError(`${path}: not a PEM public key (${(error as Error).message})`);
  }
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new CliError(`${path}: expected an ECDSA P-256 public key, got ${jwk.crv ?? 'a non-EC key'}`);
  return new Uint8Array(Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]));
}

function osReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error)?.message ?? String(error);
}
