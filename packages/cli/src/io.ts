/**
 * File input and output for the CLI: clear errors for missing files, atomic writes, streamed JSONL.
 * @module
 */
import {
  createReadStream,
  readFileSync,
  statSync,
  renameSync,
  writeFileSync,
  fsyncSync,
  openSync,
  closeSync,
  unlinkSync,
} from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  parseSightingLine,
  SightingFormatError,
  type BadLinePolicy,
  type Sighting,
} from '@proxsense/core';
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

/** The name `--sightings -` (standard input) goes by in messages. */
export const STDIN_NAME = '(stdin)';

/**
 * Streams a sightings JSONL file (`-`: standard input) line by line. Bad lines go to `onBadLine`
 * (policy 'skip') or throw (policy 'fail'); none is dropped unreported. A file with bad lines and not
 * one good line is refused: it is almost always the wrong file (a key file, a CSV, random bytes), and
 * "0 matched" would pass for success in a script.
 */
export async function readSightingsFile(
  path: string,
  policy: BadLinePolicy,
  onBadLine: (error: SightingFormatError) => void,
): Promise<SightingsFile> {
  const result: SightingsFile = { sightings: [], badLines: [], lines: 0 };
  const name = path === '-' ? STDIN_NAME : path;
  const input = path === '-' ? process.stdin : await openForReading(path, 'sightings');
  input.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      result.lines++;
      if (line.trim() === '') continue;
      try {
        result.sightings.push(parseSightingLine(line, result.lines, name));
      } catch (error) {
        if (!(error instanceof SightingFormatError)) throw error;
        if (policy === 'fail')
          throw new CliError(`${error.message} (use --on-bad-line skip to skip bad lines)`);
        result.badLines.push(error);
        onBadLine(error);
      }
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read sightings ${name}: ${osReason(error)}`);
  } finally {
    lines.close();
    if (path !== '-') (input as ReturnType<typeof createReadStream>).destroy();
  }
  if (result.sightings.length === 0 && result.badLines.length > 0) {
    const first = result.badLines[0]!;
    throw new CliError(
      `${name}: no valid sighting in ${result.lines} lines (${result.badLines.length} bad; first: line ${first.lineNumber}: ${first.reason}); expected sightings JSONL, one {"t","scheme","id","rssi",…} object per line`,
    );
  }
  return result;
}

/** Opens a file as a stream, failing in one line for a missing file, a directory or no permission. */
async function openForReading(
  path: string,
  role: string,
): Promise<ReturnType<typeof createReadStream>> {
  try {
    if (statSync(path).isDirectory())
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (error) {
    throw new CliError(`cannot read ${role} ${path}: ${osReason(error)}`);
  }
  const stream = createReadStream(path);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (error) {
    throw new CliError(`cannot read ${role} ${path}: ${osReason(error)}`);
  }
  return stream;
}

/** Bad lines printed one by one before the rest are only counted. */
const BAD_LINES_SHOWN = 20;

/**
 * {@link readSightingsFile} that reports skipped lines on stderr: the first 20 each, then a count.
 * They are printed once the file has been read, so a file with no valid line fails in one line.
 */
export async function readSightingsReporting(
  path: string,
  policy: BadLinePolicy,
  out: Output,
): Promise<SightingsFile> {
  const shown: string[] = [];
  const read = await readSightingsFile(path, policy, (error) => {
    if (shown.length < BAD_LINES_SHOWN) shown.push(`skipped ${error.message}`);
  });
  for (const line of shown) out.warn(line);
  if (read.badLines.length > BAD_LINES_SHOWN)
    out.warn(
      `skipped ${read.badLines.length - BAD_LINES_SHOWN} more bad lines of ${path === '-' ? STDIN_NAME : path}`,
    );
  return read;
}

/** The raw 32-byte P-256 private scalar of a PEM (PKCS#8 or SEC1) key file. */
export function readP256PrivateKeyPem(path: string): Uint8Array {
  const pem = readInputFile(path, 'signing key');
  let jwk: { crv?: string; d?: string };
  try {
    jwk = createPrivateKey({ key: Buffer.from(pem), format: 'pem' }).export({ format: 'jwk' });
  } catch (error) {
    throw new CliError(`${path}: not a PEM private key (${(error as Error).message})`);
  }
  if (jwk.crv !== 'P-256' || !jwk.d)
    throw new CliError(
      `${path}: expected an ECDSA P-256 private key (GAEN signs exports with P-256), got ${jwk.crv ?? 'a non-EC key'}`,
    );
  return new Uint8Array(Buffer.from(jwk.d, 'base64url'));
}

/**
 * The uncompressed SEC1 point (65 bytes) of a PEM public key. A private key is refused: whoever hands
 * `--verify` the signer's private key has mixed up the files, and "verified" would then prove nothing
 * about the key the app ships.
 */
export function readP256PublicKeyPem(path: string): Uint8Array {
  const pem = readInputFile(path, 'public key');
  if (isPrivateKeyPem(pem)) {
    throw new CliError(
      `${path}: is a private key; --verify takes the public key (PEM "BEGIN PUBLIC KEY"; make it with: openssl ec -in ${basename(path)} -pubout)`,
    );
  }
  let jwk: { crv?: string; x?: string; y?: string };
  try {
    jwk = createPublicKey({ key: Buffer.from(pem), format: 'pem' }).export({ format: 'jwk' });
  } catch (error) {
    throw new CliError(`${path}: not a PEM public key (${(error as Error).message})`);
  }
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y)
    throw new CliError(
      `${path}: expected an ECDSA P-256 public key, got ${jwk.crv ?? 'a non-EC key'}`,
    );
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x, 'base64url'),
      Buffer.from(jwk.y, 'base64url'),
    ]),
  );
}

function isPrivateKeyPem(pem: Uint8Array): boolean {
  try {
    createPrivateKey({ key: Buffer.from(pem), format: 'pem' });
    return true;
  } catch {
    return false;
  }
}

function osReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error)?.message ?? String(error);
}
