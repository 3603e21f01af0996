import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MoveLog } from '../src/grid/moveLog.js';
import { PackedGrid } from '../src/grid/packedGrid.js';
import { UniformGrid } from '../src/grid/uniformGrid.js';
import { Movers } from '../src/mobility/movers.js';
import {
  NORMAL_TABLE,
  NORMAL_TABLE_BINS,
  normalQuantile,
  tableCrossing,
} from '../src/random/normal.js';
import { IdTable } from '../src/store/idTable.js';
import { GroundTruth } from '../src/truth/groundTruth.js';
import { RangeEventTracker } from '../src/truth/rangeEvents.js';

/** Random walk of n people in a w × h area: each step some move a little, some jump, some leave or come back. */
const walks = fc.record({
  n: fc.integer({ min: 2, max: 40 }),
  steps: fc.array(
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 9 }),
      ),
      { maxLength: 12 },
    ),
    { minLength: 1, maxLength: 30 },
  ),
  seedXY: fc.array(
    fc.tuple(
      fc.double({ min: 0, max: 12, noNaN: true }),
      fc.double({ min: 0, max: 8, noNaN: true }),
    ),
    { minLength: 40, maxLength: 40 },
  ),
});

type Walk = typeof walks extends fc.Arbitrary<infer T> ? T : never;

function play(walk: Walk, each: (m: Movers, step: number) => void): void {
  const m = new Movers(walk.n);
  for (let p = 0; p < walk.n; p++) m.place(p, walk.seedXY[p]![0], walk.seedXY[p]![1]);
  walk.steps.forEach((moves, step) => {
    for (const [who, dx, dy, kind] of moves) {
      const p = who % walk.n;
      if (kind === 0) m.present[p] = m.present[p] ? 0 : 1;
      else if (kind === 1) m.place(p, Math.abs(dx) * 4, Math.abs(dy) * 2.6);
      else
        m.place(
          p,
          Math.min(12, Math.max(0, m.xM[p]! + dx / 3)),
          Math.min(8, Math.max(0, m.yM[p]! + dy / 3)),
        );
    }
    each(m, step);
  });
}

/** A small LCG's next 32-bit state, from `seed`. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
}

/** A permutation of 0 … n − 1 (Fisher–Yates on `next`). */
function randomPermutation(n: number, next: () => number): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Moves the (x, y) pair at 2i, 2i + 1 of `records` to 2 newIndex[i], 2 newIndex[i] + 1. */
function movePairs(records: Float64Array, newIndex: Int32Array): void {
  const copy = records.slice();
  for (let i = 0; i < newIndex.length; i++)
    records.set([copy[2 * i]!, copy[2 * i + 1]!], 2 * newIndex[i]!);
}

describe('scale structures', () => {
  it('the incrementally updated grid finds exactly what brute force finds after every step', () => {
    fc.assert(
      fc.property(walks, fc.double({ min: 0.5, max: 5, noNaN: true }), (walk, radius) => {
        const grid = new UniformGrid(12, 8, 2, walk.n);
        const moves = new MoveLog(walk.n);
        let built = false;
        play(walk, (m) => {
          moves.scan(m);
          if (!built) grid.build(m.xM, m.yM, m.present, m.count);
          else grid.update(m.xM, m.yM, m.present, moves.moved, moves.movedCount);
          built = true;
          for (let a = 0; a < walk.n; a++) {
            if (!m.present[a]) continue;
            const k = grid.within(m.xM[a]!, m.yM[a]!, radius);
            const found = [...grid.found.subarray(0, k)].sort((x, y) => x - y);
            const brute: number[] = [];
            for (let b = 0; b < walk.n; b++)
              if (
                m.present[b] &&
                (m.xM[b]! - m.xM[a]!) ** 2 + (m.yM[b]! - m.yM[a]!) ** 2 <= radius * radius
              )
                brute.push(b);
            expect(found).toEqual(brute);
          }
        });
      }),
      { numRuns: 60 },
    );
  });

  it('a renumbered grid finds the same entries, in the same order, under their new names', () => {
    fc.assert(
      fc.property(
        walks,
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (walk, radius, seed) => {
          // Positions read from records (x, y at 2i, 2i + 1), as the air's grid reads them.
          const records = new Float64Array(2 * walk.n);
          const grid = new UniformGrid(12, 8, 2, walk.n, {
            records,
            stride: 2,
            xOffset: 0,
            yOffset: 1,
          });
          let name = Int32Array.from({ length: walk.n }, (_, p) => p);
          const random = lcg(seed);
          play(walk, (m) => {
            for (let p = 0; p < walk.n; p++) {
              records[2 * name[p]!] = m.xM[p]!;
              records[2 * name[p]! + 1] = m.yM[p]!;
              grid.placeAt(name[p]!, m.xM[p]!, m.yM[p]!, m.present[p] === 1);
            }
            const before = (a: number) => {
              const k = grid.within(m.xM[a]!, m.yM[a]!, radius);
              return [...grid.found.subarray(0, k)];
            };
            const queried = [...Array(walk.n).keys()].filter((a) => m.present[a]);
            const old = queried.map(before);
            // A random permutation, applied to grid and records alike.
            const newIndex = randomPermutation(walk.n, random);
            movePairs(records, newIndex);
            grid.renumber(newIndex);
            name = name.map((i) => newIndex[i]!);
            queried.forEach((a, q) => expect(before(a)).toEqual(old[q]!.map((i) => newIndex[i]!)));
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the packed grid finds exactly what brute force finds, through moves, repacks and lists', () => {
    fc.assert(
      fc.property(
        walks,
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.constantFrom(0.05, 0.3, 2),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (walk, radius, repackShare, repackAtStep) => {
          const records = new Float64Array(2 * walk.n);
          const grid = new PackedGrid(
            12,
            8,
            2,
            walk.n,
            { records, stride: 2, xOffset: 0, yOffset: 1 },
            { repackShare },
          );
          const placed = new Float64Array(3 * walk.n).fill(NaN);
          play(walk, (m, step) => {
            for (let p = 0; p < walk.n; p++) {
              // Only those whose place changed, as the air places its movers.
              const was = [placed[3 * p], placed[3 * p + 1], placed[3 * p + 2]];
              if (was[0] === m.xM[p] && was[1] === m.yM[p] && was[2] === m.present[p]) continue;
              placed.set([m.xM[p]!, m.yM[p]!, m.present[p]!], 3 * p);
              records[2 * p] = m.xM[p]!;
              records[2 * p + 1] = m.yM[p]!;
              grid.placeAt(p, m.xM[p]!, m.yM[p]!, m.present[p] === 1);
            }
            grid.repackIfDue();
            if (repackAtStep[step]) grid.repack();
            for (let a = 0; a < walk.n; a++) {
              const k = grid.within(m.xM[a]!, m.yM[a]!, radius);
              const found = [...grid.found.subarray(0, k)];
              const brute: number[] = [];
              for (let b = 0; b < walk.n; b++) {
                const d2 = (m.xM[b]! - m.xM[a]!) ** 2 + (m.yM[b]! - m.yM[a]!) ** 2;
                if (m.present[b] && d2 <= radius * radius) brute.push(b);
              }
              expect([...found].sort((x, y) => x - y)).toEqual(brute);
              for (let q = 0; q < k; q++) {
                const b = found[q]!;
                const d2 = (m.xM[b]! - m.xM[a]!) ** 2 + (m.yM[b]! - m.yM[a]!) ** 2;
                expect(grid.foundDistance2[q]).toBe(d2);
              }
            }
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('renaming packed-grid entries changes no answer but the names, then or at any later step', () => {
    fc.assert(
      fc.property(
        walks,
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (walk, radius, seed, renameAtStep) => {
          // Twin grids over the same people: one keeps names = people, the other is renamed at random
          // steps (records and pack order moved alike), as the air renames slots when it re-lays them.
          const positions = () => new Float64Array(2 * walk.n);
          const plainRecords = positions();
          const renamedRecords = positions();
          const plain = new PackedGrid(
            12,
            8,
            2,
            walk.n,
            { records: plainRecords, stride: 2, xOffset: 0, yOffset: 1 },
            { repackShare: 0.1 },
          );
          const name = Int32Array.from({ length: walk.n }, (_, p) => p);
          const renamed = new PackedGrid(
            12,
            8,
            2,
            walk.n,
            { records: renamedRecords, stride: 2, xOffset: 0, yOffset: 1 },
            { repackShare: 0.1, packOrder: name },
          );
          const random = lcg(seed);
          play(walk, (m, step) => {
            for (let p = 0; p < walk.n; p++) {
              plainRecords.set([m.xM[p]!, m.yM[p]!], 2 * p);
              renamedRecords.set([m.xM[p]!, m.yM[p]!], 2 * name[p]!);
              plain.placeAt(p, m.xM[p]!, m.yM[p]!, m.present[p] === 1);
              renamed.placeAt(name[p]!, m.xM[p]!, m.yM[p]!, m.present[p] === 1);
            }
            plain.repackIfDue();
            renamed.repackIfDue();
            if (renameAtStep[step]) {
              const newIndex = randomPermutation(walk.n, random);
              movePairs(renamedRecords, newIndex);
              renamed.renumber(newIndex);
              for (let p = 0; p < walk.n; p++) name[p] = newIndex[name[p]!]!;
            }
            for (let a = 0; a < walk.n; a++) {
              const k = plain.within(m.xM[a]!, m.yM[a]!, radius);
              const expected = [...plain.found.subarray(0, k)].map((p) => name[p]!);
              const got = renamed.within(m.xM[a]!, m.yM[a]!, radius);
              expect([...renamed.found.subarray(0, got)]).toEqual(expected);
            }
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('incremental ground truth accrues exactly what querying every pair at every step accrues, across a UTC day boundary, from movers or from link events', () => {
    fc.assert(
      fc.property(
        walks,
        fc.integer({ min: 1, max: 20 }),
        // A minimum of 0 s included: a pair reaches it at its first step.
        fc.constantFrom(0, 60, 5 * 60),
        // Steps from the movers' queries, or from a link-event tracker expecting no, short or long steps.
        fc.constantFrom(undefined, 0, 0.3, 1.5),
        (walk, dayAtStep, minS, trackerStepM) => {
          const stepS = 60;
          const firstDay = 20_000;
          const truth = new GroundTruth(walk.n, 2, minS, firstDay);
          const grid = new UniformGrid(12, 8, 2, walk.n);
          const moves = new MoveLog(walk.n);
          const tracker =
            trackerStepM === undefined
              ? undefined
              : new RangeEventTracker({
                  people: walk.n,
                  widthM: 12,
                  heightM: 8,
                  rangeM: 2,
                  inRange2: 4,
                  stepM: trackerStepM,
                });
          const brute = new Map<string, number>();
          // When a pair's seconds that day first reached the minimum.
          const reachedAt = new Map<string, number>();
          let built = false;
          play(walk, (m, step) => {
            const tS = (step + 1) * stepS;
            const day = step + 1 >= dayAtStep ? firstDay + 1 : firstDay;
            moves.scan(m);
            if (!built) grid.build(m.xM, m.yM, m.present, m.count);
            else grid.update(m.xM, m.yM, m.present, moves.moved, moves.movedCount);
            built = true;
            if (tracker) {
              const events = tracker.update(m.xM, m.yM, m.present);
              truth.stepFromEvents(tracker.evA, tracker.evB, tracker.evUp, events, tS, stepS, day);
            } else truth.step(m, grid, moves, tS, stepS, day);
            for (let a = 0; a < walk.n; a++)
              for (let b = a + 1; b < walk.n; b++)
                if (
                  m.present[a] &&
                  m.present[b] &&
                  (m.xM[b]! - m.xM[a]!) ** 2 + (m.yM[b]! - m.yM[a]!) ** 2 <= 4
                ) {
                  const key = `${a},${b},${day}`;
                  const seconds = (brute.get(key) ?? 0) + stepS;
                  brute.set(key, seconds);
                  if (seconds >= minS && !reachedAt.has(key)) reachedAt.set(key, tS);
                }
          });
          truth.flush();
          const got = new Map<string, number>();
          for (let i = 0; i < truth.length; i++)
            if (truth.closeSAt(i) > 0)
              got.set(
                `${truth.pairAAt(i)},${truth.pairBAt(i)},${truth.pairDay(i)}`,
                truth.closeSAt(i),
              );
          expect(new Map([...got].sort())).toEqual(new Map([...brute].sort()));
          for (const [key, seconds] of brute) {
            const [a, b, day] = key.split(',').map(Number) as [number, number, number];
            const i = truth.find(b, a, day);
            expect(i).toBeGreaterThanOrEqual(0);
            expect(truth.isClose(i)).toBe(seconds >= minS);
            expect(truth.reachedAtS(i)).toBe(reachedAt.get(key) ?? NaN);
          }
          expect(truth.find(0, 1, firstDay + 5)).toBe(-1);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('the normal quantile matches known values, and its table interpolates within 0.02 σ', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalQuantile(1e-9)).toBeCloseTo(-5.997807, 4);
    fc.assert(
      fc.property(
        fc.double({
          min: 1 / NORMAL_TABLE_BINS,
          max: 1 - 1 / NORMAL_TABLE_BINS,
          noNaN: true,
          maxExcluded: true,
        }),
        (p) => {
          const x = p * NORMAL_TABLE_BINS;
          const bin = Math.floor(x);
          const interpolated =
            NORMAL_TABLE[bin]! + (x - bin) * (NORMAL_TABLE[bin + 1]! - NORMAL_TABLE[bin]!);
          expect(Math.abs(interpolated - normalQuantile(p))).toBeLessThan(0.02);
        },
      ),
    );
  });

  it("the table's crossing of z: every position below it gives a quantile under z, and it is tight", () => {
    // The air's per-advert quantile of a table position: interpolated, exact in the outermost bins.
    const quantileAt = (x: number) => {
      const bin = Math.floor(x);
      if (bin < 1 || bin >= NORMAL_TABLE_BINS - 1) return normalQuantile(x / NORMAL_TABLE_BINS);
      return NORMAL_TABLE[bin]! + (x - bin) * (NORMAL_TABLE[bin + 1]! - NORMAL_TABLE[bin]!);
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: -7, max: 7, noNaN: true }),
          fc.constantFrom(NORMAL_TABLE[1]!, NORMAL_TABLE[2048]!, -Infinity, Infinity, NaN),
        ),
        // A draw's position is never below 0.5 × 4096 / 2³²: (r + 0.5) × bins / threshold.
        fc.double({ min: 1e-6, max: 1, noNaN: true, maxExcluded: true }),
        (z, u) => {
          const crossing = tableCrossing(z);
          expect(crossing).toBeGreaterThanOrEqual(0);
          expect(crossing).toBeLessThanOrEqual(NORMAL_TABLE_BINS - 1);
          if (crossing > 0) expect(quantileAt(Math.max(u * crossing, 4.8e-7))).toBeLessThan(z);
          // Tight: from the crossing on, the quantile reaches z (up to rounding) inside the table.
          if (crossing >= 1 && crossing < NORMAL_TABLE_BINS - 1)
            expect(quantileAt(crossing)).toBeGreaterThan(z - 1e-12);
          if (z > NORMAL_TABLE[1]! && z <= NORMAL_TABLE[NORMAL_TABLE_BINS - 1]!)
            expect(crossing).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("the table's crossing is the binary search's, at every knot, just past it and between knots", () => {
    // The crossing lies in the bin of the largest inner knot below z; the index only guesses that bin.
    const bySearch = (z: number) => {
      let lo = 1;
      let hi = NORMAL_TABLE_BINS - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if (NORMAL_TABLE[mid]! < z) lo = mid;
        else hi = mid;
      }
      return lo + (z - NORMAL_TABLE[lo]!) / (NORMAL_TABLE[lo + 1]! - NORMAL_TABLE[lo]!);
    };
    const probes: number[] = [];
    for (let b = 1; b < NORMAL_TABLE_BINS; b++) {
      const knot = NORMAL_TABLE[b]!;
      const next = b + 1 < NORMAL_TABLE_BINS ? NORMAL_TABLE[b + 1]! : knot + 1e-3;
      probes.push(knot, knot + Math.abs(knot) * 2.3e-16 + 5e-324, (knot + next) / 2);
    }
    for (const z of probes) {
      if (!(NORMAL_TABLE[1]! < z && z <= NORMAL_TABLE[NORMAL_TABLE_BINS - 1]!)) continue;
      expect(tableCrossing(z)).toBe(bySearch(z));
    }
  });

  it('the ID table finds an ID by its bytes whatever object carries them, and keeps one index per ID', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 16, maxLength: 16 }), {
          minLength: 1,
          maxLength: 3000,
          selector: (b) => b.join(','),
        }),
        (ids) => {
          const table = new IdTable();
          ids.forEach((id, i) => expect(table.intern(id, i)).toBe(i));
          ids.forEach((id, i) => {
            expect(table.lookup(Uint8Array.from(id))).toBe(i);
            expect(table.intern(Uint8Array.from(id), 99)).toBe(i);
            expect(table.owner(i)).toBe(i);
          });
          expect(table.size).toBe(ids.length);
          const stranger = Uint8Array.from(ids[0]!);
          stranger[15] = stranger[15]! ^ 1;
          if (!ids.some((id) => id.every((b, k) => b === stranger[k])))
            expect(table.lookup(stranger)).toBe(-1);
        },
      ),
      { numRuns: 30 },
    );
  });
});
