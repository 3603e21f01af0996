/**
 * Ground truth: every step, every pair of people present within the rule's distance accrues the step's
 * seconds on that UTC day. A pair is a true close contact on a day when its seconds reach the rule's
 * minimum (the same rule core's verdict applies, default ≤ 2 m for ≥ 15 min).
 *
 * Incremental: the pairs within the distance are kept in an active list. A pair whose two people did not
 * move keeps its distance, so it simply accrues again; only people who moved are queried on the grid
 * (found pairs join the list) and active pairs with a mover that the query did not find again leave it.
 * Same sums as querying everyone every step, at a cost that follows the movers, not the crowd. Pairs
 * live in typed columns with an open-addressing index on (pair, day): no Map, no boxed keys.
 * @module
 */
import type { MoveLog } from '../grid/moveLog.js';
import type { UniformGrid } from '../grid/uniformGrid.js';
import type { Movers } from '../mobility/movers.js';
import { ensureLength } from '../util/growable.js';

const EMPTY = -1;

export class GroundTruth {
  /** Pairs (a < b) per day with any time within the distance, in order of first contact. */
  pairA = new Uint32Array(1024);
  pairB = new Uint32Array(1024);
  pairDay = new Int32Array(1024);
  closeS = new Float64Array(1024);
  /** Run time (s) at which the pair's seconds that day first reached the minimum (NaN: never). */
  reachedAtS = new Float64Array(1024);
  length = 0;
  /** Step at which each pair last accrued (0: never), so no pair accrues twice in one step. */
  private accruedAtStep = new Uint32Array(1024);
  /** Pairs within the distance at the last step (indexes into the columns). */
  private active = new Int32Array(1024);
  private activeCount = 0;
  private isActive = new Uint8Array(1024);
  private steps = 0;
  /** Open addressing: slot → pair index (−1 empty); size a power of two, at most half full. */
  private slots = new Int32Array(2048).fill(EMPTY);

  constructor(
    private readonly people: number,
    readonly maxDistanceM: number,
    readonly minDurationS: number,
    /** UTC day number (days since the epoch) of the run's start. */
    private readonly firstDay: number,
  ) {}

  /** One step: `moves` says who changed since the last step; `grid` is up to date with them. */
  step(m: Movers, grid: UniformGrid, moves: MoveLog, tS: number, stepS: number, day: number): void {
    const stamp = ++this.steps;
    const { xM, yM, present } = m;
    const { moved, movedCount } = moves;
    // Movers first: every pair within the distance that involves one accrues and is (or stays) active.
    for (let i = 0; i < movedCount; i++) {
      const a = moved[i]!;
      if (!present[a]) continue;
      const n = grid.within(xM[a]!, yM[a]!, this.maxDistanceM);
      const found = grid.found;
      for (let k = 0; k < n; k++) {
        const b = found[k]!;
        if (b === a) continue;
        const pair = a < b ? this.pairOf(a, b, day) : this.pairOf(b, a, day);
        if (this.accruedAtStep[pair] === stamp) continue;
        this.accrue(pair, stamp, tS, stepS);
        if (!this.isActive[pair]) this.activate(pair);
      }
    }
    // Then the active list: pairs of two people who stood still accrue; pairs with a mover that was not
    // found again are out of range now.
    const active = this.active;
    let { isActive, pairA, pairB } = this;
    let kept = 0;
    for (let i = 0; i < this.activeCount; i++) {
      let pair = active[i]!;
      if (this.accruedAtStep[pair] !== stamp) {
        if (moves.movedNow(pairA[pair]!) || moves.movedNow(pairB[pair]!)) {
          isActive[pair] = 0;
          continue;
        }
        if (this.pairDay[pair] !== day) {
          // A new UTC day: the pair goes on as that day's pair.
          isActive[pair] = 0;
          pair = this.pairOf(pairA[pair]!, pairB[pair]!, day);
          ({ isActive, pairA, pairB } = this); // pairOf may have grown the columns
          isActive[pair] = 1;
        }
        this.accrue(pair, stamp, tS, stepS);
      }
      active[kept++] = pair;
    }
    this.activeCount = kept;
  }

  /** Whether pair i is a true close contact on its day. */
  isClose(i: number): boolean {
    return this.closeS[i]! >= this.minDurationS - 1e-9;
  }

  /** Index of (a, b, day) or −1. */
  find(a: number, b: number, day: number): number {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const mask = this.slots.length - 1;
    for (let s = this.hashOf(lo, hi, day) & mask; ; s = (s + 1) & mask) {
      const pair = this.slots[s]!;
      if (pair === EMPTY) return -1;
      if (this.pairA[pair] === lo && this.pairB[pair] === hi && this.pairDay[pair] === day)
        return pair;
    }
  }

  private accrue(pair: number, stamp: number, tS: number, stepS: number): void {
    this.accruedAtStep[pair] = stamp;
    const closeS = (this.closeS[pair]! += stepS);
    if (closeS >= this.minDurationS - 1e-9 && Number.isNaN(this.reachedAtS[pair]!))
      this.reachedAtS[pair] = tS;
  }

  private activate(pair: number): void {
    if (this.activeCount === this.active.length)
      this.active = ensureLength(this.active, this.activeCount + 1);
    this.active[this.activeCount++] = pair;
    this.isActive[pair] = 1;
  }

  private hashOf(lo: number, hi: number, day: number): number {
    let h =
      Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^
      Math.imul(hi + 0x7f4a7c15, 0xc2b2ae35) ^
      Math.imul(day - this.firstDay, 0x27d4eb2f);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return (h ^ (h >>> 12)) >>> 0;
  }

  /** Index of (lo, hi, day), created (with no seconds yet) if new. */
  private pairOf(lo: number, hi: number, day: number): number {
    const mask = this.slots.length - 1;
    let s = this.hashOf(lo, hi, day) & mask;
    for (; ; s = (s + 1) & mask) {
      const pair = this.slots[s]!;
      if (pair === EMPTY) break;
      if (this.pairA[pair] === lo && this.pairB[pair] === hi && this.pairDay[pair] === day)
        return pair;
    }
    const pair = this.length++;
    if (pair === this.pairA.length) this.grow(pair + 1);
    this.pairA[pair] = lo;
    this.pairB[pair] = hi;
    this.pairDay[pair] = day;
    this.closeS[pair] = 0;
    this.reachedAtS[pair] = NaN;
    this.slots[s] = pair;
    if (this.length * 2 > this.slots.length) this.rehash();
    return pair;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let pair = 0; pair < this.length; pair++) {
      let s = this.hashOf(this.pairA[pair]!, this.pairB[pair]!, this.pairDay[pair]!) & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = pair;
    }
    this.slots = slots;
  }

  private grow(length: number): void {
    this.pairA = ensureLength(this.pairA, length);
    this.pairB = ensureLength(this.pairB, length);
    this.pairDay = ensureLength(this.pairDay, length);
    this.closeS = ensureLength(this.closeS, length);
    this.reachedAtS = ensureLength(this.reachedAtS, length);
    this.accruedAtStep = ensureLength(this.accruedAtStep, length);
    this.isActive = ensureLength(this.isActive, length);
  }
}
