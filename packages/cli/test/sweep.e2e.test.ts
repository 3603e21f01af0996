import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { proxsense, REPO } from './cli.js';

const BIN = fileURLToPath(new URL('../bin/proxsense.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-sweep-'));
const TINY = [
  'sim',
  'sweep',
  'office',
  '--phones',
  '20',
  '--duration',
  '10m',
  '--vary',
  'adoption=0.2,0.8',
  '--runs',
  '2',
  '--workers',
  '2',
];

const ledgerLines = (dir: string): string[] => {
  const path = join(dir, 'runs.jsonl');
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.endsWith('}'))
    : [];
};

describe('proxsense sim sweep', () => {
  it('runs a tiny sweep on 2 workers and writes the tables and report', () => {
    const dir = tmp();
    const r = proxsense(...TINY, '--out', dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 points × 2 runs, seed 1: 4 ok, 0 failed of 4/);
    expect(r.stdout).toMatch(/adoption +ok +failed +coverage/);
    const runs = readFileSync(join(dir, 'runs.csv'), 'utf8').trimEnd().split('\n');
    expect(runs[0]).toMatch(/^runId,point,run,seed,status,error,attempts,adoption,/);
    expect(runs.slice(1).map((l) => l.split(',')[0])).toEqual(['p0-r0', 'p0-r1', 'p1-r0', 'p1-r1']);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8').split('\n')[0]).toMatch(
      /^point,adoption,runsOk,failed,.*coverage\.mean,coverage\.sd,coverage\.ci95Low,coverage\.ci95High/,
    );
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('--json prints the summary', () => {
    const dir = tmp();
    const r = proxsense(...TINY, '--out', dir, '--json', '--seed', '9');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      total: number;
      ok: number;
      seed: number;
      sweepId: string;
      points: {
        params: Record<string, number>;
        runsOk: number;
        metrics: Record<string, { n: number }>;
      }[];
    };
    expect(summary).toMatchObject({ total: 4, ok: 4, seed: 9 });
    expect(summary.sweepId).toMatch(/^[0-9a-f]{12}$/);
    expect(summary.points.map((p) => p.params.adoption)).toEqual([0.2, 0.8]);
    expect(summary.points[0]!.metrics.trueContacts!.n).toBe(2);
  });

  it('bad input: one line, exit 2', () => {
    const dir = tmp();
    for (const args of [
      ['--vary', 'adoption'],
      ['--vary', 'adoption=0.5,2'],
      ['--vary', 'nosuch.path=1,2'],
      ['--runs', '0'],
      ['--workers', 'x'],
    ]) {
      const r = proxsense(
        'sim',
        'sweep',
        'office',
        '--phones',
        '20',
        '--duration',
        '10m',
        '--out',
        dir,
        ...args,
      );
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n').length, r.stderr).toBeLessThanOrEqual(2);
      expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    }
    // The same directory with other arguments: refused, naming the difference.
    const out = tmp();
    expect(
      proxsense(
        'sim',
        'sweep',
        'office',
        '--phones',
        '20',
        '--duration',
        '10m',
        '--runs',
        '1',
        '--out',
        out,
      ).code,
    ).toBe(0);
    const r = proxsense(
      'sim',
      'sweep',
      'office',
      '--phones',
      '20',
      '--duration',
      '10m',
      '--runs',
      '2',
      '--out',
      out,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds a different sweep \(runs: 1 before, 2 now\)/);
  });

  it('is resumable: SIGKILL mid-sweep, start again, every run exactly once, same runs.csv as uninterrupted', async () => {
    // ~0.3 s per run on one worker: long enough to kill between the first and the last run.
    const args = [
      'sim',
      'sweep',
      'office',
      '--phones',
      '40',
      '--duration',
      '1h',
      '--vary',
      'adoption=0.3,0.8',
      '--runs',
      '5',
      '--workers',
      '1',
      '--seed',
      '4',
    ];
    const reference = tmp();
    expect(proxsense(...args, '--out', reference).code).toBe(0);

    const dir = tmp();
    const child = spawn(process.execPath, [BIN, ...args, '--out', dir], {
      cwd: REPO,
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    while (ledgerLines(dir).length < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    const before = ledgerLines(dir).length;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThan(10);
    expect(existsSync(join(dir, 'runs.csv'))).toBe(false);

    const again = proxsense(...args, '--out', dir);
    expect(again.code).toBe(0);
    const ids = ledgerLines(dir).map((l) => (JSON.parse(l) as { runId: string }).runId);
    expect(ids.length).toBe(10);
    expect(new Set(ids).size).toBe(10);
    expect(readFileSync(join(dir, 'runs.csv'), 'utf8')).toBe(
      readFileSync(join(reference, 'runs.csv'), 'utf8'),
    );
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe(
      readFileSync(join(reference, 'summary.csv'), 'utf8'),
    );
  });
});
