/**
 * Ground truth: every step, every pair of people present within the rule's distance accrues the step's
 * seconds on that UTC day. A pair is a true close contact on a day when its seconds reach the rule's
 * minimum (the same rule core's verdict applies, default ≤ 2 m for ≥ 15 min).
 *
 * Incremental: the pairs within the distance are kept as active entries. A pair whose two people did
 * not move keeps its distance, so it stays active; only people who moved are queried on the grid (found
 * pairs become active) and a mover's active pairs that its query did not find again end. Same sums as
 * querying everyone every step, at a cost that follows the movers, not the crowd: a step touches only
 * the movers' entries, never the whole active set (in a city, 3 % of people move in a step while tens
 * of thousands of pairs stay close). Each entry is on both its people's lists (doubly linked), so a
 * mover finds its pairs, and one that ends leaves both lists at once.
 *
 * An entry counts no steps as they pass: a pair is active without a break from the step it began, so
 * when it ends (or on {@link GroundTruth.flush}, or at a new UTC day) it adds those steps to its
 * columns, one step's seconds at a time, so sums are those of accruing every step. Pairs live in typed
 * columns with an open-addressing index on (pair, day): no Map, no boxed keys.
 *
 * A mover's query is matched against the mover's own list (a handful of entries, copied to a scratch
 * array first): no table of active pairs to probe per pair found, and an entry's pair, people, first
 * step and both lists' links share one 32-byte record, so walking a list costs a cache line an entry.
 * The run's index of every pair (a district's millions) is read only when a pair becomes active.
 * @module
 */
import type { MoveLog } from '../grid/moveLog.js';
import type { UniformGrid } from '../grid/uniformGrid.js';
import type { Movers } from '../mobility/movers.js';
import { ensureLength } from '../util/growable.js';

const EMPTY = -1;
/**
 * The last day a pair can fall on, in days after the run's first (scenarios run 30 days at most, so a
 * byte a pair holds it).
 */
const MAX_DAY_OFFSET = 0xff;
/**
 * How the pair records grow (see {@link GroundTruth.grow}): by a quarter, so they leave an eighth empty
 * on average (by half: a quarter, 8 MB at 100 k phones).
 */
const PAIR_GROWTH = 1.25;
/**
 * An active entry's record, ENTRY_WORDS words: its pair (−1: a free slot), its two people (a < b), the
 * step its unflushed run of steps began, then previous and next entry on a's list and on b's (−1:
 * none). Which links a person's list uses is told by whether the person is the entry's a.
 */
const ENTRY_WORDS = 8;
const E_PAIR = 0;
const E_A = 1;
const E_B = 2;
const E_FROM = 3;
const E_LINKS_A = 4;
const E_LINKS_B = 6;
/** A pair's record (see GroundTruth.pairRecords): its people a < b, its day offset, its steps. */
const PAIR_WORDS = 4;
const P_A = 0;
const P_B = 1;
const P_DAY = 2;
const P_STEPS = 3;
/** A mover's held entry that its query found again (see {@link GroundTruth.step}). */
const FOUND = -2;

export class GroundTruth {
  /**
   * Each pair's record, PAIR_WORDS words: its people (a < b), its day as days after the run's first (see
   * {@link pairDay}) and its steps within the distance that day (a count, not seconds: every step of a
   * run is as long). One 16-byte record, so finding a pair (its people and day compared) and adding to
   * its steps each cost one cache line at a district's 2.5 M pairs, not one per column.
   */
  private pairRecords = new Uint32Array(PAIR_WORDS * 1024);
  /**
   * Run time (s) at which a pair's seconds that day first reached the minimum, for the pairs that did:
   * well under 1 % of a city's, so a column over every pair would be nearly all NaN.
   */
  private readonly reached = new Map<number, number>();
  /**
   * Pairs (a < b, see {@link pairAAt}, {@link pairBAt}) per day with any time within the distance,
   * numbered in order of first contact. Their seconds ({@link closeSAt}) and {@link reachedAtS} are
   * current after {@link flush} (`Simulation.run` flushes at its end).
   */
  length = 0;
  /** Active entries, ENTRY_WORDS words each (see E_PAIR …). */
  private entries = new Int32Array(ENTRY_WORDS * 1024);
  /** The order in which entries began (slots are reused, so a new day re-keys its pairs in this order). */
  private entryOrder = new Float64Array(1024);
  /** Each person's first entry (−1: none). */
  private readonly listHead: Int32Array;
  /** Entries ever used (slots 0 … slotsUsed − 1), the free ones among them (a stack), the live ones. */
  private slotsUsed = 0;
  private freeSlots = new Int32Array(1024);
  private freeCount = 0;
  private liveCount = 0;
  private began = 0;
  /** A mover's entries while its query runs, and the other person of each (FOUND once found again). */
  private heldEntry = new Int32Array(64);
  private heldOther = new Int32Array(64);
  private steps = 0;
  /** The day of the last step (a new one re-keys the pairs still active). */
  private lastDay = NaN;
  /** Run time of each step, s (index: step number, from 1). */
  private stepTimeS = new Float64Array(1024);
  /** The length of every step, s (NaN before the first). */
  private stepS = NaN;
  /** The fewest steps whose seconds reach the minimum duration (set with {@link stepS}). */
  private minSteps = 0;
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
  ) {
    this.listHead = new Int32Array(people).fill(EMPTY);
  }

  /** One step: `moves` says who changed since the last step; `grid` is up to date with them. */
  step(m: Movers, grid: UniformGrid, moves: MoveLog, tS: number, stepS: number, day: number): void {
    const stamp = this.openStep(tS, stepS);
    const { xM, yM, present } = m;
    const { moved, movedCount } = moves;
    const { listHead } = this;
    const sameDay = day === this.lastDay;
    // Each mover: every pair within the distance is (or stays) active, and its other pairs end.
    for (let i = 0; i < movedCount; i++) {
      const a = moved[i]!;
      const held = listHead[a] === EMPTY ? 0 : this.hold(a, day, sameDay);
      const { heldEntry, heldOther } = this;
      if (present[a]) {
        const n = grid.within(xM[a]!, yM[a]!, this.maxDistanceM);
        const found = grid.found;
        for (let k = 0; k < n; k++) {
          const b = found[k]!;
          if (b === a) continue;
          let h = 0;
          while (h < held && heldOther[h] !== b) h++;
          if (h < held) heldOther[h] = FOUND;
          else this.begin(a < b ? a : b, a < b ? b : a, day, stamp);
        }
      }
      for (let h = 0; h < held; h++) if (heldOther[h] !== FOUND) this.end(heldEntry[h]!, stamp);
    }
    this.closeStep(day, stamp);
  }

  /**
   * One step from the link events of a {@link RangeEventTracker} at this truth's distance (squared:
   * `maxDistanceM²`), instead of the movers' queries: for crowds that nearly all move every step, where
   * the tracker's pass over everyone costs less than a query per mover. Event k: people `a[k]`, `b[k]`
   * came within the distance (`up[k]` 1: the pair becomes active) or left it (0: its entry ends). Same
   * sums as {@link step}; pairs are numbered in the events' order.
   */
  stepFromEvents(
    a: Uint32Array,
    b: Uint32Array,
    up: Uint8Array,
    events: number,
    tS: number,
    stepS: number,
    day: number,
  ): void {
    const stamp = this.openStep(tS, stepS);
    for (let k = 0; k < events; k++) {
      const p = a[k]!;
      const q = b[k]!;
      const lo = p < q ? p : q;
      const hi = p < q ? q : p;
      if (up[k]) this.begin(lo, hi, day, stamp);
      else this.end(this.activeEntry(lo, hi), stamp);
    }
    this.closeStep(day, stamp);
  }

  /** Starts a step at run time `tS` (s): its number (stamp), with its time kept. */
  private openStep(tS: number, stepS: number): number {
    if (stepS !== this.stepS) this.setStepS(stepS);
    const stamp = ++this.steps;
    if (stamp === this.stepTimeS.length) this.stepTimeS = ensureLength(this.stepTimeS, stamp + 1);
    this.stepTimeS[stamp] = tS;
    return stamp;
  }

  /** Ends step `stamp` on `day`: a new UTC day carries the pairs still active over as that day's. */
  private closeStep(day: number, stamp: number): void {
    if (day !== this.lastDay && this.liveCount > 0) this.newDay(day, stamp);
    this.lastDay = day;
  }

  /** The active entry of (lo, hi), from lo's list (a pair has one while within the distance). */
  private activeEntry(lo: number, hi: number): number {
    const entries = this.entries;
    for (let e = this.listHead[lo]!; e !== EMPTY;) {
      const at = ENTRY_WORDS * e;
      const isA = entries[at + E_A] === lo;
      if (entries[at + (isA ? E_B : E_A)] === hi) return e;
      e = entries[at + (isA ? E_LINKS_A : E_LINKS_B) + 1]!;
    }
    throw new Error(`internal: ground truth has no active pair ${lo}, ${hi} to end`);
  }

  /**
   * Copies person a's entries to {@link heldEntry}, with their other person in {@link heldOther} (−1
   * for a pair of an earlier day, which a query on `day` never finds again); returns how many.
   */
  private hold(a: number, day: number, sameDay: boolean): number {
    const entries = this.entries;
    let held = 0;
    for (let e = this.listHead[a]!; e !== EMPTY;) {
      const at = ENTRY_WORDS * e;
      const isA = entries[at + E_A] === a;
      if (held === this.heldEntry.length) {
        this.heldEntry = ensureLength(this.heldEntry, held + 1);
        this.heldOther = ensureLength(this.heldOther, held + 1);
      }
      this.heldEntry[held] = e;
      // On a new day's first step, pairs begun before it are the last day's: the mover ends them and
      // begins the new day's as it finds them, so those are numbered in the order they are found.
      this.heldOther[held++] =
        sameDay || this.pairDay(entries[at + E_PAIR]!) === day
          ? entries[at + (isA ? E_B : E_A)]!
          : EMPTY;
      e = entries[at + (isA ? E_LINKS_A : E_LINKS_B) + 1]!;
    }
    return held;
  }

  /** Adds every active pair's steps so far to its columns (they keep accruing afterwards). */
  flush(): void {
    const next = this.steps + 1;
    const entries = this.entries;
    for (let e = 0; e < this.slotsUsed; e++) {
      const at = ENTRY_WORDS * e;
      const pair = entries[at + E_PAIR]!;
      if (pair < 0) continue;
      this.addSteps(pair, entries[at + E_FROM]!, next - entries[at + E_FROM]!);
      entries[at + E_FROM] = next;
    }
  }

  /**
   * The entries of an earlier day, in the order they began (what the pairs' creation order follows),
   * each as `day`'s pair from step `stamp` on.
   */
  private newDay(day: number, stamp: number): void {
    const entries = this.entries;
    const carried: number[] = [];
    for (let e = 0; e < this.slotsUsed; e++) {
      const pair = entries[ENTRY_WORDS * e + E_PAIR]!;
      if (pair >= 0 && this.pairDay(pair) !== day) carried.push(e);
    }
    carried.sort((x, y) => this.entryOrder[x]! - this.entryOrder[y]!);
    for (const e of carried) {
      const at = ENTRY_WORDS * e;
      const from = entries[at + E_FROM]!;
      this.addSteps(entries[at + E_PAIR]!, from, stamp - from);
      entries[at + E_PAIR] = this.pairOf(entries[at + E_A]!, entries[at + E_B]!, day);
      entries[at + E_FROM] = stamp;
    }
  }

  /** Makes (lo, hi, day) active (its pair created if new) from step `stamp`. */
  private begin(lo: number, hi: number, day: number, stamp: number): void {
    const pair = this.pairOf(lo, hi, day);
    let e: number;
    if (this.freeCount > 0) e = this.freeSlots[--this.freeCount]!;
    else {
      e = this.slotsUsed++;
      if (ENTRY_WORDS * e === this.entries.length) {
        this.entries = ensureLength(this.entries, ENTRY_WORDS * (e + 1));
        this.entryOrder = ensureLength(this.entryOrder, e + 1);
      }
    }
    this.liveCount++;
    const at = ENTRY_WORDS * e;
    const entries = this.entries;
    entries[at + E_PAIR] = pair;
    entries[at + E_A] = lo;
    entries[at + E_B] = hi;
    entries[at + E_FROM] = stamp;
    this.entryOrder[e] = this.began++;
    this.link(e, lo, E_LINKS_A);
    this.link(e, hi, E_LINKS_B);
  }

  /** Entry e's pair is out of range from step `stamp`: its steps are added, and it leaves both lists. */
  private end(e: number, stamp: number): void {
    const at = ENTRY_WORDS * e;
    const entries = this.entries;
    const from = entries[at + E_FROM]!;
    this.addSteps(entries[at + E_PAIR]!, from, stamp - from);
    this.unlink(e, entries[at + E_A]!, E_LINKS_A);
    this.unlink(e, entries[at + E_B]!, E_LINKS_B);
    entries[at + E_PAIR] = EMPTY;
    this.liveCount--;
    if (this.freeCount === this.freeSlots.length)
      this.freeSlots = ensureLength(this.freeSlots, this.freeCount + 1);
    this.freeSlots[this.freeCount++] = e;
  }

  /** The offset of person p's links in entry e's record (p is one of its two people). */
  private linksOf(e: number, p: number): number {
    const at = ENTRY_WORDS * e;
    return at + (this.entries[at + E_A] === p ? E_LINKS_A : E_LINKS_B);
  }

  /** Puts entry e first on person p's list, through its links at `side` (E_LINKS_A: p is its a). */
  private link(e: number, p: number, side: number): void {
    const entries = this.entries;
    const first = this.listHead[p]!;
    const at = ENTRY_WORDS * e + side;
    entries[at] = EMPTY;
    entries[at + 1] = first;
    if (first !== EMPTY) entries[this.linksOf(first, p)] = e;
    this.listHead[p] = e;
  }

  /** Takes entry e off person p's list (its links at `side`). */
  private unlink(e: number, p: number, side: number): void {
    const entries = this.entries;
    const at = ENTRY_WORDS * e + side;
    const prev = entries[at]!;
    const next = entries[at + 1]!;
    if (prev === EMPTY) this.listHead[p] = next;
    else entries[this.linksOf(prev, p) + 1] = next;
    if (next !== EMPTY) entries[this.linksOf(next, p)] = prev;
  }

  /** Pair i's seconds within the distance on its day. */
  closeSAt(i: number): number {
    return this.pairRecords[PAIR_WORDS * i + P_STEPS]! * this.stepS;
  }

  /** Pair i's first person (the lower index). */
  pairAAt(i: number): number {
    return this.pairRecords[PAIR_WORDS * i + P_A]!;
  }

  /** Pair i's second person (the higher index). */
  pairBAt(i: number): number {
    return this.pairRecords[PAIR_WORDS * i + P_B]!;
  }

  /** Run time (s) at which pair i's seconds that day first reached the minimum (NaN: never). */
  reachedAtS(i: number): number {
    return this.reached.get(i) ?? NaN;
  }

  /** Whether pair i is a true close contact on its day. */
  isClose(i: number): boolean {
    return this.pairRecords[PAIR_WORDS * i + P_STEPS]! >= this.minSteps;
  }

  /** Pair i's UTC day number (days since the epoch). */
  pairDay(i: number): number {
    return this.firstDay + this.pairRecords[PAIR_WORDS * i + P_DAY]!;
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
      if (this.isPair(pair, lo, hi, offset)) return pair;
    }
  }

  /** Steps from..from+count−1 of `pair`, one step's seconds at a time, noting when it reached the minimum. */
  private addSteps(pair: number, from: number, count: number): void {
    const at = PAIR_WORDS * pair + P_STEPS;
    const before = this.pairRecords[at]!;
    const after = before + count;
    // The step that made the count reach the minimum, if one of these did.
    if (before < this.minSteps && after >= this.minSteps)
      this.reached.set(pair, this.stepTimeS[from + this.minSteps - before - 1]!);
    this.pairRecords[at] = after;
  }

  /** Every step of a run is `stepS` long: set at the first, and an error if a later one differs. */
  private setStepS(stepS: number): void {
    if (this.steps > 0 || !(stepS > 0))
      throw new RangeError(
        `ground truth: step of ${stepS} s; every step of a run must be as long as the first (${this.stepS} s) and positive`,
      );
    this.stepS = stepS;
    // The fewest steps (at least one: a pair's first step reaches a minimum of 0) whose seconds reach
    // the minimum, with the tolerance seconds summed as doubles had.
    const minS = this.minDurationS - 1e-9;
    let k = Math.max(1, Math.ceil(minS / stepS));
    while (k > 1 && (k - 1) * stepS >= minS) k--;
    while (k * stepS < minS) k++;
    this.minSteps = k;
  }

  /** Whether pair `pair` is (lo, hi) on the day `offset` days after the run's first. */
  private isPair(pair: number, lo: number, hi: number, offset: number): boolean {
    const at = PAIR_WORDS * pair;
    const records = this.pairRecords;
    return records[at + P_A] === lo && records[at + P_B] === hi && records[at + P_DAY] === offset;
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
      if (this.isPair(pair, lo, hi, offset)) return pair;
    }
    if (!(offset >= 0 && offset <= MAX_DAY_OFFSET))
      throw new RangeError(
        `ground truth: day ${day} is ${offset} days from the run's first (${this.firstDay}); it keeps 0 … ${MAX_DAY_OFFSET}`,
      );
    const pair = this.length++;
    if (PAIR_WORDS * (pair + 1) > this.pairRecords.length) this.grow(pair + 1);
    const at = PAIR_WORDS * pair;
    const records = this.pairRecords;
    records[at + P_A] = lo;
    records[at + P_B] = hi;
    records[at + P_DAY] = offset;
    records[at + P_STEPS] = 0;
    this.slots[s] = pair;
    if (this.length * 4 > this.slots.length * 3) this.rehash();
    return pair;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let pair = 0; pair < this.length; pair++) {
      let s = this.hashOf(this.pairAAt(pair), this.pairBAt(pair), this.pairDay(pair)) & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = pair;
    }
    this.slots = slots;
  }

  /** Room for `length` pairs, grown by {@link PAIR_GROWTH} (pairs are most of a district's truth). */
  private grow(length: number): void {
    this.pairRecords = ensureLength(this.pairRecords, PAIR_WORDS * length, PAIR_GROWTH);
  }
}
