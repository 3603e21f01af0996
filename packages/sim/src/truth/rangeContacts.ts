/**
 * Range-only contacts, as The ONE's `ConnectivityONEReport` logs them: at every update a link between two
 * walkers is up while their distance is ≤ the range (`NetworkInterface.isWithinRange`: the Euclidean
 * distance, square root and all, compared with `<=`), it goes "up" at the first update they are within
 * range and "down" at the first update they are not (or one of them has left). No radio, no probability:
 * the unit-disk links The ONE's `SimpleBroadcastInterface` makes when every host always scans.
 *
 * The events come from a {@link RangeEventTracker} (a uniform grid of both updates' positions, every
 * candidate pair judged once, in WebAssembly). Its test is one comparison of the squared distance with
 * the largest double whose square root is ≤ the range ({@link sqrtAtMost}): exactly The ONE's test on
 * the square root, and the same arithmetic whichever update evaluates it. Memory is O(walkers) in typed
 * arrays, plus a bitset of pairs ever linked up to 8192 walkers; the events go to a
 * {@link ConnectivityLog}, streamed or kept in memory.
 * @module
 */
import { open } from 'node:fs/promises';
import { InputError } from '@proxsense/core';
import { ConnectivityLog, memoryLogSink, type LogSink } from './connectivityLog.js';
import { RangeEventTracker } from './rangeEvents.js';

/** What `results.json` reports under `rangeContacts`. */
export interface RangeContactSummary {
  /** The link range, m. */
  rangeM: number;
  /** "up" events: links made. */
  linkUps: number;
  /** Distinct pairs that were ever linked. */
  pairs: number;
  /** Link time summed over pairs: updates a pair spent within range × the update interval, s. */
  contactS: number;
}

export interface RangeContactOptions {
  /** The link range, m (The ONE's `transmitRange`). */
  rangeM: number;
  /** Walkers (indices 0 … people − 1). */
  people: number;
  /** The area the grid covers, m; positions outside it still count (edge cells hold them). */
  widthM: number;
  heightM: number;
  /**
   * Where the link log goes (default `'memory'`): kept for {@link RangeContacts.logChunks},
   * {@link RangeContacts.logLines} and {@link RangeContacts.writeLog}; a {@link LogSink} that gets it
   * while the run goes (call {@link RangeContacts.flushLog} after the last update); or `'none'`.
   */
  log?: 'memory' | 'none' | LogSink;
  /**
   * How far a walker is expected to move between updates at most, m (default 0.15 × the range: 1.5 m at
   * 10 m, The ONE's fastest random-waypoint walker in a 1 s update). Only speed depends on it: a walker
   * moving farther costs a look-up of its previous links in the previous update's grid.
   */
  stepM?: number;
  /** Names in the log: walker p is `ids[p]` (e.g. a trace's numeric node ids, see {@link numericIds}); default p. */
  ids?: ArrayLike<number>;
  /**
   * A clock in seconds (e.g. `() => performance.now() / 1000`) for benchmarks: with it, each update
   * adds its time to {@link RangeContacts.linksS} (finding links and events) and
   * {@link RangeContacts.logS} (sorting and formatting the log, and the sink's own time).
   */
  clock?: () => number;
}

/** Above this many walkers, ever-linked pairs go in a Set instead of a bitset of n² bits. */
const BITSET_MAX_PEOPLE = 8192;
/** The default expected step between updates, as a share of the range. */
const DEFAULT_STEP_PER_RANGE = 0.15;

export class RangeContacts {
  readonly rangeM: number;
  readonly people: number;
  linkUps = 0;
  /** Pair-updates within range (contactS = this × the update interval). */
  linkedUpdates = 0;
  contactS = 0;
  /** Up/down events so far (the log's lines). */
  events = 0;
  /** With a `clock` option: time spent finding links and events, and on the log, s. */
  linksS = 0;
  logS = 0;
  private readonly clock: (() => number) | undefined;
  /** The link events of each update. */
  private readonly tracker: RangeEventTracker;
  private readonly log: ConnectivityLog | undefined;
  private readonly kept: Uint8Array[] | undefined;
  private readonly everBits: Uint8Array | undefined;
  private readonly everSet: Set<number> | undefined;
  private pairCount = 0;
  private lastS = 0;

  constructor(options: RangeContactOptions) {
    const { rangeM, people } = options;
    if (!(rangeM > 0 && Number.isFinite(rangeM)))
      throw new InputError('rangeM', 'a range above 0 m', String(rangeM));
    this.rangeM = rangeM;
    this.people = people;
    this.clock = options.clock;
    const stepM = options.stepM ?? DEFAULT_STEP_PER_RANGE * rangeM;
    if (!(stepM >= 0 && Number.isFinite(stepM)))
      throw new InputError('stepM', 'a step of 0 m or more', String(options.stepM));
    this.tracker = new RangeEventTracker({
      people,
      widthM: options.widthM,
      heightM: options.heightM,
      rangeM,
      inRange2: sqrtAtMost(rangeM),
      stepM,
    });
    const log = options.log ?? 'memory';
    if (log === 'memory') {
      const memory = memoryLogSink();
      this.kept = memory.chunks;
      this.log = new ConnectivityLog(people, memory.sink, options.ids);
    } else if (log !== 'none') this.log = new ConnectivityLog(people, log, options.ids);
    if (people <= BITSET_MAX_PEOPLE)
      this.everBits = new Uint8Array(Math.ceil((people * people) / 8));
    else this.everSet = new Set();
  }

  /** Distinct pairs ever linked. */
  get pairs(): number {
    return this.pairCount;
  }

  summary(): RangeContactSummary {
    return {
      rangeM: this.rangeM,
      linkUps: this.linkUps,
      pairs: this.pairs,
      contactS: this.contactS,
    };
  }

  /**
   * One update at run time `tS` (s) with everyone's positions: logs the links that came up or went
   * down since the previous update and adds (tS − previous update) to every link that is up.
   */
  update(tS: number, xM: Float64Array, yM: Float64Array, present: Uint8Array): void {
    const dtS = tS - this.lastS;
    this.lastS = tS;
    const t0 = this.clock?.();
    const tracker = this.tracker;
    const events = tracker.update(xM, yM, present);
    const { evA, evB, evUp } = tracker;
    let ups = 0;
    for (let k = 0; k < events; k++) {
      if (!evUp[k]) continue;
      ups++;
      this.everLinked(evA[k]!, evB[k]!);
    }
    this.linkUps += ups;
    this.events += events;
    this.linkedUpdates += tracker.links;
    this.contactS += tracker.links * dtS;
    const t1 = this.clock?.();
    this.log?.writeUpdate(tS, evA, evB, evUp, events);
    if (this.clock) {
      const t2 = this.clock();
      this.linksS += t1! - t0!;
      this.logS += t2 - t1!;
    }
  }

  /** Hands what the log has buffered to its sink (a streamed log: once, after the last update). */
  flushLog(): void {
    const t0 = this.clock?.();
    this.log?.flush();
    if (this.clock) this.logS += this.clock() - t0!;
  }

  /** Counts a pair that came up if it never had before. */
  private everLinked(a: number, b: number): void {
    const key = a < b ? a * this.people + b : b * this.people + a;
    if (this.everBits) {
      const bit = 1 << (key & 7);
      const byte = key >>> 3;
      if (!(this.everBits[byte]! & bit)) {
        this.everBits[byte]! |= bit;
        this.pairCount++;
      }
    } else if (!this.everSet!.has(key)) {
      this.everSet!.add(key);
      this.pairCount++;
    }
  }

  /**
   * The kept log (`log: 'memory'`): ConnectivityONEReport's lines, `TIME CONN A B up|down` (see
   * {@link ConnectivityLog}), as ASCII chunks of whole lines (each line ends in `\n`).
   */
  *logChunks(): Generator<Uint8Array> {
    if (!this.kept)
      throw new Error("logChunks: this tracker's log is not kept in memory (log: 'memory')");
    this.flushLog();
    yield* this.kept;
  }

  /** The kept log's lines (see {@link logChunks}), without their newlines. */
  *logLines(): Generator<string> {
    const decoder = new TextDecoder('ascii');
    for (const chunk of this.logChunks()) yield* decoder.decode(chunk).slice(0, -1).split('\n');
  }

  /** Writes the kept log ({@link logChunks}) to `path`. */
  async writeLog(path: string): Promise<void> {
    const file = await open(path, 'w');
    try {
      for (const chunk of this.logChunks()) await file.write(chunk);
    } finally {
      await file.close();
    }
  }
}

/**
 * The largest double `t` with `Math.sqrt(t) <= rangeM`: since the square root is correctly rounded, and
 * so never decreasing, `d2 <= t` ⟺ `Math.sqrt(d2) <= rangeM` for every double `d2` (NaN: false on both
 * sides). `rangeM · rangeM` itself can be off by an ulp either way.
 */
export function sqrtAtMost(rangeM: number): number {
  let t = rangeM * rangeM;
  while (t > 0 && !(Math.sqrt(t) <= rangeM)) t = nextDouble(t, -1);
  for (let up = nextDouble(t, 1); Math.sqrt(up) <= rangeM; up = nextDouble(t, 1)) t = up;
  return t;
}

const bits = new BigUint64Array(1);
const asDouble = new Float64Array(bits.buffer);

/** The neighbouring double of a non-negative `x` (below Infinity when `step` is 1), one ulp up or down. */
function nextDouble(x: number, step: 1 | -1): number {
  asDouble[0] = x;
  bits[0] = bits[0]! + BigInt(step);
  return asDouble[0];
}

/**
 * Node ids for the log when every trace person is named by a non-negative integer (The ONE's node
 * addresses, as its external movement files and CSV exports name them); else undefined (indices).
 */
export function numericIds(persons: readonly string[]): Int32Array | undefined {
  const ids = new Int32Array(persons.length);
  const seen = new Set<number>();
  for (let p = 0; p < persons.length; p++) {
    if (!/^(0|[1-9]\d{0,8})$/.test(persons[p]!)) return undefined;
    const id = Number(persons[p]);
    if (seen.has(id)) return undefined;
    seen.add(id);
    ids[p] = id;
  }
  return ids;
}
