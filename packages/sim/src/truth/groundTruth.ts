/**
 * Ground truth: every step, every pair of people present within the rule's distance (grid query, no
 * O(n²)) accrues the step's seconds on that UTC day. A pair is a true close contact on a day when its
 * seconds reach the rule's minimum (the same rule core's verdict applies, default ≤ 2 m for ≥ 15 min).
 * @module
 */
import type { UniformGrid } from '../grid/uniformGrid.js';
import type { Movers } from '../mobility/movers.js';

export class GroundTruth {
  /** Pairs (a < b) per day with any time within the distance, in order of first contact. */
  pairA = new Uint32Array(1024);
  pairB = new Uint32Array(1024);
  pairDay = new Int32Array(1024);
  closeS = new Float64Array(1024);
  /** Run time (s) at which the pair's seconds that day first reached the minimum (NaN: never). */
  reachedAtS = new Float64Array(1024);
  length = 0;
  private readonly index = new Map<number, number>();
  private readonly radius2: number;

  constructor(
    private readonly people: number,
    readonly maxDistanceM: number,
    readonly minDurationS: number,
    /** UTC day number (days since the epoch) of the run's start: keys count days from it. */
    private readonly firstDay: number,
  ) {
    this.radius2 = maxDistanceM * maxDistanceM;
  }

  step(m: Movers, grid: UniformGrid, tS: number, stepS: number, day: number): void {
    const { xM, yM, present } = m;
    const r = this.maxDistanceM;
    for (let a = 0; a < m.count; a++) {
      if (!present[a]) continue;
      const ax = xM[a]!;
      const ay = yM[a]!;
      const c0 = grid.col(ax - r);
      const c1 = grid.col(ax + r);
      const r0 = grid.row(ay - r);
      const r1 = grid.row(ay + r);
      for (let row = r0; row <= r1; row++) {
        for (let col = c0; col <= c1; col++) {
          const cell = row * grid.cols + col;
          for (let k = grid.cellStart[cell]!; k < grid.cellStart[cell + 1]!; k++) {
            const b = grid.items[k]!;
            if (b <= a) continue;
            const dx = xM[b]! - ax;
            const dy = yM[b]! - ay;
            if (dx * dx + dy * dy > this.radius2) continue;
            this.accrue(a, b, day, tS, stepS);
          }
        }
      }
    }
  }

  private accrue(a: number, b: number, day: number, tS: number, stepS: number): void {
    const key = ((day - this.firstDay) * this.people + a) * this.people + b;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.length++;
      if (i === this.pairA.length) this.grow();
      this.index.set(key, i);
      this.pairA[i] = a;
      this.pairB[i] = b;
      this.pairDay[i] = day;
      this.closeS[i] = 0;
      this.reachedAtS[i] = NaN;
    }
    this.closeS[i]! += stepS;
    if (Number.isNaN(this.reachedAtS[i]!) && this.closeS[i]! >= this.minDurationS - 1e-9) this.reachedAtS[i] = tS;
  }

  private grow(): void {
    const n = this.pairA.length * 2;
    const grow = <T extends Uint32Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.pairA = grow(this.pairA, (k) => new Uint32Array(k));
    this.pairB = grow(this.pairB, (k) => new Uint32Array(k));
    this.pairDay = grow(this.pairDay, (k) => new Int32Array(k));
    this.closeS = grow(this.closeS, (k) => new Float64Array(k));
    this.reachedAtS = grow(this.reachedAtS, (k) => new Float64Array(k));
  }

  /** Whether pair i is a true close contact on its day. */
  isClose(i: number): boolean {
    return this.closeS[i]! >= this.minDurationS - 1e-9;
  }

  /** Index of (a, b, day) or −1. */
  find(a: number, b: number, day: number): number {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    return this.index.get(((day - this.firstDay) * this.people + lo) * this.people + hi) ?? -1;
  }
}
