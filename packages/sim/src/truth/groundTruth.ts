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
 *
 * The active list is read in order; it counts each pair's steps and adds them to the pair's columns (one
 * step's seconds at a time, so sums are those of accruing every step) only when the pair leaves the list
 * or on {@link GroundTruth.flush}: a step touches no pair's columns at random. A pair that leaves is
 * marked dead where it stands, and the list is compacted (in order) once a quarter of it is dead, so the
 * pairs that stay do not move, and their pair → place index is not rewritten, every step.
 * @module
 */
import type { MoveLog } from '../grid/moveLog.js';
import type { UniformGrid } from '../grid/uniformGrid.js';
import type { Movers } from '../mobility/movers.js';
import { ensureLength } from '../util/growable.js';

const EMPTY = -1;
/** The last day a pair can fall on, in days after the run's first (scenarios run 30 days at most). */
const MAX_DAY_OFFSET = 0xffff;
/** How the pair columns grow (see {@link GroundTruth.grow}). */
const PAIR_GROWTH = 1.5;

export class GroundTruth {
  /**
   * Pairs (a < b) per day with any time within the distance, in order of first contact. `closeS` and
   * `reachedAtS` are current after {@link flush} (`Simulation.run` flushes at its end).
   */
  pairA = new Uint32Array(1024);
  pairB = new Uint32Array(1024);
  closeS = new Float64Array(1024);
  /** Each pair's day as days after the run's first (see {@link pairDay}): 2 bytes, not 4. */
  private dayOffset = new Uint16Array(1024);
  /**
   * Run time (s) at which a pair's seconds that day first reached the minimum, for the pairs that did:
   * well under 1 % of a city's, so a column over every pair would be nearly all NaN.
   */
  private readonly reached = new Map<number, number>();
  length = 0;
  /** Each pair's place in the active list (−1: not active). */
  private activeSlot = new Int32Array(1024).fill(EMPTY);
  /**
   * The active list: pair (−1: dead, left the list), its two people and day, the step its unflushed run
   * of steps began, their count.
   */
  private activePair = new Int32Array(1024);
  private activeA = new Uint32Array(1024);
  private activeB = new Uint32Array(1024);
  private activeDay = new Int32Array(1024);
  private activeFrom = new Uint32Array(1024);
  private activeSteps = new Uint32Array(1024);
  /** Step at which a mover's query last found the pair. */
  private activeSeen = new Uint32Array(1024);
  /** Entries in the list, dead ones included, and how many of them are dead. */
  private activeCount = 0;
  private deadCount = 0;
  private steps = 0;
  /** Run time and length of each step, s (index: step number, from 1). */
  private stepTimeS = new Float64Array(1024);
  private stepLengthS = new Float64Array(1024);
  /**
   * Open addressing: slot → pair index (−1 empty); size a power of two, at most three quarters full: a
   * district holds millions of pairs, and at most half full often took a table twice the size to save
   * under a probe per lookup, within one cache line.
   */
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
    if (stamp === this.stepTimeS.length) {
      this.stepTimeS = ensureLength(this.stepTimeS, stamp + 1);
      this.stepLengthS = ensureLength(this.stepLengthS, stamp + 1);
    }
    this.stepTimeS[stamp] = tS;
    this.stepLengthS[stamp] = stepS;
    const { xM, yM, present } = m;
    const { moved, movedCount } = moves;
    // Movers first: every pair within the distance that involves one is (or stays) active.
    for (let i = 0; i < movedCount; i++) {
      const a = moved[i]!;
      if (!present[a]) continue;
      const n = grid.within(xM[a]!, yM[a]!, this.maxDistanceM);
      const found = grid.found;
      for (let k = 0; k < n; k++) {
        const b = found[k]!;
        if (b === a) continue;
        const lo = a < b ? a : b;
        const hi = a < b ? b : a;
        const pair = this.pairOf(lo, hi, day);
        let slot = this.activeSlot[pair]!;
        if (slot === EMPTY) slot = this.activate(pair, lo, hi, day, stamp);
        this.activeSeen[slot] = stamp;
      }
    }
    // Then the active list, in order: pairs found by a mover, or of two people who stood still, accrue
    // this step; pairs with a mover that was not found again are out of range now.
    const { activePair, activeA, activeB, activeDay, activeFrom, activeSteps, activeSeen } = this;
    const count = this.activeCount;
    for (let i = 0; i < count; i++) {
      const pair = activePair[i]!;
      if (pair < 0) continue;
      if (activeSeen[i] !== stamp) {
        const a = activeA[i]!;
        const b = activeB[i]!;
        if (moves.movedNow(a) || moves.movedNow(b)) {
          this.addSteps(pair, activeFrom[i]!, activeSteps[i]!);
          this.activeSlot[pair] = EMPTY;
          activePair[i] = -1;
          this.deadCount++;
          continue;
        }
        if (activeDay[i] !== day) {
          // A new UTC day: the pair goes on as that day's pair.
          this.addSteps(pair, activeFrom[i]!, activeSteps[i]!);
          this.activeSlot[pair] = EMPTY;
          const next = this.pairOf(a, b, day);
          activePair[i] = next;
          activeDay[i] = day;
          activeFrom[i] = stamp;
          activeSteps[i] = 0;
          this.activeSlot[next] = i;
        }
      }
      activeSteps[i] = activeSteps[i]! + 1;
    }
    if (this.deadCount * 4 > this.activeCount) this.compact();
  }

  /** Drops the dead entries of the active list, keeping the order of the others. */
  private compact(): void {
    const { activePair, activeA, activeB, activeDay, activeFrom, activeSteps, activeSeen } = this;
    let kept = 0;
    for (let i = 0; i < this.activeCount; i++) {
      const pair = activePair[i]!;
      if (pair < 0) continue;
      if (kept !== i) {
        activePair[kept] = pair;
        activeA[kept] = activeA[i]!;
        activeB[kept] = activeB[i]!;
        activeDay[kept] = activeDay[i]!;
        activeFrom[kept] = activeFrom[i]!;
        activeSteps[kept] = activeSteps[i]!;
        activeSeen[kept] = activeSeen[i]!;
        this.activeSlot[pair] = kept;
      }
      kept++;
    }
    this.activeCount = kept;
    this.deadCount = 0;
  }

  /** Adds every active pair's counted steps to its columns (they keep accruing afterwards). */
  flush(): void {
    for (let i = 0; i < this.activeCount; i++) {
      if (this.activePair[i]! < 0) continue;
      this.addSteps(this.activePair[i]!, this.activeFrom[i]!, this.activeSteps[i]!);
      this.activeFrom[i] = this.activeFrom[i]! + this.activeSteps[i]!;
      this.activeSteps[i] = 0;
    }
  }

  /** Run time (s) at which pair i's seconds that day first reached the minimum (NaN: never). */
  reachedAtS(i: number): number {
    return this.reached.get(i) ?? NaN;
  }

  /** Whether pair i is a true close contact on its day. */
  isClose(i: number): boolean {
    return this.closeS[i]! >= this.minDurationS - 1e-9;
  }

  /** Pair i's UTC day number (days since the epoch). */
  pairDay(i: number): number {
    return this.firstDay + this.dayOffset[i]!;
  }

  /** Index of (a, b, day) or −1. */
  find(a: number, b: number, day: number): number {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const mask = this.slots.length - 1;
    const offset = day - this.firstDay;
    for (let s = this.hashOf(lo, hi, day) & mask; ; s = (s + 1) & mask) {
      const pair = this.slots[s]!;
      if (pair === EMPTY) return -1;
      if (this.pairA[pair] === lo && this.pairB[pair] === hi && this.dayOffset[pair] === offset)
        return pair;
    }
  }

  /** Steps from..from+count−1 of `pair`, one step's seconds at a time, noting when it reached the minimum. */
  private addSteps(pair: number, from: number, count: number): void {
    let closeS = this.closeS[pair]!;
    let reached = this.reached.has(pair);
    const minS = this.minDurationS - 1e-9;
    for (let j = from; j < from + count; j++) {
      closeS += this.stepLengthS[j]!;
      if (!reached && closeS >= minS) {
        this.reached.set(pair, this.stepTimeS[j]!);
        reached = true;
      }
    }
    this.closeS[pair] = closeS;
  }

  private activate(pair: number, lo: number, hi: number, day: number, stamp: number): number {
    const slot = this.activeCount++;
    if (slot === this.activePair.length) {
      this.activePair = ensureLength(this.activePair, slot + 1);
      this.activeA = ensureLength(this.activeA, slot + 1);
      this.activeB = ensureLength(this.activeB, slot + 1);
      this.activeDay = ensureLength(this.activeDay, slot + 1);
      this.activeFrom = ensureLength(this.activeFrom, slot + 1);
      this.activeSteps = ensureLength(this.activeSteps, slot + 1);
      this.activeSeen = ensureLength(this.activeSeen, slot + 1);
    }
    this.activePair[slot] = pair;
    this.activeA[slot] = lo;
    this.activeB[slot] = hi;
    this.activeDay[slot] = day;
    this.activeFrom[slot] = stamp;
    this.activeSteps[slot] = 0;
    this.activeSlot[pair] = slot;
    return slot;
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
    const offset = day - this.firstDay;
    let s = this.hashOf(lo, hi, day) & mask;
    for (; ; s = (s + 1) & mask) {
      const pair = this.slots[s]!;
      if (pair === EMPTY) break;
      if (this.pairA[pair] === lo && this.pairB[pair] === hi && this.dayOffset[pair] === offset)
        return pair;
    }
    if (!(offset >= 0 && offset <= MAX_DAY_OFFSET))
      throw new RangeError(
        `ground truth: day ${day} is ${offset} days from the run's first (${this.firstDay}); it keeps 0 … ${MAX_DAY_OFFSET}`,
      );
    const pair = this.length++;
    if (pair === this.pairA.length) this.grow(pair + 1);
    this.pairA[pair] = lo;
    this.pairB[pair] = hi;
    this.dayOffset[pair] = offset;
    this.closeS[pair] = 0;
    this.activeSlot[pair] = EMPTY;
    this.slots[s] = pair;
    if (this.length * 4 > this.slots.length * 3) this.rehash();
    return pair;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let pair = 0; pair < this.length; pair++) {
      let s = this.hashOf(this.pairA[pair]!, this.pairB[pair]!, this.pairDay(pair)) & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = pair;
    }
    this.slots = slots;
  }

  /** Room for `length` pairs: by half again, not double (the pairs are most of a district's truth). */
  private grow(length: number): void {
    this.pairA = ensureLength(this.pairA, length, PAIR_GROWTH);
    this.pairB = ensureLength(this.pairB, length, PAIR_GROWTH);
    this.dayOffset = ensureLength(this.dayOffset, length, PAIR_GROWTH);
    this.closeS = ensureLength(this.closeS, length, PAIR_GROWTH);
    this.activeSlot = ensureLength(this.activeSlot, length, PAIR_GROWTH);
  }
}
