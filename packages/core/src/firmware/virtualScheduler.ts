/**
 * A discrete-event Scheduler on virtual time: timers run in (time, creation) order, instantly, so two
 * simulated hours take milliseconds and every run is reproducible.
 * @module
 */
import type { Scheduler, TimerHandle, TimerTarget } from './ports.js';
import { grownTo } from './grownTo.js';
import { TimerHeap } from './timerHeap.js';

/** How {@link VirtualScheduler} buckets pending timers (defaults suit a simulated crowd). */
export interface VirtualSchedulerOptions {
  /** Width of a wheel bucket, ms (default 1000: a simulation's step). */
  bucketMs?: number;
  /** Buckets in the wheel, a power of two (default 1024: 17 min ahead at the default width). */
  buckets?: number;
}

/**
 * Pending timers in three tiers, so the ordered part stays small: a simulated crowd keeps a few timers
 * per phone pending at once, hundreds of thousands in all, and one heap over all of them cost ~1.4 µs a
 * timer at 100 k phones (its columns out of cache), about 5 % of a run.
 * - The current bucket's timers (times up to the end of bucket `cur`) sit in a 4-ary heap by (time,
 *   creation): the only ordering done, over a second's worth of timers.
 * - Timers of the next `buckets − 1` buckets sit unordered in a wheel, one chain of records per bucket,
 *   and join the heap when their bucket becomes the current one.
 * - Later ones (a daily prune) sit in a second heap and move into the wheel as it turns.
 * Every timer outside the heap is later than every timer in it, so timers run in exactly the
 * (time, creation) order of one heap over all of them. Each timer's callback or target, kind, time,
 * creation number and chain link sit in a record of its own.
 */
export class VirtualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private readonly bucketMs: number;
  private readonly wheelMask: number;
  /** The current bucket (a bucket is floor(ms / bucketMs)): {@link near} holds every timer up to its end. */
  private cur: number;
  private readonly near = new TimerHeap();
  private readonly far = new TimerHeap();
  /** Per wheel slot (bucket & wheelMask), its first record (−1: none); records chain on {@link nextOf}. */
  private readonly wheelHead: Int32Array;
  private wheelCount = 0;
  /** Per record: the callback or target, and the kind a {@link TimerTarget} is called with. */
  private callbacks: ((() => void) | TimerTarget | undefined)[] = [];
  private kindOf = new Int32Array(64);
  /** Per record: its timer's time and creation number, and the next record in its wheel bucket. */
  private atOf = new Float64Array(64);
  private seqOf = new Float64Array(64);
  private nextOf = new Int32Array(64);
  /** Records free for reuse (a stack), and how many records exist. */
  private freeRecords = new Int32Array(64);
  private freeCount = 0;
  private records = 0;
  /**
   * Per record: how many timers have had it (a handle names the record and this count, so a handle of
   * a timer that has run or been cancelled never reaches the record's next timer), and whether its
   * timer is cancelled. Flags, not a set of handles: a crowd's end cancels every phone's timers at
   * once (half a million at 100 k phones, 20 MB as a Set).
   */
  private generationOf = new Uint32Array(64);
  private cancelledRecord = new Uint8Array(64);

  constructor(startMs = 0, options: VirtualSchedulerOptions = {}) {
    const { bucketMs = 1000, buckets = 1024 } = options;
    if (!(bucketMs > 0 && Number.isFinite(bucketMs)))
      throw new RangeError(
        `VirtualScheduler: bucketMs must be a positive number of ms, got ${bucketMs}`,
      );
    if (!(
      Number.isInteger(buckets) &&
      buckets >= 2 &&
      buckets <= 2 ** 24 &&
      (buckets & (buckets - 1)) === 0
    ))
      throw new RangeError(
        `VirtualScheduler: buckets must be a power of two from 2 to 2²⁴, got ${buckets}`,
      );
    this.time = startMs;
    this.bucketMs = bucketMs;
    this.wheelMask = buckets - 1;
    this.wheelHead = new Int32Array(buckets).fill(-1);
    this.cur = Math.floor(startMs / bucketMs);
  }

  nowMs(): number {
    return this.time;
  }

  setTimer(atMs: number, callback: () => void): TimerHandle {
    return this.insert(atMs, callback, 0);
  }

  setTimerFor(atMs: number, target: TimerTarget, kind: number): TimerHandle {
    return this.insert(atMs, target, kind);
  }

  private insert(atMs: number, callback: (() => void) | TimerTarget, kind: number): TimerHandle {
    if (atMs !== atMs) throw new RangeError('VirtualScheduler: a timer at NaN ms never runs');
    const record = this.freeCount > 0 ? this.freeRecords[--this.freeCount]! : this.newRecord();
    this.callbacks[record] = callback;
    this.kindOf[record] = kind;
    // Wraps long before generation × RECORD_SPAN leaves the exact integers of a double.
    const generation = (this.generationOf[record]! + 1) & GENERATION_MASK;
    this.generationOf[record] = generation;
    const at = Math.max(atMs, this.time);
    this.atOf[record] = at;
    this.seqOf[record] = this.seq++;
    this.place(record, at);
    return generation * RECORD_SPAN + record;
  }

  /** Puts a record in the tier its time belongs to (now: the current bucket is `cur`). */
  private place(record: number, at: number): void {
    const bucket = Math.floor(at / this.bucketMs);
    if (bucket <= this.cur) this.near.push(at, this.seqOf[record]!, record);
    else if (bucket - this.cur <= this.wheelMask) {
      const slot = bucket & this.wheelMask;
      this.nextOf[record] = this.wheelHead[slot]!;
      this.wheelHead[slot] = record;
      this.wheelCount++;
    } else this.far.push(at, this.seqOf[record]!, record);
  }

  private newRecord(): number {
    if (this.records === RECORD_SPAN)
      throw new RangeError(
        `VirtualScheduler: more than ${RECORD_SPAN} timers pending at once (a handle names at most that many)`,
      );
    if (this.records === this.kindOf.length) this.grow();
    return this.records++;
  }

  cancelTimer(handle: TimerHandle): void {
    const record = handle % RECORD_SPAN;
    // Pending (its record holds a callback) and still this handle's timer: otherwise a no-op.
    if (
      record < this.records &&
      this.callbacks[record] !== undefined &&
      this.generationOf[record] === (handle - record) / RECORD_SPAN
    )
      this.cancelledRecord[record] = 1;
  }

  /** Runs every timer due up to and including `untilMs`, then sets the clock to `untilMs`. */
  runUntil(untilMs: number): void {
    const near = this.near;
    const untilBucket = Math.floor(untilMs / this.bucketMs);
    for (;;) {
      while (near.size && near.topAtMs() <= untilMs) {
        const at = near.topAtMs();
        const record = near.topRecord();
        const callback = this.callbacks[record]!;
        const kind = this.kindOf[record]!;
        this.callbacks[record] = undefined;
        this.freeRecords[this.freeCount++] = record;
        near.pop();
        if (this.cancelledRecord[record]) {
          this.cancelledRecord[record] = 0;
          continue;
        }
        this.time = at;
        if (typeof callback === 'function') callback();
        else callback.onTimer(kind);
      }
      // What is left in the heap is later than untilMs, and the other tiers later still.
      if (near.size || this.cur >= untilBucket) break;
      this.turnTo(this.nextBucket(untilBucket));
    }
    this.time = Math.max(this.time, untilMs);
  }

  /**
   * The bucket to turn to next: the one after the current, or with the wheel empty straight to
   * `untilBucket` (far timers of the buckets skipped join the heap at the turn, see {@link turnTo}).
   */
  private nextBucket(untilBucket: number): number {
    return this.wheelCount > 0 ? this.cur + 1 : untilBucket;
  }

  /**
   * Makes `bucket` the current one: far timers within the wheel's reach now join it (those of this
   * bucket or earlier, the heap), and the bucket's chain joins the heap.
   */
  private turnTo(bucket: number): void {
    this.cur = bucket;
    const { far, bucketMs, wheelMask } = this;
    // Negated, so a bucket of Infinity (runUntil(Infinity)) takes timers set at Infinity too.
    while (far.size && !(Math.floor(far.topAtMs() / bucketMs) - bucket > wheelMask)) {
      const record = far.topRecord();
      far.pop();
      this.place(record, this.atOf[record]!);
    }
    const slot = bucket & wheelMask;
    let record = this.wheelHead[slot]!;
    this.wheelHead[slot] = -1;
    while (record >= 0) {
      const next = this.nextOf[record]!;
      this.near.push(this.atOf[record]!, this.seqOf[record]!, record);
      this.wheelCount--;
      record = next;
    }
  }

  /** Timers still pending (cancelled ones excluded once reached). */
  get pending(): number {
    return this.near.size + this.wheelCount + this.far.size;
  }

  private grow(): void {
    const length = this.kindOf.length * 2;
    this.kindOf = grownTo(this.kindOf, new Int32Array(length));
    this.atOf = grownTo(this.atOf, new Float64Array(length));
    this.seqOf = grownTo(this.seqOf, new Float64Array(length));
    this.nextOf = grownTo(this.nextOf, new Int32Array(length));
    this.freeRecords = grownTo(this.freeRecords, new Int32Array(length));
    this.generationOf = grownTo(this.generationOf, new Uint32Array(length));
    this.cancelledRecord = grownTo(this.cancelledRecord, new Uint8Array(length));
  }
}

/** Records a handle can name (16 M timers pending at once; the generation takes the bits above). */
const RECORD_SPAN = 0x1000000;
const GENERATION_MASK = 0x1fffffff;
