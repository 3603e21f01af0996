/**
 * A discrete-event Scheduler on virtual time: timers run in (time, creation) order, instantly, so two
 * simulated hours take milliseconds and every run is reproducible.
 * @module
 */
import type { Scheduler, TimerHandle, TimerTarget } from './ports.js';

/**
 * A 4-ary heap in parallel columns (time, creation number, record), so ordering timers reads numbers in
 * place instead of chasing one object per timer: a simulated crowd keeps a few timers per phone pending
 * at once, hundreds of thousands in all. Each timer's callback or target and its kind sit in a record
 * of their own, written once: a sift moves numbers only (moving an object reference per level was most
 * of a pop), and four children side by side halve the levels a binary heap walks.
 */
export class VirtualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private size = 0;
  private atMs = new Float64Array(64);
  private seqOf = new Float64Array(64);
  /** Per heap entry, its timer's record. */
  private recordOf = new Int32Array(64);
  /** Per record: the callback or target, and the kind a {@link TimerTarget} is called with. */
  private callbacks: ((() => void) | TimerTarget | undefined)[] = [];
  private kindOf = new Int32Array(64);
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

  constructor(startMs = 0) {
    this.time = startMs;
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
    if (this.size === this.atMs.length) this.grow();
    const record = this.freeCount > 0 ? this.freeRecords[--this.freeCount]! : this.newRecord();
    this.callbacks[record] = callback;
    this.kindOf[record] = kind;
    // Wraps long before generation × RECORD_SPAN leaves the exact integers of a double.
    const generation = (this.generationOf[record]! + 1) & GENERATION_MASK;
    this.generationOf[record] = generation;
    const handle = this.seq++;
    let i = this.size++;
    const at = Math.max(atMs, this.time);
    const { atMs: times, seqOf, recordOf } = this;
    // Sift up: parents later than the new timer move down.
    while (i > 0) {
      const parent = (i - 1) >> 2;
      if (!(at < times[parent]! || (at === times[parent]! && handle < seqOf[parent]!))) break;
      times[i] = times[parent]!;
      seqOf[i] = seqOf[parent]!;
      recordOf[i] = recordOf[parent]!;
      i = parent;
    }
    times[i] = at;
    seqOf[i] = handle;
    recordOf[i] = record;
    return generation * RECORD_SPAN + record;
  }

  private newRecord(): number {
    if (this.records === RECORD_SPAN)
      throw new RangeError(
        `VirtualScheduler: more than ${RECORD_SPAN} timers pending at once (a handle names at most that many)`,
      );
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
    while (this.size && this.atMs[0]! <= untilMs) {
      const at = this.atMs[0]!;
      const record = this.recordOf[0]!;
      const callback = this.callbacks[record]!;
      const kind = this.kindOf[record]!;
      this.callbacks[record] = undefined;
      this.freeRecords[this.freeCount++] = record;
      this.popTop();
      if (this.cancelledRecord[record]) {
        this.cancelledRecord[record] = 0;
        continue;
      }
      this.time = at;
      if (typeof callback === 'function') callback();
      else callback.onTimer(kind);
    }
    this.time = Math.max(this.time, untilMs);
  }

  /** Timers still pending (cancelled ones excluded once reached). */
  get pending(): number {
    return this.size;
  }

  /** Drops the top entry: the last one sifts down from the top. */
  private popTop(): void {
    const { atMs: times, seqOf, recordOf } = this;
    const n = --this.size;
    if (n === 0) return;
    const at = times[n]!;
    const handle = seqOf[n]!;
    const record = recordOf[n]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      // The earliest child, ties by creation.
      let m = first;
      const last = first + 3 < n ? first + 3 : n - 1;
      for (let c = first + 1; c <= last; c++)
        if (times[c]! < times[m]! || (times[c] === times[m] && seqOf[c]! < seqOf[m]!)) m = c;
      if (!(times[m]! < at || (times[m] === at && seqOf[m]! < handle))) break;
      times[i] = times[m]!;
      seqOf[i] = seqOf[m]!;
      recordOf[i] = recordOf[m]!;
      i = m;
    }
    times[i] = at;
    seqOf[i] = handle;
    recordOf[i] = record;
  }

  private grow(): void {
    const length = this.atMs.length * 2;
    this.atMs = grown(new Float64Array(length), this.atMs);
    this.seqOf = grown(new Float64Array(length), this.seqOf);
    this.recordOf = grown(new Int32Array(length), this.recordOf);
    // Records number at most the heap's entries plus the ones of timers running now.
    this.kindOf = grown(new Int32Array(length), this.kindOf);
    this.freeRecords = grown(new Int32Array(length), this.freeRecords);
    this.generationOf = grown(new Uint32Array(length), this.generationOf);
    this.cancelledRecord = grown(new Uint8Array(length), this.cancelledRecord);
  }
}

/** Records a handle can name (16 M timers pending at once; the generation takes the bits above). */
const RECORD_SPAN = 0x1000000;
const GENERATION_MASK = 0x1fffffff;

function grown<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(
  into: T,
  from: T,
): T {
  into.set(from);
  return into;
}
