/**
 * A discrete-event Scheduler on virtual time: timers run in (time, creation) order, instantly, so two
 * simulated hours take milliseconds and every run is reproducible.
 * @module
 */
import type { Scheduler, TimerHandle, TimerTarget } from './ports.js';

/**
 * The heap is kept in parallel columns (time, creation number, callback or target and its timer kind),
 * so ordering timers reads numbers in place instead of chasing one object per timer: a simulated crowd
 * keeps a few timers per phone pending at once.
 */
export class VirtualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private size = 0;
  private atMs = new Float64Array(64);
  private seqOf = new Float64Array(64);
  private callbacks: ((() => void) | TimerTarget | undefined)[] = [];
  /** Per entry, the timer kind a {@link TimerTarget} is called with. */
  private kindOf = new Int32Array(64);
  private cancelled = new Set<number>();

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
    const handle = this.seq++;
    let i = this.size++;
    const at = Math.max(atMs, this.time);
    const { atMs: times, seqOf } = this;
    // Sift up: parents later than the new timer move down.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!(at < times[parent]! || (at === times[parent]! && handle < seqOf[parent]!))) break;
      this.move(parent, i);
      i = parent;
    }
    this.put(i, at, handle, callback, kind);
    return handle;
  }

  cancelTimer(handle: TimerHandle): void {
    this.cancelled.add(handle);
  }

  /** Runs every timer due up to and including `untilMs`, then sets the clock to `untilMs`. */
  runUntil(untilMs: number): void {
    while (this.size && this.atMs[0]! <= untilMs) {
      const at = this.atMs[0]!;
      const handle = this.seqOf[0]!;
      const callback = this.callbacks[0]!;
      const kind = this.kindOf[0]!;
      this.popTop();
      if (this.cancelled.size && this.cancelled.delete(handle)) continue;
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

  private popTop(): void {
    const { atMs: times, seqOf, callbacks } = this;
    const n = --this.size;
    const at = times[n]!;
    const handle = seqOf[n]!;
    const callback = callbacks[n];
    const kind = this.kindOf[n]!;
    callbacks[n] = undefined;
    if (n === 0) return;
    // Sift the last timer down from the top.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m =
        r < n && (times[r]! < times[l]! || (times[r] === times[l] && seqOf[r]! < seqOf[l]!))
          ? r
          : l;
      if (!(times[m]! < at || (times[m] === at && seqOf[m]! < handle))) break;
      this.move(m, i);
      i = m;
    }
    this.put(i, at, handle, callback, kind);
  }

  /** Heap entry `from` to place `to`. */
  private move(from: number, to: number): void {
    this.atMs[to] = this.atMs[from]!;
    this.seqOf[to] = this.seqOf[from]!;
    this.callbacks[to] = this.callbacks[from];
    this.kindOf[to] = this.kindOf[from]!;
  }

  private put(
    i: number,
    atMs: number,
    handle: number,
    callback: (() => void) | TimerTarget | undefined,
    kind: number,
  ): void {
    this.atMs[i] = atMs;
    this.seqOf[i] = handle;
    this.callbacks[i] = callback;
    this.kindOf[i] = kind;
  }

  private grow(): void {
    const atMs = new Float64Array(this.atMs.length * 2);
    atMs.set(this.atMs);
    const seqOf = new Float64Array(this.seqOf.length * 2);
    seqOf.set(this.seqOf);
    const kindOf = new Int32Array(this.kindOf.length * 2);
    kindOf.set(this.kindOf);
    this.atMs = atMs;
    this.seqOf = seqOf;
    this.kindOf = kindOf;
  }
}
