/**
 * The ordered part of {@link VirtualScheduler}: a 4-ary min-heap of timers by (time, creation number),
 * in parallel columns (time, creation number, record), so ordering reads numbers in place instead of
 * chasing one object per timer, and a sift moves numbers only. Four children side by side halve the
 * levels a binary heap walks.
 * @module
 */
import { grownTo } from './grownTo.js';

export class TimerHeap {
  size = 0;
  private atMs = new Float64Array(64);
  private seqOf = new Float64Array(64);
  private recordOf = new Int32Array(64);

  /** The earliest entry's time (the heap must not be empty). */
  topAtMs(): number {
    return this.atMs[0]!;
  }

  /** The earliest entry's record (the heap must not be empty). */
  topRecord(): number {
    return this.recordOf[0]!;
  }

  push(at: number, seq: number, record: number): void {
    if (this.size === this.atMs.length) this.grow();
    let i = this.size++;
    const { atMs: times, seqOf, recordOf } = this;
    // Sift up: parents later than the new entry move down.
    while (i > 0) {
      const parent = (i - 1) >> 2;
      if (!(at < times[parent]! || (at === times[parent]! && seq < seqOf[parent]!))) break;
      times[i] = times[parent]!;
      seqOf[i] = seqOf[parent]!;
      recordOf[i] = recordOf[parent]!;
      i = parent;
    }
    times[i] = at;
    seqOf[i] = seq;
    recordOf[i] = record;
  }

  /** Drops the earliest entry: the last one sifts down from the top. */
  pop(): void {
    const { atMs: times, seqOf, recordOf } = this;
    const n = --this.size;
    if (n === 0) return;
    const at = times[n]!;
    const seq = seqOf[n]!;
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
      if (!(times[m]! < at || (times[m] === at && seqOf[m]! < seq))) break;
      times[i] = times[m]!;
      seqOf[i] = seqOf[m]!;
      recordOf[i] = recordOf[m]!;
      i = m;
    }
    times[i] = at;
    seqOf[i] = seq;
    recordOf[i] = record;
  }

  private grow(): void {
    const length = this.atMs.length * 2;
    this.atMs = grownTo(this.atMs, new Float64Array(length));
    this.seqOf = grownTo(this.seqOf, new Float64Array(length));
    this.recordOf = grownTo(this.recordOf, new Int32Array(length));
  }
}
