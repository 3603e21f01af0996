/**
 * The link log in The ONE's `ConnectivityONEReport` lines, `TIME CONN A B up|down` (time with two
 * decimals, lower id first, the events of one update sorted by (A, B)), written while the run goes:
 * each update's events are sorted and formatted straight into a reusable byte buffer (in WebAssembly,
 * see {@link ConnectivityLines}), which goes to a sink in chunks of whole lines (a file, or memory). No string per line, no event kept after its update,
 * so a streamed log costs O(events of one update) memory whatever the run's length.
 * @module
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ensureLength } from '../util/growable.js';
import { ConnectivityLines } from './connectivityLines.js';

/** Receives the log in chunks of whole lines; a chunk is only valid during the call (copy or write it). */
export type LogSink = (chunk: Uint8Array) => void;

/** The buffer goes to the sink once it holds this many bytes. */
const CHUNK_BYTES = 1 << 16;
/** Above this many events per walker of one update, a counting sort by the lower id beats a comparison sort. */
const COUNTING_SORT_EVENTS_PER_PERSON = 1 / 8;

const ASCII = new TextEncoder();

export class ConnectivityLog {
  /** Lines written so far. */
  lines = 0;
  private readonly people: number;
  private readonly kernel: ConnectivityLines;
  /** Bytes of the output region written and not yet handed to the sink. */
  private pos = 0;
  private keys = new Float64Array(256);

  /**
   * @param people walkers, indices 0 … people − 1
   * @param sink where the bytes go
   * @param ids names in the log: walker p is `ids[p]` (distinct non-negative integers below 2^31, e.g. a
   *   trace's node ids); default p
   */
  constructor(
    people: number,
    private readonly sink: LogSink,
    ids?: ArrayLike<number>,
  ) {
    this.people = people;
    this.kernel = new ConnectivityLines(people, CHUNK_BYTES);
    const { rank, labels } = this.kernel;
    const byRank = new Int32Array(people);
    if (ids) {
      const order = Array.from({ length: people }, (_, p) => p).sort((x, y) => ids[x]! - ids[y]!);
      order.forEach((p, r) => {
        rank[p] = r;
        byRank[r] = ids[p]!;
      });
    } else
      for (let p = 0; p < people; p++) {
        rank[p] = p;
        byRank[p] = p;
      }
    // Each rank's `label ` in 16 bytes, its length in the last.
    for (let r = 0; r < people; r++) {
      const bytes = ASCII.encode(`${byRank[r]} `);
      labels.set(bytes, 16 * r);
      labels[16 * r + 15] = bytes.length;
    }
  }

  /**
   * Writes one update's events at run time `tS` (s): event k between walkers `a[k]` and `b[k]` (either
   * order), up when `up[k]` is 1, down when 0. Each pair at most once per update.
   */
  writeUpdate(tS: number, a: Uint32Array, b: Uint32Array, up: Uint8Array, count: number): void {
    if (count === 0) return;
    const kernel = this.kernel;
    kernel.ensureEvents(count);
    kernel.a.set(a.subarray(0, count));
    kernel.b.set(b.subarray(0, count));
    kernel.up.set(up.subarray(0, count));
    kernel.setPrefix(ASCII.encode(`${tS.toFixed(2)} CONN `));
    kernel.rankEvents(count);
    if (count < this.people * COUNTING_SORT_EVENTS_PER_PERSON) this.sortByKey(count);
    else kernel.countingSort(count);
    for (let k = 0; k < count;) {
      k = kernel.formatLines(k, count, this.pos);
      this.pos = kernel.outEnd;
      if (k < count) this.flush();
    }
    this.lines += count;
  }

  /** Hands what is buffered to the sink. */
  flush(): void {
    if (this.pos === 0) return;
    this.sink(this.kernel.out.subarray(0, this.pos));
    this.pos = 0;
  }

  /**
   * Few events: one native sort of exact double keys (lower rank · people + higher) · 2 + up, into the
   * kernel's sorted columns (a counting sort would clear a count per walker for them).
   */
  private sortByKey(count: number): void {
    const { evLo, evRest, lo, rest } = this.kernel;
    if (this.keys.length < count) this.keys = ensureLength(this.keys, count);
    const keys = this.keys.subarray(0, count);
    const stride = this.people * 2;
    for (let k = 0; k < count; k++) keys[k] = evLo[k]! * stride + evRest[k]!;
    keys.sort();
    for (let k = 0; k < count; k++) {
      const l = Math.floor(keys[k]! / stride);
      lo[k] = l;
      rest[k] = keys[k]! - l * stride;
    }
  }
}

/** A sink that keeps copies of every chunk, for {@link memoryLogChunks}. */
export function memoryLogSink(): { sink: LogSink; chunks: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  return { sink: (chunk) => chunks.push(chunk.slice()), chunks };
}

/**
 * A sink writing to `path` as the run goes: into `path.partial`, renamed to `path` by `close()`, so a
 * run that dies midway leaves no log that looks complete. `discard()` removes the partial file.
 */
export function fileLogSink(path: string): { sink: LogSink; close(): void; discard(): void } {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  let open = true;
  return {
    sink(chunk) {
      for (let done = 0; done < chunk.length;)
        done += writeSync(fd, chunk, done, chunk.length - done);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
      renameSync(partial, path);
    },
    discard() {
      if (open) closeSync(fd);
      open = false;
      rmSync(partial, { force: true });
    },
  };
}
