/**
 * Ground truth: every step, every pair of people present within the rule's distance (grid query, no
 * O(n²)) accrues the step's seconds on that UTC day. A pair is a true close contact on a day when its
 * seconds reach the rule's minimum (the same rule core's verdict applies, default ≤ 2 m for ≥ 15 min).
 * @module
 */
import type { UniformGrid } from '../grid/uniformGrid.js';
import type { Movers } from '../mobility/movers.js';
import { ensureLength } from '../util/growable.js';

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

  constructor(
    private readonly people: number,
    readonly maxDistanceM: number,
    readonly minDurationS: number,
    /** UTC day number (days since the epoch) of the run's start: keys count days from it. */
    private readonly firstDay: number,
  ) {}

  step(m: Movers, grid: UniformGrid, tS: number, stepS: number, day: number): void {
    const { xM, yM, present } = m;
    for (let a = 0; a < m.count; a++) {
      if (!present[a]) continue;
      const n = grid.within(xM[a]!, yM[a]!, this.maxDistanceM);
      for (let k = 0; k < n; k++) {
        const b = grid.found[k]!;
        if (b > a) this.accrue(a, b, day, tS, stepS);
      }
    }
  }

  /** Map key of the pair lo < hi on a day: days count from the run's first, so keys stay exact doubles. */
  private keyOf(lo: number, hi: number, day: number): number {
    return ((day - this.firstDay) * this.people + lo) * this.people + hi;
  }

  private accrue(a: number, b: number, day: number, tS: number, stepS: number): void {
    const key = this.keyOf(a, b, day);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.length++;
      if (i === this.pairA.length) this.grow(i + 1);
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

  private grow(length: number): void {
    this.pairA = ensureLength(this.pairA, length);
    this.pairB = ensureLength(this.pairB, length);
    this.pairDay = ensureLength(this.pairDay, length);
    this.closeS = ensureLength(this.closeS, length);
    this.reachedAtS = ensureLength(this.reachedAtS, length);
  }

  /** Whether pair i is a true close contact on its day. */
  isClose(i: number): boolean {
    return this.closeS[i]! >= this.minDurationS - 1e-9;
  }

  /** Index of (a, b, day) or −1. */
  find(a: number, b: number, day: number): number {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    return this.index.get(this.keyOf(lo, hi, day)) ?? -1;
  }
}
