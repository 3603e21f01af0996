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
 * A mover's query finds its pairs through a table of the active ones only, keyed inline by (a, b, day):
 * one probe into a table the size of who is close now, where the index of every pair of the run (a
 * district's millions) cost a probe and then the pair's columns, each a cache miss. The full index is
 * read only when a pair becomes active.
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
/** Words a place of the active pairs' table takes: a, b, day, entry. */
const KEY_WORDS = 4;
/**
 * An entry's links, LINK_WORDS words: previous and next entry on its a's list, then on its b's (−1:
 * none). Which two a person's list uses is told by whether the person is the entry's a.
 */
const LINK_WORDS = 4;

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
  /**
   * Active entries: pair (−1: free), its two people and day, the step its unflushed run of steps
   * began, the step a mover's query last found it, its place in {@link activeKeys}, and the order in
   * which entries began (slots are reused, so a new day re-keys its pairs in this order).
   */
  private activePair = new Int32Array(1024).fill(EMPTY);
  private activeA = new Uint32Array(1024);
  private activeB = new Uint32Array(1024);
  private activeDay = new Int32Array(1024);
  private activeFrom = new Uint32Array(1024);
  private activeSeen = new Uint32Array(1024);
  private activePlace = new Int32Array(1024);
  private activeOrder = new Float64Array(1024);
  private activeLinks = new Int32Array(LINK_WORDS * 1024);
  /** Each person's first entry (−1: none). */
  private readonly listHead: Int32Array;
  /** Entries ever used (slots 0 … slotsUsed − 1), the free ones among them (a stack), the live ones. */
  private slotsUsed = 0;
  private freeSlots = new Int32Array(1024);
  private freeCount = 0;
  private liveCount = 0;
  private began = 0;
  /**
   * Active pairs by (a, b, day), open addressing: KEY_WORDS words a place (a, b, day, the entry; a =
   * −1: empty; entry −1: the pair ended, its key kept so probes go on past it). At most half the places
   * are used, ended ones included; then it is built again from the live entries.
   */
  private activeKeys = new Int32Array(KEY_WORDS * 1024).fill(EMPTY);
  private activeKeysUsed = 0;
  private steps = 0;
  /** The day of the last step (a new one re-keys the pairs still active). */
  private lastDay = NaN;
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
  ) {
    this.listHead = new Int32Array(people).fill(EMPTY);
  }

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
        const place = this.placeFor(lo, hi, day);
        const at = KEY_WORDS * place;
        let slot = this.activeKeys[at + 3]!;
        if (this.activeKeys[at] === EMPTY || slot === EMPTY)
          slot = this.begin(lo, hi, day, stamp, place);
        this.activeSeen[slot] = stamp;
      }
    }
    // Then each mover's pairs: those its query did not find again are out of range now.
    const { activeA, activeSeen, activeLinks, listHead } = this;
    for (let i = 0; i < movedCount; i++) {
      const a = moved[i]!;
      for (let e = listHead[a]!; e !== EMPTY;) {
        const next = activeLinks[LINK_WORDS * e + (activeA[e] === a ? 1 : 3)]!;
        if (activeSeen[e] !== stamp) this.end(e, stamp);
        e = next;
      }
    }
    // A new UTC day: the pairs still active go on as that day's pairs.
    if (day !== this.lastDay && this.liveCount > 0) this.newDay(day, stamp);
    this.lastDay = day;
  }

  /** Adds every active pair's steps so far to its columns (they keep accruing afterwards). */
  flush(): void {
    const next = this.steps + 1;
    for (let e = 0; e < this.slotsUsed; e++) {
      const pair = this.activePair[e]!;
      if (pair < 0) continue;
      this.addSteps(pair, this.activeFrom[e]!, next - this.activeFrom[e]!);
      this.activeFrom[e] = next;
    }
  }

  /**
   * The entries of an earlier day, in the order they began (what the pairs' creation order follows),
   * each as `day`'s pair from step `stamp` on.
   */
  private newDay(day: number, stamp: number): void {
    const carried: number[] = [];
    for (let e = 0; e < this.slotsUsed; e++)
      if (this.activePair[e]! >= 0 && this.activeDay[e] !== day) carried.push(e);
    carried.sort((x, y) => this.activeOrder[x]! - this.activeOrder[y]!);
    for (const e of carried) {
      const pair = this.activePair[e]!;
      this.addSteps(pair, this.activeFrom[e]!, stamp - this.activeFrom[e]!);
      this.unkey(e);
      const a = this.activeA[e]!;
      const b = this.activeB[e]!;
      this.activePair[e] = this.pairOf(a, b, day);
      this.activeDay[e] = day;
      this.activeFrom[e] = stamp;
      this.keyActive(e, this.placeFor(a, b, day));
    }
  }

  /** Makes (lo, hi, day) active (its pair created if new) from step `stamp`, keyed at `place`; returns its entry. */
  private begin(lo: number, hi: number, day: number, stamp: number, place: number): number {
    const pair = this.pairOf(lo, hi, day);
    let e: number;
    if (this.freeCount > 0) e = this.freeSlots[--this.freeCount]!;
    else {
      e = this.slotsUsed++;
      if (e === this.activePair.length) this.growActive(e + 1);
    }
    this.liveCount++;
    this.activePair[e] = pair;
    this.activeA[e] = lo;
    this.activeB[e] = hi;
    this.activeDay[e] = day;
    this.activeFrom[e] = stamp;
    this.activeOrder[e] = this.began++;
    this.link(e, lo, 0);
    this.link(e, hi, 2);
    this.keyActive(e, place);
    return e;
  }

  /** Entry e's pair is out of range from step `stamp`: its steps are added, and it leaves both lists. */
  private end(e: number, stamp: number): void {
    this.addSteps(this.activePair[e]!, this.activeFrom[e]!, stamp - this.activeFrom[e]!);
    this.unkey(e);
    this.unlink(e, this.activeA[e]!, 0);
    this.unlink(e, this.activeB[e]!, 2);
    this.activePair[e] = EMPTY;
    this.liveCount--;
    if (this.freeCount === this.freeSlots.length)
      this.freeSlots = ensureLength(this.freeSlots, this.freeCount + 1);
    this.freeSlots[this.freeCount++] = e;
  }

  /** Puts entry e first on person p's list, through its links at `side` (0: p is its a; 2: its b). */
  private link(e: number, p: number, side: number): void {
    const links = this.activeLinks;
    const first = this.listHead[p]!;
    links[LINK_WORDS * e + side] = EMPTY;
    links[LINK_WORDS * e + side + 1] = first;
    if (first !== EMPTY) links[LINK_WORDS * first + (this.activeA[first] === p ? 0 : 2)] = e;
    this.listHead[p] = e;
  }

  /** Takes entry e off person p's list (its links at `side`). */
  private unlink(e: number, p: number, side: number): void {
    const links = this.activeLinks;
    const prev = links[LINK_WORDS * e + side]!;
    const next = links[LINK_WORDS * e + side + 1]!;
    if (prev === EMPTY) this.listHead[p] = next;
    else links[LINK_WORDS * prev + (this.activeA[prev] === p ? 1 : 3)] = next;
    if (next !== EMPTY) links[LINK_WORDS * next + (this.activeA[next] === p ? 0 : 2)] = prev;
  }

  /**
   * Builds the active pairs' table again from the live entries, with room for at least four times as
   * many (so half full only after as many new ones again). It never shrinks: a table allocated anew
   * each time cost more in collections than its size saved.
   */
  private rekeyActive(): void {
    let places = this.activeKeys.length / KEY_WORDS;
    while (places < 4 * this.liveCount) places *= 2;
    if (places * KEY_WORDS === this.activeKeys.length) this.activeKeys.fill(EMPTY);
    else this.activeKeys = new Int32Array(KEY_WORDS * places).fill(EMPTY);
    this.activeKeysUsed = 0;
    for (let e = 0; e < this.slotsUsed; e++) {
      if (this.activePair[e]! < 0) continue;
      this.keyActive(e, this.placeFor(this.activeA[e]!, this.activeB[e]!, this.activeDay[e]!));
    }
  }

  /** The place of (lo, hi, day) in the active pairs' table: where it is keyed, or the empty one it would take. */
  private placeFor(lo: number, hi: number, day: number): number {
    const keys = this.activeKeys;
    const mask = keys.length / KEY_WORDS - 1;
    for (let place = this.hashOf(lo, hi, day) & mask; ; place = (place + 1) & mask) {
      const k = KEY_WORDS * place;
      if (keys[k] === EMPTY || (keys[k] === lo && keys[k + 1] === hi && keys[k + 2] === day))
        return place;
    }
  }

  /** Keys entry e at `place` (from {@link placeFor}); builds the table again once half its places are used. */
  private keyActive(e: number, place: number): void {
    const keys = this.activeKeys;
    const k = KEY_WORDS * place;
    if (keys[k] === EMPTY) {
      keys[k] = this.activeA[e]!;
      keys[k + 1] = this.activeB[e]!;
      keys[k + 2] = this.activeDay[e]!;
      this.activeKeysUsed++;
    }
    keys[k + 3] = e;
    this.activePlace[e] = place;
    if (this.activeKeysUsed * 2 * KEY_WORDS > keys.length) this.rekeyActive();
  }

  /** Entry e's pair leaves the table (its key stays, for the probes that pass it). */
  private unkey(e: number): void {
    this.activeKeys[KEY_WORDS * this.activePlace[e]! + 3] = EMPTY;
  }

  private growActive(length: number): void {
    const grown = this.activePair.length;
    this.activePair = ensureLength(this.activePair, length);
    this.activePair.fill(EMPTY, grown);
    this.activeA = ensureLength(this.activeA, length);
    this.activeB = ensureLength(this.activeB, length);
    this.activeDay = ensureLength(this.activeDay, length);
    this.activeFrom = ensureLength(this.activeFrom, length);
    this.activeSeen = ensureLength(this.activeSeen, length);
    this.activePlace = ensureLength(this.activePlace, length);
    this.activeOrder = ensureLength(this.activeOrder, length);
    this.activeLinks = ensureLength(this.activeLinks, LINK_WORDS * this.activePair.length);
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
  }
}
