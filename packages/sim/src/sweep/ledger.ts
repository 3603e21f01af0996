/**
 * The sweep's durable ledger: `DIR/runs.jsonl`, one JSON line per finished run, written and fsynced
 * before the run counts as done, so a SIGKILL loses no acknowledged run; and `DIR/sweep.json`, the
 * sweep's identity, so a restart with other arguments fails instead of mixing two sweeps' runs.
 * @module
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
  renameSync,
} from 'node:fs';
import { join } from 'node:path';
import { ProxsenseError } from '@proxsense/core';
import type { Scenario } from '../scenario/schema.js';
import type { RunRecord, VaryAxis } from './types.js';

/** What makes two sweeps the same sweep: same version, base scenario, axes, runs per point and seed. */
export interface SweepIdentity {
  version: string;
  scenario: Scenario;
  axes: VaryAxis[];
  runs: number;
  seed: number;
}

/** A sweep directory that holds another sweep's runs. */
export class SweepMismatchError extends ProxsenseError {
  constructor(
    readonly dir: string,
    /** Dotted paths of the identity fields that differ. */
    readonly differences: string[],
  ) {
    super(
      `${dir} holds a different sweep (${differences.join('; ')}): use another --out or the same arguments`,
    );
  }
}

/** Names where two JSON values differ, as `path: stored → now` (at most `limit`). */
function differences(stored: unknown, now: unknown, path: string, out: string[], limit = 5): void {
  if (out.length >= limit) return;
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObj(stored) && isObj(now) && Array.isArray(stored) === Array.isArray(now)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(now)])];
    for (const k of keys) differences(stored[k], now[k], path ? `${path}.${k}` : k, out, limit);
    return;
  }
  if (JSON.stringify(stored) !== JSON.stringify(now))
    out.push(
      `${path || 'sweep'}: ${JSON.stringify(stored) ?? 'absent'} before, ${JSON.stringify(now) ?? 'absent'} now`,
    );
}

/**
 * An open ledger. Records already in the file are loaded on open (a torn last line, left by a kill
 * mid-write, is dropped and cut off the file); later appends of a run id already present are ignored,
 * so no run is ever counted twice.
 */
export class SweepLedger {
  /** Every finished run, by run id, the first record of each id kept. */
  readonly records = new Map<string, RunRecord>();
  /** Lines in the file that could not be used (a torn tail), dropped on open. */
  readonly tornLines: number;
  private fd: number;

  private constructor(
    readonly dir: string,
    fd: number,
    tornLines: number,
  ) {
    this.fd = fd;
    this.tornLines = tornLines;
  }

  /** Opens (creating) `dir`, checking `sweep.json` against `identity` and loading `runs.jsonl`. */
  static open(dir: string, identity: SweepIdentity): SweepLedger {
    mkdirSync(dir, { recursive: true });
    const identityPath = join(dir, 'sweep.json');
    const identityText = `${JSON.stringify(identity, null, 2)}\n`;
    if (existsSync(identityPath)) {
      const stored: unknown = JSON.parse(readFileSync(identityPath, 'utf8'));
      const diff: string[] = [];
      differences(stored, JSON.parse(identityText), '', diff);
      if (diff.length > 0) throw new SweepMismatchError(dir, diff);
    } else {
      // Written whole then renamed, so a kill never leaves a half identity behind.
      writeFileSync(`${identityPath}.tmp`, identityText);
      renameSync(`${identityPath}.tmp`, identityPath);
    }
    const path = join(dir, 'runs.jsonl');
    const fd = openSync(path, 'a+');
    const text = readFileSync(path, 'utf8');
    const records: RunRecord[] = [];
    let goodBytes = 0;
    let torn = 0;
    let start = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      const line = end < 0 ? text.slice(start) : text.slice(start, end);
      let record: RunRecord | undefined;
      try {
        record = end < 0 ? undefined : (JSON.parse(line) as RunRecord);
      } catch {
        record = undefined;
      }
      if (record === undefined || typeof record.runId !== 'string') {
        // Only the tail can be torn (appends are whole lines, fsynced in order); anything after it goes too.
        torn = text
          .slice(start)
          .split('\n')
          .filter((l) => l !== '').length;
        break;
      }
      records.push(record);
      start = end + 1;
      goodBytes = Buffer.byteLength(text.slice(0, start));
    }
    if (torn > 0) {
      ftruncateSync(fd, goodBytes);
      fsyncSync(fd);
    }
    const ledger = new SweepLedger(dir, fd, torn);
    for (const r of records) if (!ledger.records.has(r.runId)) ledger.records.set(r.runId, r);
    return ledger;
  }

  /** Whether a run is done (finished or failed for good). */
  has(runId: string): boolean {
    return this.records.has(runId);
  }

  /** Appends a record durably (write + fsync); returns false, writing nothing, for a run id already in. */
  append(record: RunRecord): boolean {
    if (this.records.has(record.runId)) return false;
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    fsyncSync(this.fd);
    this.records.set(record.runId, record);
    return true;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
