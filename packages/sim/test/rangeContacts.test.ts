import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Movers, stepMovers } from '../src/mobility/movers.js';
import { readAnyTraceFile, oneMovementFromText } from '../src/mobility/oneMovement.js';
import { traceFromRows, type TraceRow } from '../src/mobility/trace.js';
import { ScenarioError } from '../src/scenario/load.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RandomStream, RunStreams } from '../src/random/streams.js';
import { RangeOnlyRun, rangeContactsFor } from '../src/run/rangeOnly.js';
import { Simulation } from '../src/run/simulation.js';
import { numericIds, RangeContacts, sqrtAtMost } from '../src/truth/rangeContacts.js';
import { createWorld } from '../src/world/create.js';
import { scenario, tmp } from './helpers.js';

/**
 * Four nodes named as The ONE names them, listed out of order in the file. Node 2 stands at (0, 0);
 * node 0 walks from (20, 0) to (−20, 0) in 40 s (x = 20 − t); node 1 stands at (0, 10), present from
 * t = 5 to t = 25; node 3 stands at (30, 0), exactly 10 m from node 0 at t = 0 only, when no update runs.
 */
const HAND_MADE: TraceRow[] = [
  { tS: 0, person: '2', xM: 0, yM: 0 },
  { tS: 40, person: '2', xM: 0, yM: 0 },
  { tS: 0, person: '0', xM: 20, yM: 0 },
  { tS: 40, person: '0', xM: -20, yM: 0 },
  { tS: 5, person: '1', xM: 0, yM: 10 },
  { tS: 25, person: '1', xM: 0, yM: 10 },
  { tS: 0, person: '3', xM: 30, yM: 0 },
  { tS: 40, person: '3', xM: 30, yM: 0 },
];

/** The ConnectivityONEReport lines these tracks give at 10 m with 1 s updates (distance ≤ range is up). */
const HAND_MADE_LOG = [
  '5.00 CONN 1 2 up', // node 1 appears exactly 10 m from node 2
  '10.00 CONN 0 2 up', // x = 10
  '20.00 CONN 0 1 up', // node 0 right below node 1, 10 m away
  '21.00 CONN 0 1 down',
  '26.00 CONN 1 2 down', // node 1 has left
  '31.00 CONN 0 2 down', // x = −11
];

function traceScenario(durationS: number) {
  return scenario({
    world: { kind: 'rwp', widthM: 50, heightM: 50 },
    durationS,
    people: { count: 4, adoption: 1 },
  });
}

/**
 * Runs a tracker on n walkers for `updates` updates (positions drawn from `seed`: jumps up to the range,
 * or walks within the step with a few jumps and departures) and checks its log, link time and link ups
 * against a brute-force O(n²) check of every pair at every update.
 */
function expectBruteForceLinks(
  n: number,
  rangeM: number,
  seed: number,
  [widthM, heightM]: readonly [number, number],
  stepShare: number | undefined,
  motion: 'jumps' | 'walks',
  updates = 12,
): void {
  const random = new RunStreams(seed).single('world');
  const stepM = stepShare === undefined ? undefined : stepShare * rangeM;
  const walkM = stepM ?? 0.15 * rangeM;
  const tracker = new RangeContacts({ rangeM, people: n, widthM, heightM, stepM });
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const present = new Uint8Array(n);
  // Some start outside the area: the grid clamps them to edge cells and must still be exact.
  for (let p = 0; p < n; p++) {
    x[p] = random.uniform(-10, widthM + 10);
    y[p] = random.uniform(-10, heightM + 10);
  }
  let prev = new Set<string>();
  const expected: string[] = [];
  let linked = 0;
  for (let t = 1; t <= updates; t++) {
    for (let p = 0; p < n; p++) {
      if (motion === 'walks') {
        present[p] = random.chance(0.98) ? 1 : 0;
        const jump = random.chance(0.05) ? rangeM : walkM / Math.SQRT2;
        x[p]! += random.uniform(-jump, jump);
        y[p]! += random.uniform(-jump, jump);
        continue;
      }
      present[p] = random.chance(0.9) ? 1 : 0;
      // Big jumps and exact multiples of the range and of half the range all occur.
      const roll = random.uniform(0, 1);
      if (roll < 0.1) x[p] = Math.round(x[p]! / rangeM) * rangeM;
      else if (roll < 0.2) x[p] = (Math.round((2 * x[p]!) / rangeM) * rangeM) / 2;
      else x[p]! += random.uniform(-rangeM, rangeM);
      y[p]! += random.uniform(-rangeM, rangeM);
    }
    tracker.update(t, x, y, present);
    const now = new Set<string>();
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        if (
          present[a] &&
          present[b] &&
          Math.sqrt((x[a]! - x[b]!) ** 2 + (y[a]! - y[b]!) ** 2) <= rangeM
        )
          now.add(`${a} ${b}`);
      }
    }
    const lines: string[] = [];
    for (const k of now) if (!prev.has(k)) lines.push(`${k} up`);
    for (const k of prev) if (!now.has(k)) lines.push(`${k} down`);
    lines.sort((u, v) => {
      const [a0, b0] = u.split(' ').map(Number);
      const [a1, b1] = v.split(' ').map(Number);
      return a0! - a1! || b0! - b1!;
    });
    expected.push(...lines.map((l) => `${t}.00 CONN ${l}`));
    linked += now.size;
    prev = now;
  }
  expect([...tracker.logLines()]).toEqual(expected);
  expect(tracker.contactS).toBe(linked);
  expect(tracker.linkUps).toBe(expected.filter((l) => l.endsWith(' up')).length);
}

describe('range-only contacts (The ONE ConnectivityONEReport semantics)', () => {
  it('a hand-made trace gives exactly the known link events, in The ONE node ids', () => {
    const trace = traceFromRows(HAND_MADE, 'hand-made');
    let contacts: RangeContacts | undefined = undefined;
    const run = new RangeOnlyRun({
      scenario: traceScenario(40),
      seed: 1,
      trace,
      onStep: (t, m) => contacts!.update(t, m.xM, m.yM, m.present),
    });
    contacts = rangeContactsFor(run.world, run.people, 10, { ids: numericIds(trace.persons) });
    run.run();
    expect([...contacts.logLines()]).toEqual(HAND_MADE_LOG);
    // Pair (1, 2): t = 5 … 25; (0, 2): t = 10 … 30; (0, 1): t = 20.
    expect(contacts.summary()).toEqual({ rangeM: 10, linkUps: 3, pairs: 3, contactS: 21 + 21 + 1 });
  });

  it('the full simulation, hooked at its step, logs the same links as a range-only run', () => {
    const trace = traceFromRows(HAND_MADE, 'hand-made');
    let contacts: RangeContacts | undefined = undefined;
    const sim = new Simulation({
      scenario: traceScenario(40),
      seed: 1,
      trace,
      onStep: (t, m) => contacts!.update(t, m.xM, m.yM, m.present),
    });
    contacts = rangeContactsFor(sim.world, sim.people, 10, { ids: numericIds(trace.persons) });
    sim.run();
    expect([...contacts.logLines()]).toEqual(HAND_MADE_LOG);

    const rwp = scenario({
      world: { kind: 'rwp', widthM: 40, heightM: 40 },
      durationS: 600,
      people: { count: 30, adoption: 0.5 },
    });
    const logOf = (
      make: (onStep: (t: number, m: Movers) => void) => {
        world: { widthM: number; heightM: number };
        people: number;
        run(): unknown;
      },
    ) => {
      let c: RangeContacts | undefined = undefined;
      const r = make((t, m) => c!.update(t, m.xM, m.yM, m.present));
      c = rangeContactsFor(r.world as never, r.people, 5);
      r.run();
      return { lines: [...c.logLines()], summary: c.summary() };
    };
    const full = logOf((onStep) => new Simulation({ scenario: rwp, seed: 9, onStep }));
    const only = logOf((onStep) => new RangeOnlyRun({ scenario: rwp, seed: 9, onStep }));
    expect(full.summary.linkUps).toBeGreaterThan(10);
    expect(only).toEqual(full);
  });

  it("The ONE's external movement format gives the same trace and the same link events", async () => {
    // The same tracks in The ONE's format: offset header, then "time id x y" sorted by time, with
    // times and positions shifted (The ONE subtracts the header's minima).
    const rows = [...HAND_MADE].sort((a, b) => a.tS - b.tS || a.person.localeCompare(b.person));
    const text = [
      '100 140 -120 -70 50 60 0 0',
      '# node 1 turns up at t = 5',
      ...rows.map((r) => `${r.tS + 100} ${r.person} ${r.xM - 120} ${r.yM + 50}`),
      '',
    ].join('\n');
    const linesOf = (trace: ReturnType<typeof oneMovementFromText>) => {
      let c: RangeContacts | undefined = undefined;
      const run = new RangeOnlyRun({
        scenario: traceScenario(40),
        seed: 1,
        trace,
        onStep: (t, m) => c!.update(t, m.xM, m.yM, m.present),
      });
      c = rangeContactsFor(run.world, run.people, 10, { ids: numericIds(trace.persons) });
      run.run();
      return [...c.logLines()];
    };
    const fromText = oneMovementFromText(text, 'one.txt');
    expect(fromText.startS).toBe(0);
    expect(fromText.endS).toBe(40);
    expect(linesOf(fromText)).toEqual(HAND_MADE_LOG);
    const dir = tmp();
    await writeFile(join(dir, 'one.txt.gz'), gzipSync(text));
    expect(linesOf(await readAnyTraceFile(join(dir, 'one.txt.gz')))).toEqual(HAND_MADE_LOG);
    // A CSV file still reads as CSV.
    await writeFile(
      join(dir, 'one.csv'),
      `t,person,x,y\n${HAND_MADE.map((r) => `${r.tS},${r.person},${r.xM},${r.yM}`).join('\n')}\n`,
    );
    expect(linesOf(await readAnyTraceFile(join(dir, 'one.csv')))).toEqual(HAND_MADE_LOG);
    // Bad rows name the file, line and field.
    expect(() => oneMovementFromText('0 10 0 10 0 10\n1 a 2\n', 'bad.txt')).toThrow(
      new ScenarioError('bad.txt', {
        line: 2,
        fieldPath: 'row',
        expected: '4 fields "time id x y"',
        actual: '3',
      }),
    );
    expect(() => oneMovementFromText('0 10 0 10 0 10\n1 a 2 y\n', 'bad.txt')).toThrow(
      /^bad\.txt:2: y: expected a finite number, got "y"$/,
    );
    expect(() => oneMovementFromText('0 10 0 10 0 10\n# c\n1 a 2 3\n1 a 4 3\n', 'bad.txt')).toThrow(
      /^bad\.txt:4: t: /,
    );
  });

  it('names by index when trace persons are not all distinct integers', () => {
    expect(numericIds(['0', '1', '7'])).toEqual(Int32Array.from([0, 1, 7]));
    expect(numericIds(['0', 'alice'])).toBeUndefined();
    expect(numericIds(['01', '2'])).toBeUndefined();
  });

  it('property: the grid tracker finds exactly the links and events of a brute-force O(n²) check', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.double({ min: 0.5, max: 15, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        // A sparse area (whole cells), a dense one (mostly halves) and a crowded one.
        fc.constantFrom([50, 30], [12, 7], [4, 4]),
        // The expected step: default, none, a third of the range.
        fc.constantFrom(undefined, 0, 1 / 3),
        // How walkers move: jumps up to the range (most are movers, looked up in the previous grid),
        // or walks within the step with a few jumps and departures (most pairs judged by one pass).
        fc.constantFrom('jumps', 'walks'),
        (n, rangeM, seed, area, stepShare, motion) =>
          expectBruteForceLinks(n, rangeM, seed, area, stepShare, motion),
      ),
      { numRuns: 240 },
    );
  });

  it('a crowd whose update makes more events than the buffers hold grows them midway and goes on exactly', () => {
    // Up to 150 walkers within a few metres: the first update brings ~11,000 links up (the kernel's
    // buffers start at 1024 events), and jumps make movers whose downs are appended after its events.
    for (const [n, rangeM, area, motion] of [
      [150, 15, [4, 4], 'jumps'],
      [150, 3, [12, 7], 'jumps'],
      [120, 6, [12, 7], 'walks'],
    ] as const)
      for (const seed of [1, 2]) expectBruteForceLinks(n, rangeM, seed, area, undefined, motion, 6);
  });

  it('movers whose links all go down at once find room for every down, however many links were up', () => {
    // Three clusters of 45 come up in three updates (990 links each: the buffers grow to hold one
    // update's), then everyone jumps 30 m apart, beyond every candidate cell: all 2,970 downs are
    // movers' downs, found in the previous grid, more than the buffers held.
    const n = 135;
    const tracker = new RangeContacts({ rangeM: 10, people: n, widthM: 400, heightM: 400 });
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const present = new Uint8Array(n);
    for (let cluster = 0; cluster < 3; cluster++) {
      for (let p = 45 * cluster; p < 45 * (cluster + 1); p++)
        [x[p], y[p], present[p]] = [10 + 150 * cluster + 0.01 * p, 10 + 150 * cluster, 1];
      tracker.update(cluster + 1, x, y, present);
    }
    for (let p = 0; p < n; p++) [x[p], y[p]] = [(p % 12) * 30, Math.floor(p / 12) * 30];
    tracker.update(4, x, y, present);
    const pairs = (from: number, to: number) => {
      const out: string[] = [];
      for (let a = from; a < to; a++) for (let b = a + 1; b < to; b++) out.push(`${a} ${b}`);
      return out;
    };
    const all = [0, 1, 2].flatMap((c) => pairs(45 * c, 45 * (c + 1)));
    expect([...tracker.logLines()]).toEqual([
      ...[0, 1, 2].flatMap((c) =>
        pairs(45 * c, 45 * (c + 1)).map((l) => `${c + 1}.00 CONN ${l} up`),
      ),
      ...all.map((l) => `4.00 CONN ${l} down`),
    ]);
    expect(tracker.linkUps).toBe(2970);
  });

  it('a pair in range that walks apart by a step each goes down wherever it stands on the grid', () => {
    // Neither walker is a mover (each moved exactly the expected step), so the one pass over this
    // update's grid must see the pair: cells sized for less than range + 2 steps would miss some.
    const rangeM = 10;
    const stepM = 1.5;
    for (let i = 0; i < 400; i++) {
      const xA = 5 + i * 0.1;
      const tracker = new RangeContacts({
        rangeM,
        people: 2,
        widthM: 100,
        heightM: 10,
        stepM,
        log: 'none',
      });
      const present = Uint8Array.of(1, 1);
      tracker.update(1, Float64Array.of(xA, xA + rangeM - 0.01), Float64Array.of(5, 5), present);
      tracker.update(
        2,
        Float64Array.of(xA - stepM, xA + rangeM - 0.01 + stepM),
        Float64Array.of(5, 5),
        present,
      );
      expect([tracker.linkUps, tracker.events, tracker.contactS]).toEqual([1, 2, 1]);
    }
  });

  it("property: d² ≤ sqrtAtMost(r) is exactly The ONE's √d² ≤ r, next to r² too", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.integer({ min: -40, max: 40 }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        (rangeM, ulps, scale) => {
          const limit = sqrtAtMost(rangeM);
          expect(Math.sqrt(limit) <= rangeM).toBe(true);
          // Doubles a few ulps around r² (where rounding decides), and anywhere in [0, 4 r²].
          const near = new Float64Array([rangeM * rangeM]);
          const bits = new BigInt64Array(near.buffer);
          bits[0] = bits[0]! + BigInt(ulps);
          for (const d2 of [near[0]!, scale * rangeM * rangeM])
            expect(d2 <= limit).toBe(Math.sqrt(d2) <= rangeM);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("a log streamed to a sink has the kept log's bytes; with no log the counts are the same", () => {
    const rwp = scenario({
      world: { kind: 'rwp', widthM: 60, heightM: 60 },
      durationS: 900,
      people: { count: 120, adoption: 1 },
    });
    const runWith = (log: 'memory' | 'none' | ((chunk: Uint8Array) => void)) => {
      let c: RangeContacts | undefined = undefined;
      const run = new RangeOnlyRun({
        scenario: rwp,
        seed: 4,
        onStep: (t, m) => c!.update(t, m.xM, m.yM, m.present),
      });
      c = rangeContactsFor(run.world, run.people, 6, { log });
      run.run();
      c.flushLog();
      return c;
    };
    const streamed: Uint8Array[] = [];
    const s = runWith((chunk) => streamed.push(chunk.slice()));
    const kept = runWith('memory');
    const none = runWith('none');
    expect(kept.events).toBeGreaterThan(1000);
    // As strings: toBe compares in one go, where toEqual on megabytes of Buffer goes byte by byte.
    expect(Buffer.concat(streamed).toString('latin1')).toBe(
      Buffer.concat([...kept.logChunks()]).toString('latin1'),
    );
    expect(s.summary()).toEqual(kept.summary());
    expect(none.summary()).toEqual(kept.summary());
    expect(none.events).toBe(kept.events);
    expect(() => [...none.logChunks()]).toThrow(/not kept in memory/);
  });

  it('counts distinct pairs in a Set above 8192 walkers, as brute force does', () => {
    const n = 8300;
    const rangeM = 3;
    const tracker = new RangeContacts({ rangeM, people: n, widthM: 400, heightM: 20, log: 'none' });
    const random = new RunStreams(5).single('world');
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const present = new Uint8Array(n).fill(1);
    const ever = new Set<number>();
    let ups = 0;
    let prev = new Set<number>();
    for (let t = 1; t <= 3; t++) {
      for (let p = 0; p < n; p++) {
        x[p] = random.uniform(0, 400);
        y[p] = random.uniform(0, 20);
      }
      tracker.update(t, x, y, present);
      // Brute force on a sort by x: only neighbours within 3 m in x can be in range.
      const order = Array.from({ length: n }, (_, p) => p).sort((u, v) => x[u]! - x[v]!);
      const now = new Set<number>();
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n && x[order[j]!]! - x[order[i]!]! <= rangeM; j++) {
          const a = Math.min(order[i]!, order[j]!);
          const b = Math.max(order[i]!, order[j]!);
          if (Math.sqrt((x[a]! - x[b]!) ** 2 + (y[a]! - y[b]!) ** 2) <= rangeM) now.add(a * n + b);
        }
      for (const k of now) {
        if (!prev.has(k)) ups++;
        ever.add(k);
      }
      prev = now;
    }
    expect(ups).toBeGreaterThan(1000);
    expect(tracker.linkUps).toBe(ups);
    expect(tracker.pairs).toBe(ever.size);
  });

  it('rejects a range that is not above 0', () => {
    expect(() => new RangeContacts({ rangeM: 0, people: 2, widthM: 1, heightM: 1 })).toThrow(
      /rangeM: expected a range above 0 m/,
    );
  });
});

describe('rwp as The ONE steps it', () => {
  function walk(
    spec: { speedMps: [number, number]; pauseS: [number, number] },
    people: number,
    durationS: number,
  ) {
    const s = scenario({
      world: { kind: 'rwp', widthM: 300, heightM: 200, ...spec },
      durationS,
      people: { count: people },
    });
    const streams = new RunStreams(3);
    const mobility = streams.family('mobility');
    const personRandom: RandomStream[] = Array.from({ length: people }, () => mobility.next());
    const world = createWorld(s.world, {
      people,
      durationS,
      personRandom,
      worldRandom: streams.single('world'),
    });
    const m = new Movers(people);
    world.init(m);
    const xs: number[][] = [[...m.xM]];
    const ys: number[][] = [[...m.yM]];
    for (let t = 1; t <= durationS; t++) {
      stepMovers(m, world, t, 1);
      xs.push([...m.xM]);
      ys.push([...m.yM]);
    }
    const step = (p: number, t: number) =>
      Math.hypot(xs[t]![p]! - xs[t - 1]![p]!, ys[t]![p]! - ys[t - 1]![p]!);
    return { xs, ys, step };
  }

  it('everyone starts with a pause, moves on the first update whose start is past it, and pauses the full time at each waypoint', () => {
    const people = 20;
    const { xs, ys, step } = walk({ speedMps: [1, 1], pauseS: [30, 30] }, people, 900);
    for (let p = 0; p < people; p++) {
      expect(xs[0]![p]).toBeGreaterThanOrEqual(0);
      expect(xs[0]![p]).toBeLessThan(300);
      expect(ys[0]![p]).toBeLessThan(200);
      // Updates 1 … 30 start before the pause ends (0 … 29 s): still; update 31 (from 30 s) moves 1 m.
      for (let t = 1; t <= 30; t++) expect(step(p, t)).toBe(0);
      expect(step(p, 31)).toBeCloseTo(1, 9);
      // Every stop lasts exactly 30 updates: the arrival update (a partial step) and 29 still ones.
      let still = 0;
      for (let t = 32; t <= 900; t++) {
        const d = step(p, t);
        if (d === 0) still++;
        else {
          if (still > 0) expect(still).toBe(29);
          still = 0;
          // Whole steps are 1 m (a walker never passes its waypoint; the rest of the step is lost).
          if (d < 1 - 1e-9) expect(step(p, t + 1)).toBe(0);
          else expect(d).toBeCloseTo(1, 9);
        }
      }
    }
  });

  it("the first step after a pause keeps the previous leg's speed (The ONE's order), later steps the new one", () => {
    const people = 30;
    const { step } = walk({ speedMps: [0.5, 1.5], pauseS: [5, 20] }, people, 1800);
    let checked = 0;
    for (let p = 0; p < people; p++) {
      /** Speed of the leg being walked, from a step that is neither its first nor its last. */
      let legSpeed = NaN;
      for (let t = 2; t < 1798; t++) {
        const d = step(p, t);
        const before = step(p, t - 1);
        const after = step(p, t + 1);
        if (before === 0 && d > 0) {
          // A leg starts: its first step goes at the previous leg's speed (when that leg is known
          // and this one lasts more than two steps).
          if (!Number.isNaN(legSpeed) && after > 0 && step(p, t + 2) > 0) {
            expect(d).toBeCloseTo(legSpeed, 9);
            expect(Math.abs(after - legSpeed)).toBeGreaterThan(1e-12);
            checked++;
          }
          legSpeed = NaN;
        } else if (before > 0 && d > 0 && after > 0) legSpeed = d;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});
