/**
 * Range-only contacts, as The ONE's `ConnectivityONEReport` logs them: at every update a link between two
 * walkers is up while their distance is ≤ the range (`NetworkInterface.isWithinRange`: the Euclidean
 * distance, square root and all, compared with `<=`), it goes "up" at the first update they are within
 * range and "down" at the first update they are not (or one of them has left). No radio, no probability:
 * the unit-disk links The ONE's `SimpleBroadcastInterface` makes when every host always scans.
 *
 * A link's state is a function of the two updates' positions alone, so the tracker keeps no state per
 * pair: a pair in range now came up unless it was in range at the previous update (its previous
 * positions tell), and a link of the previous update went down unless it is in range now (its current
 * positions tell). Each update indexes everyone present in a uniform grid (counting sort, as
 * `UniformGrid`, with current and previous positions copied in cell order) and checks each candidate
 * pair once: a cell against itself and its east neighbours (one run of the cell order), then against
 * the cells below (a run per row). Cells are the range itself, or half of it where walkers are dense
 * (then a walker's candidates cover 25 quarter-cells, 6.25 r², instead of 9 r²: a third fewer tests for
 * one more run). The test is one comparison of the squared
 * distance with the largest double whose square root is ≤ the range ({@link sqrtAtMost}): exactly The
 * ONE's test on the square root, and the same arithmetic whichever update evaluates it. Memory is
 * O(walkers + links up) in typed arrays, plus a bitset of pairs ever linked up to 8192 walkers; the
 * events go to a {@link ConnectivityLog}, streamed or kept in memory.
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
   * while the run goes (call {@link RangeContacts.flushLog} after the last update); or `'none'`.
   */
  log?: 'memory' | 'none' | LogSink;
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
/** From this many walkers per range-sized cell of the area on, cells are half the range. */
const HALF_CELLS_FROM_DENSITY = 3;
/**
 * Cells are this much wider than range / cellsPerRange, so that two positions within range are never
 * more than cellsPerRange cells apart, whatever the rounding of their division by the cell size.
 */
const CELL_MARGIN = 1 + 1e-9;

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
  /** Cells per range (1 or 2): a walker's candidates lie within this many cells each way. */
  private readonly cellsPerRange: number;
  private readonly cellM: number;
  private readonly cols: number;
  private readonly rows: number;
  /**
   * Row stride of the padded grid: `cellsPerRange` empty columns each side and as many empty rows below
   * the last, so every neighbour a run reads exists (empty at the edges).
   */
  private readonly stride: number;
  /** Largest squared distance in range (see {@link sqrtAtMost}). */
  private readonly inRange2: number;
  /** Grid of cells of the range: cell → walkers (counting sort), with their positions in cell order. */
  private readonly cellStart: Uint32Array;
  private readonly cellFill: Uint32Array;
  private readonly cellOf: Int32Array;
  private readonly cellItems: Uint32Array;
  /** x, y of cell-order item k at 2k, 2k + 1 (one array: one load stream in the hot loop). */
  private readonly cellXY: Float64Array;
  /** The same walkers' positions at the previous update (interleaved too), in this update's cell order. */
  private readonly cellPrevXY: Float64Array;
  /**
   * Everyone's positions now and at the previous update, by walker (x, y at 2p, 2p + 1), NaN while
   * away: a NaN distance is never in range, so presence needs no test of its own.
   */
  private posXY: Float64Array;
  private prevPosXY: Float64Array;
  /** One walker's candidates in range (positions in cell order), found branch-free. */
  private readonly near: Uint32Array;
  /** The links of the previous update and of this one, as walker pairs (either order). */
  private prevA = new Uint32Array(1024);
  private prevB = new Uint32Array(1024);
  private prevLinks = 0;
  private curA = new Uint32Array(1024);
  private curB = new Uint32Array(1024);
  private curLinks = 0;
  /** This update's events, handed to the log at its end. */
  private evA = new Uint32Array(1024);
  private evB = new Uint32Array(1024);
  private evUp = new Uint8Array(1024);
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
    this.inRange2 = sqrtAtMost(rangeM);
    const rangeCells =
      Math.max(1, Math.ceil(options.widthM / rangeM)) *
      Math.max(1, Math.ceil(options.heightM / rangeM));
    this.cellsPerRange = people >= HALF_CELLS_FROM_DENSITY * rangeCells ? 2 : 1;
    this.cellM = (rangeM / this.cellsPerRange) * CELL_MARGIN;
    this.cols = Math.max(1, Math.ceil(options.widthM / this.cellM));
    this.rows = Math.max(1, Math.ceil(options.heightM / this.cellM));
    this.stride = this.cols + 2 * this.cellsPerRange;
    const paddedCells = this.stride * (this.rows + this.cellsPerRange);
    this.cellStart = new Uint32Array(paddedCells + 1);
    this.cellFill = new Uint32Array(paddedCells);
    this.cellOf = new Int32Array(people);
    this.cellItems = new Uint32Array(people);
    this.cellXY = new Float64Array(2 * people);
    this.cellPrevXY = new Float64Array(2 * people);
    this.posXY = new Float64Array(2 * people);
    this.prevPosXY = new Float64Array(2 * people).fill(NaN);
    this.near = new Uint32Array(people);
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
    this.index(xM, yM, present);
    const ups = this.findLinks();
    for (let k = 0; k < ups; k++) this.everLinked(this.evA[k]!, this.evB[k]!);
    const found = this.curLinks;
    const events = this.findDowns(ups);
    this.events += events;
    const prevPosXY = this.prevPosXY;
    this.prevPosXY = this.posXY;
    this.posXY = prevPosXY;
    this.linkedUpdates += found;
    this.contactS += found * dtS;
    const t1 = this.clock?.();
    this.log?.writeUpdate(tS, this.evA, this.evB, this.evUp, events);
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

  /**
   * Counting sort of everyone present into cells of the range (positions outside clamp to edges),
   * with their current and previous positions in cell order.
   */
  private index(xM: Float64Array, yM: Float64Array, present: Uint8Array): void {
    const { cellStart, cellFill, cellOf, cellItems, cellXY, cols, rows, stride, cellM } = this;
    const pad = this.cellsPerRange;
    const { cellPrevXY, posXY, prevPosXY } = this;
    const n = this.people;
    cellStart.fill(0);
    for (let p = 0; p < n; p++) {
      if (!present[p]) {
        cellOf[p] = -1;
        posXY[2 * p] = NaN;
        posXY[2 * p + 1] = NaN;
        continue;
      }
      const x = xM[p]!;
      const y = yM[p]!;
      posXY[2 * p] = x;
      posXY[2 * p + 1] = y;
      let c = Math.floor(x / cellM);
      let r = Math.floor(y / cellM);
      c = c < 0 ? 0 : c >= cols ? cols - 1 : c;
      r = r < 0 ? 0 : r >= rows ? rows - 1 : r;
      const cell = r * stride + c + pad;
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
      cellXY[2 * k] = posXY[2 * p]!;
      cellXY[2 * k + 1] = posXY[2 * p + 1]!;
      cellPrevXY[2 * k] = prevPosXY[2 * p]!;
      cellPrevXY[2 * k + 1] = prevPosXY[2 * p + 1]!;
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
   * Every pair within range, each once, into `curA`/`curB`; those not in range at the previous update
   * are this update's "up" events. Returns how many came up.
   */
  private findLinks(): number {
    const { cellStart, cellItems, cellXY, cols, rows, stride, inRange2, near } = this;
    const { cellPrevXY } = this;
    const pad = this.cellsPerRange;
    let curA = this.curA;
    let curB = this.curB;
    let evA = this.evA;
    let evB = this.evB;
    let ups = 0;
    let m = 0;
    for (let r = 0; r < rows; r++) {
      const rowEnd = r * stride + cols + pad;
      for (let cell = r * stride + pad; cell < rowEnd; cell++) {
        const s0 = cellStart[cell]!;
        const s1 = cellStart[cell + 1]!;
        if (s0 === s1) continue;
        // The padding makes every neighbour exist (empty at the edges), and cells of a row are
        // consecutive runs of items: this cell and those east of it up to the start of cell + pad + 1;
        // each row below from cell + dy · stride − pad to the start of cell + dy · stride + pad + 1.
        const eastEnd = cellStart[cell + pad + 1]!;
        const b0 = cellStart[cell + stride - pad]!;
        const b1 = cellStart[cell + stride + pad + 1]!;
        const c0 = pad === 2 ? cellStart[cell + 2 * stride - 2]! : 0;
        const c1 = pad === 2 ? cellStart[cell + 2 * stride + 3]! : 0;
        // Room for every candidate of this cell, so the inner loops never check.
        const most = m + (s1 - s0) * (eastEnd - s0 + b1 - b0 + c1 - c0);
        if (most > curA.length) {
          curA = this.curA = ensureLength(curA, most);
          curB = this.curB = ensureLength(curB, most);
        }
        if (ups + most - m > evA.length) {
          this.roomForEvents(ups + most - m);
          evA = this.evA;
          evB = this.evB;
        }
        for (let i = s0; i < s1; i++) {
          const xi = cellXY[2 * i]!;
          const yi = cellXY[2 * i + 1]!;
          // Candidates in runs: this cell after i and its east neighbours, then each row below.
          // Written branch-free (the test is a coin toss a branch predictor cannot learn), then only
          // those in range are looked at.
          let k = nearIn(cellXY, xi, yi, i + 1, eastEnd, inRange2, near, 0);
          k = nearIn(cellXY, xi, yi, b0, b1, inRange2, near, k);
          k = nearIn(cellXY, xi, yi, c0, c1, inRange2, near, k);
          if (k === 0) continue;
          const a = cellItems[i]!;
          const pxi = cellPrevXY[2 * i]!;
          const pyi = cellPrevXY[2 * i + 1]!;
          for (let q = 0; q < k; q++) {
            const j = near[q]!;
            const b = cellItems[j]!;
            curA[m] = a;
            curB[m++] = b;
            // Up at the previous update: the same test on their positions then (NaN if away).
            const dx = cellPrevXY[2 * j]! - pxi;
            const dy = cellPrevXY[2 * j + 1]! - pyi;
            if (dx * dx + dy * dy <= inRange2) continue;
            evA[ups] = a;
            evB[ups++] = b;
          }
        }
      }
    }
    this.curLinks = m;
    this.linkUps += ups;
    return ups;
  }

  /**
   * The previous update's links not in range now went down: appended to the events after the `ups`
   * ups. Makes this update's links the previous ones; returns the update's events.
   */
  private findDowns(ups: number): number {
    const { inRange2, prevA, prevB, prevLinks, posXY } = this;
    this.roomForEvents(ups + prevLinks);
    const { evA, evB, evUp } = this;
    evUp.fill(1, 0, ups);
    let ev = ups;
    for (let k = 0; k < prevLinks; k++) {
      const a = prevA[k]!;
      const b = prevB[k]!;
      const dx = posXY[2 * b]! - posXY[2 * a]!;
      const dy = posXY[2 * b + 1]! - posXY[2 * a + 1]!;
      if (dx * dx + dy * dy <= inRange2) continue;
      evA[ev] = a;
      evB[ev] = b;
      evUp[ev++] = 0;
    }
    this.prevA = this.curA;
    this.prevB = this.curB;
    this.curA = prevA;
    this.curB = prevB;
    this.prevLinks = this.curLinks;
    return ev;
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
 * Appends to `near` from `k` on the cell-order items j in [from, to) within range of (xi, yi); returns
 * the new count. Branch-free: each j is written, and kept by advancing k only when in range.
 */
function nearIn(
  cellXY: Float64Array,
  xi: number,
  yi: number,
  from: number,
  to: number,
  inRange2: number,
  near: Uint32Array,
  k: number,
): number {
  for (let j = from; j < to; j++) {
    const dx = cellXY[2 * j]! - xi;
    const dy = cellXY[2 * j + 1]! - yi;
    near[k] = j;
    k += +(dx * dx + dy * dy <= inRange2);
  }
  return k;
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
