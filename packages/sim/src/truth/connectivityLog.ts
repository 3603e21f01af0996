/**
 * The link log in The ONE's `ConnectivityONEReport` lines, `TIME CONN A B up|down` (time with two
 * decimals, lower id first, the events of one update sorted by (A, B)), written while the run goes:
 * each update's events are sorted and formatted straight into a reusable byte buffer, which goes to a
 * sink in chunks of whole lines (a file, or memory). No string per line, no event kept after its update,
 * so a streamed log costs O(events of one update) memory whatever the run's length.
 * @module
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ensureLength } from '../util/growable.js';

/** Receives the log in chunks of whole lines; a chunk is only valid during the call (copy or write it). */
export type LogSink = (chunk: Uint8Array) => void;

/** The buffer goes to the sink once it holds this many bytes. */
const CHUNK_BYTES = 1 << 16;
/** Above this many events per walker of one update, a counting sort by the lower id beats a comparison sort. */
const COUNTING_SORT_EVENTS_PER_PERSON = 1 / 8;

const ASCII = new TextEncoder();
/** `up\n` and `down` (its `\n` follows) as little-endian words. */
const UP_WORD = 0x0a7075;
const DOWN_WORD = 0x6e776f64;

export class ConnectivityLog {
  /** Lines written so far. */
  lines = 0;
  private readonly people: number;
  /** Each walker's place in id order (identity without ids): lines sort on it. */
  private readonly rank: Int32Array;
  /**
   * `label(rank) + ' '` in ASCII for every rank, `labelLength[r]` bytes as three little-endian words
   * from `labelWords[3r]` (labels are at most 10 digits).
   */
  private readonly labelWords: Uint32Array;
  private readonly labelLength: Uint8Array;
  /** This update's `TIME CONN ` as little-endian words. */
  private prefixWords: Uint32Array = new Uint32Array(0);
  private prefixLength = 0;
  private readonly out: Uint8Array;
  private readonly view: DataView;
  private pos = 0;
  /** One update's events as (rank of the lower id, rank of the higher · 2 + up), then sorted. */
  private evLo = new Int32Array(256);
  private evRest = new Uint32Array(256);
  private sortedRest = new Uint32Array(256);
  private keys = new Float64Array(256);
  private readonly loCount: Uint32Array;

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
    this.rank = new Int32Array(people);
    const byRank = new Int32Array(people);
    if (ids) {
      const order = Array.from({ length: people }, (_, p) => p).sort((x, y) => ids[x]! - ids[y]!);
      order.forEach((p, r) => {
        this.rank[p] = r;
        byRank[r] = ids[p]!;
      });
    } else
      for (let p = 0; p < people; p++) {
        this.rank[p] = p;
        byRank[p] = p;
      }
    this.labelWords = new Uint32Array(3 * people);
    this.labelLength = new Uint8Array(people);
    for (let r = 0; r < people; r++) {
      const bytes = ASCII.encode(`${byRank[r]} `);
      this.labelLength[r] = bytes.length;
      this.labelWords.set(asWords(bytes).subarray(0, 3), 3 * r);
    }
    this.loCount = new Uint32Array(people + 1);
    this.out = new Uint8Array(CHUNK_BYTES + 1024);
    this.view = new DataView(this.out.buffer);
  }

  /**
   * Writes one update's events at run time `tS` (s): event k between walkers `a[k]` and `b[k]` (either
   * order), up when `up[k]` is 1, down when 0. Each pair at most once per update.
   */
  writeUpdate(tS: number, a: Uint32Array, b: Uint32Array, up: Uint8Array, count: number): void {
    if (count === 0) return;
    const { rank, people } = this;
    if (this.evLo.length < count) {
      this.evLo = ensureLength(this.evLo, count);
      this.evRest = ensureLength(this.evRest, count);
      this.sortedRest = ensureLength(this.sortedRest, count);
    }
    const { evLo, evRest } = this;
    for (let k = 0; k < count; k++) {
      const ra = rank[a[k]!]!;
      const rb = rank[b[k]!]!;
      evLo[k] = ra < rb ? ra : rb;
      evRest[k] = (ra < rb ? rb : ra) * 2 + up[k]!;
    }
    const prefix = ASCII.encode(`${tS.toFixed(2)} CONN `);
    this.prefixWords = asWords(prefix);
    this.prefixLength = prefix.length;
    if (count < people * COUNTING_SORT_EVENTS_PER_PERSON) this.writeSortedByKey(count);
    else this.writeSortedByCounting(count);
    this.lines += count;
  }

  /** Hands what is buffered to the sink. */
  flush(): void {
    if (this.pos === 0) return;
    this.sink(this.out.subarray(0, this.pos));
    this.pos = 0;
  }

  /** Few events: one native sort of exact double keys (lower rank · people + higher) · 2 + up. */
  private writeSortedByKey(count: number): void {
    const { evLo, evRest, people } = this;
    if (this.keys.length < count) this.keys = ensureLength(this.keys, count);
    const keys = this.keys.subarray(0, count);
    const stride = people * 2;
    for (let k = 0; k < count; k++) keys[k] = evLo[k]! * stride + evRest[k]!;
    keys.sort();
    for (let k = 0; k < count; k++) {
      const lo = Math.floor(keys[k]! / stride);
      this.line(lo, keys[k]! - lo * stride);
    }
  }

  /**
   * Many events: a counting sort by the lower rank, then an insertion sort of each walker's few
   * events by (higher rank, up).
   */
  private writeSortedByCounting(count: number): void {
    const { evLo, evRest, loCount, sortedRest, people } = this;
    loCount.fill(0);
    for (let k = 0; k < count; k++) loCount[evLo[k]! + 1]!++;
    for (let r = 0; r < people; r++) loCount[r + 1]! += loCount[r]!;
    // Fill from the back of each run so that afterwards loCount[r + 1] is where run r starts.
    for (let k = count - 1; k >= 0; k--) sortedRest[--loCount[evLo[k]! + 1]!] = evRest[k]!;
    let k = 0;
    for (let r = 0; k < count; r++) {
      const end = r + 1 < people ? loCount[r + 2]! : count;
      for (let i = k + 1; i < end; i++) {
        const key = sortedRest[i]!;
        let j = i;
        while (j > k && sortedRest[j - 1]! > key) {
          sortedRest[j] = sortedRest[j - 1]!;
          j--;
        }
        sortedRest[j] = key;
      }
      for (; k < end; k++) this.line(r, sortedRest[k]!);
    }
  }

  /**
   * One line: the update's prefix, the two labels, up or down. `rest` = higher rank · 2 + up. Each
   * piece is written in whole little-endian words, its last word's spare bytes overwritten by the next
   * piece (the buffer has slack past the chunk): a few stores a line instead of a store a byte.
   */
  private line(lo: number, rest: number): void {
    if (this.pos > CHUNK_BYTES) this.flush();
    const { view, prefixWords, labelWords, labelLength } = this;
    let pos = this.pos;
    for (let w = 0, end = this.prefixLength; 4 * w < end; w++)
      view.setUint32(pos + 4 * w, prefixWords[w]!, true);
    pos += this.prefixLength;
    for (let piece = 0; piece < 2; piece++) {
      const r = piece === 0 ? lo : rest >>> 1;
      const length = labelLength[r]!;
      view.setUint32(pos, labelWords[3 * r]!, true);
      if (length > 4) {
        view.setUint32(pos + 4, labelWords[3 * r + 1]!, true);
        if (length > 8) view.setUint32(pos + 8, labelWords[3 * r + 2]!, true);
      }
      pos += length;
    }
    if (rest & 1) {
      view.setUint32(pos, UP_WORD, true);
      pos += 3;
    } else {
      view.setUint32(pos, DOWN_WORD, true);
      view.setUint8(pos + 4, 10);
      pos += 5;
    }
    this.pos = pos;
  }
}

/** ASCII bytes as little-endian 32-bit words, the last one padded with zeros. */
function asWords(bytes: Uint8Array): Uint32Array {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4 + 12);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  const words = new Uint32Array(padded.length / 4);
  for (let w = 0; w < words.length; w++) words[w] = view.getUint32(4 * w, true);
  return words;
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
