import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@proxsense/core';
import { runSweep, sweepIdentity, sweepIdOf } from '../src/sweep/driver.js';
import { applyPoint, expandGrid, parseVary, sweepJobs } from '../src/sweep/grid.js';
import { SweepLedger, SweepMismatchError } from '../src/sweep/ledger.js';
import { LocalPoolExecutor } from '../src/sweep/pool.js';
import { executeRun } from '../src/sweep/run.js';
import { metricStats, normalQuantile, studentTQuantile } from '../src/sweep/stats.js';
import { csvCell, summarize } from '../src/sweep/summary.js';
import type { RunExecutor, RunJob, RunRecord } from '../src/sweep/types.js';
import { openOffline, withChromium } from './browser.js';
import { scenario, tmp } from './helpers.js';

// Small enough for seconds, large enough that contacts happen and coverage/precision/recall are numbers.
const base = scenario({
  durationS: 3600,
  people: { count: 40, adoption: 0.5 },
  world: { kind: 'office', meetingRooms: 2 },
});
const axes = [parseVary('adoption=0.3,0.8')];

function record(
  runId: string,
  point: number,
  run: number,
  extra: Partial<RunRecord> = {},
): RunRecord {
  return {
    runId,
    point,
    run,
    seed: 1,
    params: {},
    status: 'ok',
    attempts: 1,
    results: { coverage: point + run },
    ...extra,
  };
}

describe('sweep grid', () => {
  it('parses lists, ranges and aliases', () => {
    expect(parseVary('adoption=0.1:0.5:0.1')).toEqual({
      name: 'adoption',
      path: 'people.adoption',
      values: [0.1, 0.2, 0.3, 0.4, 0.5],
    });
    expect(parseVary('profile=gaen,bluezone')).toEqual({
      name: 'profile',
      path: 'profile',
      values: ['gaen', 'bluezone'],
    });
    expect(parseVary('scan.intervalS=120,240').values).toEqual([120, 240]);
  });
  it('rejects malformed axes', () => {
    for (const bad of [
      'adoption',
      '=1,2',
      'adoption=',
      'adoption=0.5:0.1:0.1',
      'adoption=0:1:0',
      'adoption=1,1',
      'adoption=1,,2',
      '1x=2',
    ]) {
      expect(() => parseVary(bad), bad).toThrow(InputError);
    }
  });
  it('expands the grid with the first axis slowest', () => {
    expect(expandGrid([parseVary('a=1,2'), parseVary('b=x,y')])).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(expandGrid([])).toEqual([{}]);
  });
  it('applies a point and validates it', () => {
    expect(applyPoint(base, axes, { adoption: 0.8 }).people.adoption).toBe(0.8);
    expect(() => applyPoint(base, [parseVary('adoption=2')], { adoption: 2 })).toThrow(
      /--vary adoption=2/,
    );
    expect(() => applyPoint(base, [parseVary('durationS.x=1')], { 'durationS.x': 1 })).toThrow(
      /not a section/,
    );
    expect(() =>
      sweepJobs(base, [parseVary('adoption=0.1'), parseVary('people.adoption=0.2')], 1, 1),
    ).toThrow(/each path varied once/);
  });
  it('gives every run its own seed and id', () => {
    const jobs = sweepJobs(base, axes, 3, 7);
    expect(jobs.map((j) => j.runId)).toEqual([
      'p0-r0',
      'p0-r1',
      'p0-r2',
      'p1-r0',
      'p1-r1',
      'p1-r2',
    ]);
    expect(new Set(jobs.map((j) => j.seed)).size).toBe(6);
  });
});

describe('sweep statistics', () => {
  it('t quantiles match the tables', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.303, 3);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(studentTQuantile(0.975, 19)).toBeCloseTo(2.093, 3);
    expect(studentTQuantile(0.975, 120)).toBeCloseTo(1.98, 3);
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.96, 3);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776, 3);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
  });
  it('mean, sd (n − 1) and 95 % CI on known numbers', () => {
    const s = metricStats([1, 2, 3, 4, 5]);
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    // 3 ± 2.776445 · 1.581139 / √5
    expect(s.ci95Low).toBeCloseTo(1.03676, 4);
    expect(s.ci95High).toBeCloseTo(4.96324, 4);
    const one = metricStats([7, null, NaN]);
    expect(one.n).toBe(1);
    expect(one.mean).toBe(7);
    expect(one.sd).toBeNaN();
    expect(metricStats([]).mean).toBeNaN();
  });
  it('summarises per point and quotes CSV cells', () => {
    const s = summarize(
      [
        record('p1-r0', 1, 0),
        record('p0-r1', 0, 1),
        record('p0-r0', 0, 0),
        record('p1-r1', 1, 1, { status: 'failed', error: 'boom', results: undefined }),
      ],
      [{}, {}],
      { sweepId: 'x', dir: 'd', axes: [], runs: 2, seed: 1, total: 4 },
    );
    expect(s.points.map((p) => [p.runsOk, p.failed, p.metrics.coverage?.mean])).toEqual([
      [2, 0, 0.5],
      [1, 1, 1],
    ]);
    expect(s.ok).toBe(3);
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(0.1)).toBe('0.1');
  });
});

describe('sweep ledger', () => {
  const identity = sweepIdentity(base, axes, 2, 1);
  it('drops a torn last line, cuts it off and appends after it', () => {
    const dir = tmp();
    const ledger = SweepLedger.open(dir, identity);
    ledger.append(record('p0-r0', 0, 0));
    ledger.close();
    appendFileSync(join(dir, 'runs.jsonl'), '{"runId":"p0-r1","poi');
    const again = SweepLedger.open(dir, identity);
    expect(again.tornLines).toBe(1);
    expect([...again.records.keys()]).toEqual(['p0-r0']);
    again.append(record('p0-r1', 0, 1));
    again.close();
    const lines = readFileSync(join(dir, 'runs.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as RunRecord).runId)).toEqual(['p0-r0', 'p0-r1']);
  });
  it('keeps the first record of a run id, never two', () => {
    const dir = tmp();
    mkdirSync(dir, { recursive: true });
    const ledger = SweepLedger.open(dir, identity);
    expect(ledger.append(record('p0-r0', 0, 0))).toBe(true);
    expect(ledger.append(record('p0-r0', 0, 0, { attempts: 2 }))).toBe(false);
    ledger.close();
    // A duplicate line already in the file (two deliveries before a crash) counts once too.
    appendFileSync(
      join(dir, 'runs.jsonl'),
      `${JSON.stringify(record('p0-r0', 0, 0, { attempts: 3 }))}\n`,
    );
    const again = SweepLedger.open(dir, identity);
    expect(again.records.size).toBe(1);
    expect(again.records.get('p0-r0')?.attempts).toBe(1);
    again.close();
  });
  it('refuses a directory holding another sweep, naming the difference', () => {
    const dir = tmp();
    SweepLedger.open(dir, identity).close();
    expect(() => SweepLedger.open(dir, sweepIdentity(base, axes, 3, 1))).toThrow(
      SweepMismatchError,
    );
    expect(() =>
      SweepLedger.open(dir, sweepIdentity(base, [parseVary('adoption=0.3,0.9')], 2, 1)),
    ).toThrow(/axes\.0\.values\.1: 0\.8 before, 0\.9 now/);
    expect(() =>
      SweepLedger.open(dir, sweepIdentity({ ...base, durationS: 60 }, axes, 2, 1)),
    ).toThrow(/scenario\.durationS/);
    expect(sweepIdOf(identity)).toMatch(/^[0-9a-f]{12}$/);
    expect(sweepIdOf(identity)).toBe(sweepIdOf(sweepIdentity(structuredClone(base), axes, 2, 1)));
  });
});

describe('runSweep', () => {
  const files = (dir: string) =>
    ['runs.csv', 'summary.csv', 'report.html'].map((f) => readFileSync(join(dir, f), 'utf8'));

  it('same sweep twice ⇒ same bytes; a run re-run alone gives its row; 2 workers give the bytes of 1', async () => {
    const a = tmp();
    const b = tmp();
    const c = tmp();
    const progress: number[] = [];
    const r = await runSweep({
      scenario: base,
      axes,
      runs: 2,
      seed: 5,
      dir: a,
      workers: 1,
      onProgress: (p) => progress.push(p.done),
    });
    expect(r.summary.ok).toBe(4);
    expect(progress).toEqual([0, 1, 2, 3, 4]);
    await runSweep({ scenario: base, axes, runs: 2, seed: 5, dir: b, workers: 1 });
    expect(files(b)).toEqual(files(a));
    await runSweep({ scenario: base, axes, runs: 2, seed: 5, dir: c, workers: 2 });
    expect(files(c)[0]).toEqual(files(a)[0]);
    expect(files(c)).toEqual(files(a));

    // Coverage is a number here (contacts happen), and run p1-r1 re-run alone gives its scalars.
    const [header, ...rows] = files(a)[0]!
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','));
    const row = rows.find((x) => x[0] === 'p1-r1')!;
    const job = sweepJobs(base, axes, 2, 5).find((j) => j.runId === 'p1-r1')!;
    const alone = executeRun(job);
    for (const key of [
      'coverage',
      'precision',
      'recall',
      'trueContacts',
      'sightingsStored',
      'tracing.recall',
    ]) {
      const v = alone[key];
      expect(row[header!.indexOf(key)], key).toBe(
        typeof v === 'number' && Number.isFinite(v) ? String(v) : '',
      );
    }
    expect(Number(row[header!.indexOf('coverage')])).toBeGreaterThan(0);

    // Starting again with everything done runs nothing and rewrites the same files.
    let ran = 0;
    const counting: RunExecutor = {
      execute: () => {
        ran++;
        return Promise.resolve();
      },
      close: async () => {},
    };
    await runSweep({ scenario: base, axes, runs: 2, seed: 5, dir: a, executor: counting });
    expect(ran).toBe(0);
    expect(files(a)).toEqual(files(b));
  });

  it('retries a run that throws, then records it failed, and the sweep finishes', async () => {
    const pool = new LocalPoolExecutor({ workers: 2, maxAttempts: 2 });
    const tries = new Map<string, number>();
    // Breaks one job's scenario past validation (an unknown world kind makes the simulation throw).
    const breaking: RunExecutor = {
      execute: (jobs, onRecord) => {
        const broken = jobs.map((j): RunJob =>
          j.runId === 'p0-r1'
            ? { ...j, scenario: { ...j.scenario, world: { kind: 'nowhere' } as never } }
            : j,
        );
        return pool.execute(broken, (r) => {
          tries.set(r.runId, r.attempts);
          return onRecord(r);
        });
      },
      close: () => pool.close(),
    };
    const dir = tmp();
    try {
      const { summary } = await runSweep({
        scenario: base,
        axes,
        runs: 2,
        seed: 5,
        dir,
        executor: breaking,
      });
      expect(summary.ok).toBe(3);
      expect(summary.failed).toBe(1);
      expect(summary.points[0]!.failed).toBe(1);
    } finally {
      await pool.close();
    }
    expect(tries.get('p0-r1')).toBe(2);
    const csv = readFileSync(join(dir, 'runs.csv'), 'utf8');
    const line = csv.split('\n').find((l) => l.startsWith('p0-r1,'))!;
    expect(line).toMatch(/^p0-r1,0,1,\d+,failed,[^,]+,2,0\.3,/);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8').split('\n')[1]).toMatch(/^0,0\.3,1,1,/);
  });

  it('report.html opens offline in Chromium with charts drawn and no console errors', async () => {
    const dir = tmp();
    await runSweep({
      scenario: base,
      axes: [parseVary('adoption=0.3,0.8'), parseVary('profile=gaen,bluezone')],
      runs: 2,
      seed: 3,
      dir,
      workers: 1,
    });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link[^>]*href="http/);
    expect(html).toMatch(/adoption²/);
    writeFileSync(join(dir, 'copy.html'), html);
    await withChromium(async (browser) => {
      const page = await browser.newPage();
      const { errors, externalRequests: requests } = await openOffline(
        page,
        join(dir, 'report.html'),
      );
      expect(await page.locator('section[data-chart="svg"] svg').count()).toBe(4);
      for (const id of ['chart-coverage', 'chart-precision', 'chart-recall', 'chart-tracing']) {
        expect(await page.locator(`#${id} svg path`).count(), id).toBeGreaterThan(5);
      }
      expect(await page.textContent('#chart-coverage')).toMatch(/adoption²/);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    });
  });
});
