/**
 * A discrete-event Scheduler on virtual time: timers run in (time, creation) order, instantly, so two
 * simulated hours take milliseconds and every run is reproducible.
 * @module
 */
import type { Scheduler, TimerHandle } from './ports.js';

interface Timer {
  atMs: number;
  seq: number;
  callback: () => void;
}

export class VirtualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private heap: Timer[] = [];
  private cancelled = new Set<number>();

  constructor(startMs = 0) {
    this.time = startMs;
  }

  nowMs(): number {
    return this.time;
  }

  setTimer(atMs: number, callback: () => void): TimerHandle {
    const timer = { atMs: Math.max(atMs, this.time), seq: this.seq++, callback };
    this.heap.push(timer);
    this.siftUp(this.heap.length - 1);
    return timer.seq;
  }

  cancelTimer(handle: TimerHandle): void {
    this.cancelled.add(handle);
  }

  /** Runs every timer due up to and including `untilMs`, then sets the clock to `untilMs`. */
  runUntil(untilMs: number): void {
    while (this.heap.length && this.heap[0]!.atMs <= untilMs) {
      const timer = this.pop();
      if (this.cancelled.delete(timer.seq)) continue;
      this.time = timer.atMs;
      timer.callback();
    }
    this.time = Math.max(this.time, untilMs);
  }

  /** Timers still pending (cancelled ones excluded once reached). */
  get pending(): number {
    return this.heap.length;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
