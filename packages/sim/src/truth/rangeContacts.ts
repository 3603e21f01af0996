/**
 * Range-only contacts, as The ONE's `ConnectivityONEReport` logs them: at every update a link between two
 * walkers is up while their distance is ≤ the range (`NetworkInterface.isWithinRange`: the Euclidean
 * distance, square root and all, compared with `<=`), it goes "up" at the first update they are within
 * range and "down" at the first update they are not (or one of them has left). No radio, no probability:
 * the unit-disk links The ONE's `SimpleBroadcastInterface` makes when every host always scans.
 *
 * Each update indexes everyone present in a uniform grid with cells of the range (counting sort, as
 * `UniformGrid`, with positions copied in cell order), checks each candidate pair once (a cell against
 * itself and four forward neighbours), groups the links by their lower index and compares each walker's
 * list with the previous update's through stamp arrays: no pair map, no sorting on the hot path. Memory is
 * O(walkers + links up) in typed arrays (plus a bitset of pairs ever linked up to 8192 walkers).
 * @module
 */
import { open } from 'node:fs/promises';
import { InputError } from '@proxsense/core';
import { ensureLength } from '../util/growable.js';

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
  /** Keep every up/down event for {@link RangeContacts.writeLog} (default true). */
  keepLog?: boolean;
}

/** Above this many walkers, ever-linked pairs go in a Set instead of a bitset of n² bits. */
const BITSET_MAX_PEOPLE = 8192;

export class RangeContacts {
  readonly rangeM: number;
  readonly people: number;
  linkUps = 0;
  /** Pair-updates within range (contactS = this × the update interval). */
  linkedUpdates = 0;
  contactS = 0;
  /** The link log: event i at `eventTimeS[i]` between `eventA[i]` < `eventB[i]`, up when `eventUp[i]`. */
  eventTimeS = new Float64Array(1024);
  eventA = new Uint32Array(1024);
  eventB = new Uint32Array(1024);
  eventUp = new Uint8Array(1024);
  events = 0;
  private readonly keepLog: boolean;
  private readonly cols: number;
  private readonly rows: number;
  /** Row stride of the padded grid: one empty column each side and an empty row below the last. */
  private readonly stride: number;
  /** Grid of cells of the range: cell → walkers (counting sort), with their positions in cell order. */
  private readonly cellStart: Uint32Array;
  private readonly cellFill: Uint32Array;
  private readonly cellOf: Int32Array;
  private readonly cellItems: Uint32Array;
  private readonly cellX: Float64Array;
  private readonly cellY: Float64Array;
  /** This update's links (lo, hi) as found, then grouped by lo: `curStart[a]` … `curStart[a + 1]`. */
  private foundLo = new Uint32Array(1024);
  private foundHi = new Uint32Array(1024);
  /** Each walker's partners of higher index, previous and current update (CSR by the lower index). */
  private prevStart: Uint32Array;
  private prevItems = new Uint32Array(1024);
  private curStart: Uint32Array;
  private curItems = new Uint32Array(1024);
  /** Stamps marking one walker's partners while its lists are compared. */
  private readonly markPrev: Uint32Array;
  private readonly markCur: Uint32Array;
  private stamp = 0;
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
    this.keepLog = options.keepLog ?? true;
    this.cols = Math.max(1, Math.ceil(options.widthM / rangeM));
    this.rows = Math.max(1, Math.ceil(options.heightM / rangeM));
    this.stride = this.cols + 2;
    const paddedCells = this.stride * (this.rows + 1);
    this.cellStart = new Uint32Array(paddedCells + 1);
    this.cellFill = new Uint32Array(paddedCells);
    this.cellOf = new Int32Array(people);
    this.cellItems = new Uint32Array(people);
    this.cellX = new Float64Array(people);
    this.cellY = new Float64Array(people);
    this.prevStart = new Uint32Array(people + 1);
    this.curStart = new Uint32Array(people + 1);
    this.markPrev = new Uint32Array(people);
    this.markCur = new Uint32Array(people);
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
    this.index(xM, yM, present);
    const found = this.findLinks();
    this.group(found);
    this.compare(tS);
    this.linkedUpdates += found;
    this.contactS += found * dtS;
  }

  /** Counting sort of everyone present into cells of the range (positions outside clamp to edges). */
  private index(xM: Float64Array, yM: Float64Array, present: Uint8Array): void {
    const { cellStart, cellFill, cellOf, cellItems, cellX, cellY, cols, rows, stride, rangeM } =
      this;
    const n = this.people;
    cellStart.fill(0);
    for (let p = 0; p < n; p++) {
      if (!present[p]) {
        cellOf[p] = -1;
        continue;
      }
      let c = Math.floor(xM[p]! / rangeM);
      let r = Math.floor(yM[p]! / rangeM);
      c = c < 0 ? 0 : c >= cols ? cols - 1 : c;
      r = r < 0 ? 0 : r >= rows ? rows - 1 : r;
      const cell = r * stride + c + 1;
      cellOf[p] = cell;
      cellStart[cell + 1]!++;
    }
    const cells = cellFill.length;
    for (let c = 0; c < cells; c++) cellStart[c + 1]! += cellStart[c]!;
    cellFill.set(cellStart.subarray(0, cells));
    for (let p = 0; p < n; p++) {
      const cell = cellOf[p]!;
      if (cell < 0) continue;
      const k = cellFill[cell]!++;
      cellItems[k] = p;
      cellX[k] = xM[p]!;
      cellY[k] = yM[p]!;
    }
  }

  /**
   * Every pair within range, each once: a cell against itself and its four forward neighbours (east,
   * south-west, south, south-east). Returns how many, in `foundLo`/`foundHi`.
   */
  private findLinks(): number {
    const { cellStart, cellItems, cellX, cellY, cols, rows, stride, rangeM } = this;
    // Clearly in (d² below r²·(1 − 1e-9)) or out (above r²·(1 + 1e-9)) on the squares; in between,
    // The ONE's own test on the square root decides.
    const in2 = rangeM * rangeM * (1 - 1e-9);
    const near2 = rangeM * rangeM * (1 + 1e-9);
    let lo = this.foundLo;
    let hi = this.foundHi;
    let m = 0;
    for (let r = 0; r < rows; r++) {
      const rowEnd = r * stride + cols + 1;
      for (let cell = r * stride + 1; cell < rowEnd; cell++) {
        const s0 = cellStart[cell]!;
        const s1 = cellStart[cell + 1]!;
        if (s0 === s1) continue;
        // The padding makes every neighbour exist (empty at the edges): no bounds checks.
        for (let nb = 0; nb < 5; nb++) {
          const other = nb === 0 ? cell : nb === 1 ? cell + 1 : cell + stride + nb - 3;
          const o0 = cellStart[other]!;
          const o1 = cellStart[other + 1]!;
          if (o0 === o1) continue;
          // Room for every candidate of this cell pair, so the inner loop never checks.
          const most = m + (s1 - s0) * (o1 - o0);
          if (most > lo.length) {
            lo = ensureLength(lo, most);
            hi = ensureLength(hi, most);
          }
          for (let i = s0; i < s1; i++) {
            const xi = cellX[i]!;
            const yi = cellY[i]!;
            const a = cellItems[i]!;
            for (let j = nb === 0 ? i + 1 : o0; j < o1; j++) {
              const dx = cellX[j]! - xi;
              const dy = cellY[j]! - yi;
              const d2 = dx * dx + dy * dy;
              if (d2 > in2 && (d2 > near2 || !(Math.sqrt(d2) <= rangeM))) continue;
              const b = cellItems[j]!;
              lo[m] = a < b ? a : b;
              hi[m] = a < b ? b : a;
              m++;
            }
          }
        }
      }
    }
    this.foundLo = lo;
    this.foundHi = hi;
    return m;
  }

  /** Groups this update's links by their lower index (counting sort) into `curStart`/`curItems`. */
  private group(found: number): void {
    const n = this.people;
    const { curStart, foundLo, foundHi } = this;
    if (this.curItems.length < found) this.curItems = ensureLength(this.curItems, found);
    const cur = this.curItems;
    curStart.fill(0);
    for (let k = 0; k < found; k++) curStart[foundLo[k]! + 1]!++;
    for (let a = 0; a < n; a++) curStart[a + 1]! += curStart[a]!;
    // Fill from the back of each run so starts end where they began.
    for (let k = found - 1; k >= 0; k--) {
      const a = foundLo[k]!;
      cur[--curStart[a + 1]!] = foundHi[k]!;
    }
    // After the back-fill, curStart[a + 1] is the start of run a; shift back into place.
    for (let a = 0; a < n; a++) curStart[a] = curStart[a + 1]!;
    curStart[n] = found;
  }

  /** Compares each walker's partners now with the previous update's: what is new came up, what is gone went down. */
  private compare(tS: number): void {
    const n = this.people;
    const { markPrev, markCur, prevStart, prevItems, curStart, curItems } = this;
    for (let a = 0; a < n; a++) {
      const p0 = prevStart[a]!;
      const p1 = prevStart[a + 1]!;
      const c0 = curStart[a]!;
      const c1 = curStart[a + 1]!;
      if (p0 === p1 && c0 === c1) continue;
      const stamp = ++this.stamp;
      for (let i = p0; i < p1; i++) markPrev[prevItems[i]!] = stamp;
      for (let j = c0; j < c1; j++) {
        const b = curItems[j]!;
        markCur[b] = stamp;
        if (markPrev[b] !== stamp) this.linkUp(tS, a, b);
      }
      for (let i = p0; i < p1; i++) {
        const b = prevItems[i]!;
        if (markCur[b] !== stamp) this.event(tS, a, b, 0);
      }
    }
    // The current lists become the previous ones.
    this.curItems = prevItems;
    this.prevItems = curItems;
    this.curStart = prevStart;
    this.prevStart = curStart;
  }

  private linkUp(tS: number, a: number, b: number): void {
    this.linkUps++;
    const key = a * this.people + b;
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
    this.event(tS, a, b, 1);
  }

  private event(tS: number, a: number, b: number, up: number): void {
    if (!this.keepLog) return;
    const i = this.events++;
    if (i === this.eventA.length) {
      this.eventTimeS = ensureLength(this.eventTimeS, i + 1);
      this.eventA = ensureLength(this.eventA, i + 1);
      this.eventB = ensureLength(this.eventB, i + 1);
      this.eventUp = ensureLength(this.eventUp, i + 1);
    }
    this.eventTimeS[i] = tS;
    this.eventA[i] = a;
    this.eventB[i] = b;
    this.eventUp[i] = up;
  }

  /**
   * The log in ConnectivityONEReport's lines, `TIME CONN A B up|down` (time with two decimals, lower
   * id first), events of one update sorted by (A, B). `ids` renames walkers (e.g. a trace's numeric
   * node ids); default: their index. Yields ASCII chunks of whole lines (each line ends in `\n`),
   * formatted straight into bytes: millions of lines, no string per line.
   */
  *logChunks(ids?: ArrayLike<number>): Generator<Uint8Array> {
    const { eventTimeS, eventA, eventB, eventUp, people } = this;
    // Sort keys (rank of the lower id) · people + rank of the higher, doubled, plus the up flag: exact
    // doubles for up to ~6·10^7 walkers, and one native numeric sort per update.
    const rank = new Float64Array(people);
    if (ids) {
      const order = Array.from({ length: people }, (_, p) => p).sort((x, y) => ids[x]! - ids[y]!);
      order.forEach((p, r) => (rank[p] = r));
    } else for (let p = 0; p < people; p++) rank[p] = p;
    const label = ids ?? rank;
    const byRank = new Int32Array(people);
    for (let p = 0; p < people; p++) byRank[rank[p]!] = label[p]!;
    let keys = new Float64Array(256);
    const CHUNK = 1 << 20;
    let out = new Uint8Array(CHUNK + 256);
    let pos = 0;
    let i = 0;
    while (i < this.events) {
      let end = i + 1;
      while (end < this.events && eventTimeS[end] === eventTimeS[i]) end++;
      if (keys.length < end - i) keys = new Float64Array(2 * (end - i));
      const group = keys.subarray(0, end - i);
      for (let k = i; k < end; k++) {
        const ra = rank[eventA[k]!]!;
        const rb = rank[eventB[k]!]!;
        group[k - i] = (ra < rb ? ra * people + rb : rb * people + ra) * 2 + eventUp[k]!;
      }
      if (ids) group.sort();
      else {
        // Events come grouped by the lower index already (the update walks walkers in order), so an
        // insertion sort only reorders within each walker's few events: far cheaper than a full sort.
        for (let k = 1; k < group.length; k++) {
          const key = group[k]!;
          let j = k;
          while (j > 0 && group[j - 1]! > key) {
            group[j] = group[j - 1]!;
            j--;
          }
          group[j] = key;
        }
      }
      const time = ASCII.encode(`${eventTimeS[i]!.toFixed(2)} CONN `);
      for (let k = 0; k < group.length; k++) {
        if (pos > CHUNK) {
          yield out.subarray(0, pos);
          out = new Uint8Array(CHUNK + 256);
          pos = 0;
        }
        const key = group[k]!;
        const pair = Math.floor(key / 2);
        const lo = Math.floor(pair / people);
        // Byte loops: TypedArray.set costs more than these few bytes.
        for (let c = 0; c < time.length; c++) out[pos++] = time[c]!;
        pos = writeDecimal(out, pos, byRank[lo]!);
        out[pos++] = 32;
        pos = writeDecimal(out, pos, byRank[pair - lo * people]!);
        const tail = key - pair * 2 ? UP : DOWN;
        for (let c = 0; c < tail.length; c++) out[pos++] = tail[c]!;
      }
      i = end;
    }
    if (pos > 0) yield out.subarray(0, pos);
  }

  /** The log's lines (see {@link logChunks}), without their newlines. */
  *logLines(ids?: ArrayLike<number>): Generator<string> {
    const decoder = new TextDecoder('ascii');
    for (const chunk of this.logChunks(ids)) yield* decoder.decode(chunk).slice(0, -1).split('\n');
  }

  /** Writes {@link logChunks} to `path`. */
  async writeLog(path: string, ids?: ArrayLike<number>): Promise<void> {
    const file = await open(path, 'w');
    try {
      for (const chunk of this.logChunks(ids)) await file.write(chunk);
    } finally {
      await file.close();
    }
  }
}

const ASCII = new TextEncoder();
const UP = ASCII.encode(' up\n');
const DOWN = ASCII.encode(' down\n');

/** Writes the decimal digits of an integer in [0, 2^31) at `pos`; returns the position after them. */
function writeDecimal(out: Uint8Array, pos: number, value: number): number {
  // Int32 arithmetic throughout: a double `%` would call fmod for every digit.
  let v = value | 0;
  let digits = 1;
  for (let w = v; w >= 10; w = (w / 10) | 0) digits++;
  for (let k = pos + digits - 1; k >= pos; k--) {
    const q = (v / 10) | 0;
    out[k] = 48 + v - q * 10;
    v = q;
  }
  return pos + digits;
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
