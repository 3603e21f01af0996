import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../sim/test/redisServer.js';
import { REPO } from './cli.js';

const BIN = fileURLToPath(new URL('../bin/proxsense.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-queue-'));
/** 2 points × 6 runs of about half a second each: long enough to kill a worker in the middle of one. */
const SWEEP = [
  'sim',
  'sweep',
  'office',
  '--phones',
  '20',
  '--duration',
  '4h',
  '--vary',
  'adoption=0.2,0.8',
  '--runs',
  '6',
  '--seed',
  '5',
];

interface Proc {
  child: ChildProcess;
  pid: number;
  /** stderr so far */
  err: () => string;
  exited: Promise<number | null>;
}

/** Spawns the built bin; stderr is collected, stdout ignored. */
function proxsenseAsync(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  if (child.pid === undefined) throw new Error('spawn failed');
  return { child, pid: child.pid, err: () => err, exited };
}

/** Polls until `check` holds, failing after `timeoutMs`. */
async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('proxsense sim worker', () => {
  let redis: RedisServer | undefined;
  const procs: Proc[] = [];
  afterAll(async () => {
    for (const p of procs)
      if (p.child.exitCode === null && p.child.signalCode === null) process.kill(p.pid, 'SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await redis?.stop();
  }, 30_000);

  it("runs a sweep on 3 worker processes, survives one killed mid-run, and writes the local sweep's runs.csv", async () => {
    redis = await startRedis();
    const url = redis.url;
    const workers = [0, 1, 2].map(() => proxsenseAsync(['sim', 'worker', '--queue', url]));
    procs.push(...workers);
    await until(
      'the workers to connect',
      () => workers.every((w) => /worker on redis:\/\/127\.0\.0\.1:\d+\/0/.test(w.err())),
      20_000,
    );

    const dir = tmp();
    const sweep = proxsenseAsync([...SWEEP, '--queue', url, '--out', dir]);
    procs.push(sweep);
    // Kill the first worker to start a run, while that run is going.
    let victim: Proc | undefined;
    await until(
      'a worker to take a run',
      () => (victim = workers.find((w) => /: running \(try 1\)/.test(w.err()))) !== undefined,
      30_000,
    );
    process.kill(victim!.pid, 'SIGKILL');
    await victim!.exited;

    const code = await Promise.race([
      sweep.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000)),
    ]);
    expect(sweep.err()).not.toMatch(/internal error/);
    expect(code).toBe(0);
    // The killed worker's run was taken over by a survivor after the stalled-job check.
    expect(workers.filter((w) => w !== victim).some((w) => /stalled/.test(w.err()))).toBe(true);
    const all = workers.map((w) => w.err()).join('\n');
    expect(all).not.toMatch(/try 2/);

    const local = tmp();
    const localSweep = proxsenseAsync([...SWEEP, '--workers', '2', '--out', local]);
    procs.push(localSweep);
    expect(await localSweep.exited).toBe(0);

    const queued = readFileSync(join(dir, 'runs.csv'), 'utf8');
    const ids = queued
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(ids.length).toBe(12);
    expect(new Set(ids).size).toBe(12);
    expect(queued).toBe(readFileSync(join(local, 'runs.csv'), 'utf8'));

    // Workers stop cleanly on SIGTERM.
    const alive = workers.filter((w) => w !== victim);
    for (const w of alive) process.kill(w.pid, 'SIGTERM');
    expect(await Promise.all(alive.map((w) => w.exited))).toEqual([0, 0]);
  }, 90_000);
});
