/**
 * Range-only contacts, as The ONE's `ConnectivityONEReport` logs them: at every update a link between two
 * walkers is up while their distance is ≤ the range (`NetworkInterface.isWithinRange`: the Euclidean
 * distance, square root and all, compared with `<=`), it goes "up" at the first update they are within
 * range and "down" at the first update they are not (or one of them has left). No radio, no probability:
 * the unit-disk links The ONE's `SimpleBroadcastInterface` makes when every host always scans.
 *
 * Each update indexes everyone present in a uniform grid with cells of the range (counting sort, as
 * `UniformGrid`, with positions copied in cell order) and checks each candidate pair once: a cell
 * against itself and its east neighbour (one run of the cell order), then against the three cells
 * below (another run). The test is one comparison of the squared distance with the largest double whose
 * square root is ≤ the range ({@link sqrtAtMost}), which is exactly The ONE's test on the square root.
 * Up to {@link MATRIX_MAX_PEOPLE} walkers, each pair's state (never, up at the last update, up now,
 * down) is one byte of a pair matrix: a pair found in range is up unless it was up at the last update,
 * and the pairs up at the last update that were not found now went down. Above that, links are grouped
 * by their lower index and each walker's list compared with the previous update's (stamp arrays). Either
 * way the update's events go to a {@link ConnectivityLog}, streamed (O(walkers + links up) memory) or
 * kept in memory.
 * @module
 */
import { open } from 'node:fs/promises';
import { InputError } from '@proxsense/core';
import { ensureLength } from '../util/growable.js';
import { ConnectivityLog, memoryLogSink, type LogSink } from './connectivityLog.js';

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
   * while the run goes (call {@link RangeContacts.flushLog} at the end); or `'none'`.
   */
  log?: 'memory' | 'none' | LogSink;
  /** Names in the log: walker p is `ids[p]` (e.g. a trace's numeric node ids, see {@link numericIds}); default p. */
  ids?: ArrayLike<number>;
  /**
   * How pair states are kept (default `'auto'`: `'matrix'` up to {@link MATRIX_MAX_PEOPLE} walkers, else
   * `'lists'`). Both give the same events; the choice exists so both can be tested on small crowds.
   */
  pairStates?: 'auto' | 'matrix' | 'lists';
}

/** Up to this many walkers, pair states live in a triangular matrix of people²/2 bytes (8 MiB at most). */
export const MATRIX_MAX_PEOPLE = 4096;
/** Above this many walkers, ever-linked pairs go in a Set instead of a bitset of n² bits (lists only). */
const BITSET_MAX_PEOPLE = 8192;

/** Pair states in the matrix; the two "up" marks alternate between updates. */
const NEVER = 0;
const GONE = 3;

export class RangeContacts {
  readonly rangeM: number;
  readonly people: number;
  linkUps = 0;
  /** Pair-updates within range (contactS = this × the update interval). */
  linkedUpdates = 0;
  contactS = 0;
  /** Up/down events so far (the log's lines). */
  events = 0;
  private readonly cols: number;
  private readonly rows: number;
  /** Row stride of the padded grid: one empty column each side and an empty row below the last. */
  private readonly stride: number;
  /** Largest squared distance in range (see {@link sqrtAtMost}). */
  private readonly inRange2: number;
  /** Grid of cells of the range: cell → walkers (counting sort), with their positions in cell order. */
  private readonly cellStart: Uint32Array;
  private readonly cellFill: Uint32Array;
  private readonly cellOf: Int32Array;
  private readonly cellItems: Uint32Array;
  private readonly cellX: Float64Array;
  private readonly cellY: Float64Array;
  /** One walker's candidates in range (positions in cell order), found branch-free. */
  private readonly near: Uint32Array;
  /** This update's events, handed to the log at its end. */
  private evA = new Uint32Array(1024);
  private evB = new Uint32Array(1024);
  private evUp = new Uint8Array(1024);
  private evCount = 0;
  private readonly log: ConnectivityLog | undefined;
  private readonly kept: Uint8Array[] | undefined;
  private pairCount = 0;
  private lastS = 0;
  // Matrix states (upper triangle, see the constructor); the pairs up at the last update and now, as lo << 16 | hi.
  private readonly pairState: Uint8Array | undefined;
  private readonly rowBase: Int32Array | undefined;
  private upMark = 1;
  private prevUp = new Uint32Array(1024);
  private prevUpCount = 0;
  private curUp = new Uint32Array(1024);
  // Lists: this update's links (lo, hi) as found, then grouped by lo: `curStart[a]` … `curStart[a + 1]`.
  private foundLo: Uint32Array | undefined;
  private foundHi: Uint32Array | undefined;
  /** Each walker's partners of higher index, previous and current update (CSR by the lower index). */
  private prevStart: Uint32Array | undefined;
  private prevItems = new Uint32Array(1024);
  private curStart: Uint32Array | undefined;
  private curItems = new Uint32Array(1024);
  /** Stamps marking one walker's partners while its lists are compared. */
  private readonly markPrev: Uint32Array | undefined;
  private readonly markCur: Uint32Array | undefined;
  private stamp = 0;
  private readonly everBits: Uint8Array | undefined;
  private readonly everSet: Set<number> | undefined;

  constructor(options: RangeContactOptions) {
    const { rangeM, people } = options;
    if (!(rangeM > 0 && Number.isFinite(rangeM)))
      throw new InputError('rangeM', 'a range above 0 m', String(rangeM));
    this.rangeM = rangeM;
    this.people = people;
    this.inRange2 = sqrtAtMost(rangeM);
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
    this.near = new Uint32Array(people);
    const log = options.log ?? 'memory';
    if (log === 'memory') {
      const memory = memoryLogSink();
      this.kept = memory.chunks;
      this.log = new ConnectivityLog(people, memory.sink, options.ids);
    } else if (log !== 'none') this.log = new ConnectivityLog(people, log, options.ids);
    const states = options.pairStates ?? 'auto';
    if (states === 'matrix' || (states === 'auto' && people <= MATRIX_MAX_PEOPLE)) {
      if (people > MATRIX_MAX_PEOPLE)
        throw new InputError(
          'pairStates',
          `at most ${MATRIX_MAX_PEOPLE} walkers for a matrix`,
          String(people),
        );
      // The upper triangle, row by row: pair (lo, hi) at rowBase[lo] + hi.
      this.pairState = new Uint8Array((people * (people - 1)) / 2);
      this.rowBase = new Int32Array(people);
      for (let lo = 0; lo < people; lo++)
        this.rowBase[lo] = (lo * (2 * people - lo - 1)) / 2 - lo - 1;
      return;
    }
    this.foundLo = new Uint32Array(1024);
    this.foundHi = new Uint32Array(1024);
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
    this.evCount = 0;
    let found: number;
    if (this.pairState) found = this.matrixUpdate();
    else {
      found = this.findLinks();
      this.group(found);
      this.compare();
    }
    this.events += this.evCount;
    this.log?.writeUpdate(tS, this.evA, this.evB, this.evUp, this.evCount);
    this.linkedUpdates += found;
    this.contactS += found * dtS;
  }

  /** Hands what the log has buffered to its sink (a streamed log: once, after the last update). */
  flushLog(): void {
    this.log?.flush();
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

  /** Room for `count` events in this update's buffers. */
  private roomForEvents(count: number): void {
    if (this.evA.length >= count) return;
    this.evA = ensureLength(this.evA, count);
    this.evB = ensureLength(this.evB, count);
    this.evUp = ensureLength(this.evUp, count);
  }

  /**
   * Matrix states: every pair within range, each once (a cell with itself and its east neighbour, one
   * run of items; then with the three cells below, another), its state read and set; then the pairs up
   * at the last update and not now go down. Returns the links up now.
   */
  private matrixUpdate(): number {
    const { cellStart, cellItems, cellX, cellY, cols, rows, stride, inRange2 } = this;
    const state = this.pairState!;
    const rowBase = this.rowBase!;
    const near = this.near;
    const prevMark = 3 - this.upMark;
    const mark = this.upMark;
    let cur = this.curUp;
    let evA = this.evA;
    let evB = this.evB;
    let evUp = this.evUp;
    let ev = 0;
    let ups = 0;
    let newPairs = 0;
    let m = 0;
    for (let r = 0; r < rows; r++) {
      const rowEnd = r * stride + cols + 1;
      for (let cell = r * stride + 1; cell < rowEnd; cell++) {
        const s0 = cellStart[cell]!;
        const s1 = cellStart[cell + 1]!;
        if (s0 === s1) continue;
        // The padding makes every neighbour exist (empty at the edges), and cells of a row are
        // consecutive runs of items: east = up to the start of cell + 2, below = cell + stride − 1 … + 1.
        const eastEnd = cellStart[cell + 2]!;
        const b0 = cellStart[cell + stride - 1]!;
        const b1 = cellStart[cell + stride + 2]!;
        // Room for every candidate of this cell, so the inner loops never check.
        const most = m + (s1 - s0) * (eastEnd - s0 + b1 - b0);
        if (most > cur.length) cur = ensureLength(cur, most);
        if (ev + most - m > evA.length) {
          this.roomForEvents(ev + most - m);
          evA = this.evA;
          evB = this.evB;
          evUp = this.evUp;
        }
        for (let i = s0; i < s1; i++) {
          const xi = cellX[i]!;
          const yi = cellY[i]!;
          const a = cellItems[i]!;
          // Candidates in two runs: this cell after i and its east neighbour, then the three cells
          // below. Written branch-free (the test is a coin toss a branch predictor cannot learn),
          // then only those in range are looked up.
          let k = 0;
          for (let j = i + 1; j < eastEnd; j++) {
            const dx = cellX[j]! - xi;
            const dy = cellY[j]! - yi;
            near[k] = j;
            k += +(dx * dx + dy * dy <= inRange2);
          }
          for (let j = b0; j < b1; j++) {
            const dx = cellX[j]! - xi;
            const dy = cellY[j]! - yi;
            near[k] = j;
            k += +(dx * dx + dy * dy <= inRange2);
          }
          for (let q = 0; q < k; q++) {
            const b = cellItems[near[q]!]!;
            // min/max, not a branch on a < b: which of the two is lower is a coin toss too.
            const lo = Math.min(a, b);
            const hi = Math.max(a, b);
            const pair = rowBase[lo]! + hi;
            const s = state[pair]!;
            state[pair] = mark;
            cur[m++] = (lo << 16) | hi;
            if (s === prevMark) continue;
            if (s === NEVER) newPairs++;
            ups++;
            evA[ev] = a;
            evB[ev] = b;
            evUp[ev++] = 1;
          }
        }
      }
    }
    const prev = this.prevUp;
    const prevCount = this.prevUpCount;
    this.roomForEvents(ev + prevCount);
    evA = this.evA;
    evB = this.evB;
    evUp = this.evUp;
    for (let k = 0; k < prevCount; k++) {
      const lo = prev[k]! >>> 16;
      const hi = prev[k]! & 0xffff;
      const pair = rowBase[lo]! + hi;
      if (state[pair] === mark) continue;
      state[pair] = GONE;
      evA[ev] = lo;
      evB[ev] = hi;
      evUp[ev++] = 0;
    }
    this.curUp = prev;
    this.prevUp = cur;
    this.prevUpCount = m;
    this.upMark = prevMark;
    this.evCount = ev;
    this.linkUps += ups;
    this.pairCount += newPairs;
    return m;
  }

  /**
   * Lists: every pair within range, each once (as {@link matrixUpdate}), in `foundLo`/`foundHi`.
   * Returns how many.
   */
  private findLinks(): number {
    const { cellStart, cellItems, cellX, cellY, cols, rows, stride, inRange2 } = this;
    let lo = this.foundLo!;
    let hi = this.foundHi!;
    let m = 0;
    for (let r = 0; r < rows; r++) {
      const rowEnd = r * stride + cols + 1;
      for (let cell = r * stride + 1; cell < rowEnd; cell++) {
        const s0 = cellStart[cell]!;
        const s1 = cellStart[cell + 1]!;
        if (s0 === s1) continue;
        const eastEnd = cellStart[cell + 2]!;
        const b0 = cellStart[cell + stride - 1]!;
        const b1 = cellStart[cell + stride + 2]!;
        const most = m + (s1 - s0) * (eastEnd - s0 + b1 - b0);
        if (most > lo.length) {
          lo = ensureLength(lo, most);
          hi = ensureLength(hi, most);
        }
        for (let i = s0; i < s1; i++) {
          const xi = cellX[i]!;
          const yi = cellY[i]!;
          const a = cellItems[i]!;
          for (let pass = 0; pass < 2; pass++) {
            const j1 = pass === 0 ? eastEnd : b1;
            for (let j = pass === 0 ? i + 1 : b0; j < j1; j++) {
              const dx = cellX[j]! - xi;
              const dy = cellY[j]! - yi;
              if (!(dx * dx + dy * dy <= inRange2)) continue;
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
    const curStart = this.curStart!;
    const foundLo = this.foundLo!;
    const foundHi = this.foundHi!;
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
  private compare(): void {
    const n = this.people;
    const markPrev = this.markPrev!;
    const markCur = this.markCur!;
    const prevStart = this.prevStart!;
    const curStart = this.curStart!;
    const { prevItems, curItems } = this;
    this.roomForEvents(curStart[n]! + prevStart[n]!);
    const { evA, evB, evUp } = this;
    let ev = 0;
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
        if (markPrev[b] === stamp) continue;
        this.linkUp(a, b);
        evA[ev] = a;
        evB[ev] = b;
        evUp[ev++] = 1;
      }
      for (let i = p0; i < p1; i++) {
        const b = prevItems[i]!;
        if (markCur[b] === stamp) continue;
        evA[ev] = a;
        evB[ev] = b;
        evUp[ev++] = 0;
      }
    }
    this.evCount = ev;
    // The current lists become the previous ones.
    this.curItems = prevItems;
    this.prevItems = curItems;
    this.curStart = prevStart;
    this.prevStart = curStart;
  }

  private linkUp(a: number, b: number): void {
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
