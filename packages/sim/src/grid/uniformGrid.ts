/**
 * A uniform grid over the people present, kept up to date incrementally: each cell holds a linked list
 * of its people (typed arrays, no allocation once sized), and a step relinks only the people whose cell
 * changed, so a step where most people stand still costs next to nothing and no cell array is cleared.
 * Neighbour queries visit only the cells a radius touches, so no part of the simulator is O(n²).
 * @module
 */
import { ensureLength } from '../util/growable.js';
import { clampedCell } from './cells.js';

const NONE = -1;

export class UniformGrid {
  readonly cols: number;
  readonly rows: number;
  /** Result of the last {@link within} query: people and their squared distances, valid until the next query. */
  found = new Uint32Array(256);
  foundDistance2 = new Float64Array(256);
  /** First person of each cell's list (−1: empty). */
  private readonly head: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** Cell each person is linked into (−1: not indexed). */
  private readonly cellOf: Int32Array;
  /** Where queries read positions: person p at xs[p × stride + xOffset], ys[p × stride + yOffset]. */
  private xs: Float64Array = new Float64Array(0);
  private ys: Float64Array = new Float64Array(0);
  private stride = 1;
  private xOffset = 0;
  private yOffset = 0;
  private readonly ownPositions: boolean;

  /**
   * `queryPositions`: records of the caller's to read positions from in queries (they must hold the
   * positions the grid was last built or updated with), so a query touches one record per person it
   * visits, the one the caller reads next; default: the position columns given to build and update.
   */
  constructor(
    readonly widthM: number,
    readonly heightM: number,
    readonly cellM: number,
    capacity: number,
    queryPositions?: { records: Float64Array; stride: number; xOffset: number; yOffset: number },
  ) {
    this.ownPositions = !queryPositions;
    if (queryPositions) {
      this.xs = this.ys = queryPositions.records;
      this.stride = queryPositions.stride;
      this.xOffset = queryPositions.xOffset;
      this.yOffset = queryPositions.yOffset;
    }
    this.cols = Math.max(1, Math.ceil(widthM / cellM));
    this.rows = Math.max(1, Math.ceil(heightM / cellM));
    this.head = new Int32Array(this.cols * this.rows).fill(NONE);
    this.next = new Int32Array(capacity).fill(NONE);
    this.prev = new Int32Array(capacity).fill(NONE);
    this.cellOf = new Int32Array(capacity).fill(NONE);
  }

  /** Column of an x (clamped to the grid, so people just outside the area still land in an edge cell). */
  col(xM: number): number {
    return clampedCell(xM, this.cellM, this.cols);
  }

  row(yM: number): number {
    return clampedCell(yM, this.cellM, this.rows);
  }

  /** Indexes everyone with `present[p]` set (people already indexed in the right cell stay put). */
  build(xM: Float64Array, yM: Float64Array, present: Uint8Array, count: number): void {
    this.usePositions(xM, yM);
    for (let p = 0; p < count; p++)
      this.place(p, present[p] ? this.row(yM[p]!) * this.cols + this.col(xM[p]!) : NONE);
  }

  /**
   * Re-indexes only `moved[0 .. movedCount)`: the people whose position or presence changed since the
   * last build or update (everyone else must be where they were).
   */
  update(
    xM: Float64Array,
    yM: Float64Array,
    present: Uint8Array,
    moved: Int32Array,
    movedCount: number,
  ): void {
    this.usePositions(xM, yM);
    for (let i = 0; i < movedCount; i++) {
      const p = moved[i]!;
      this.place(p, present[p] ? this.row(yM[p]!) * this.cols + this.col(xM[p]!) : NONE);
    }
  }

  /**
   * Indexes one entry at (xM, yM), or removes it when not present: for callers whose indices are not
   * those of position columns (the air indexes its records).
   */
  placeAt(index: number, xM: number, yM: number, present: boolean): void {
    this.place(index, present ? this.row(yM) * this.cols + this.col(xM) : NONE);
  }

  /**
   * Renames every entry: entry i becomes `newIndex[i]` (a permutation of 0 … capacity − 1). Each cell
   * keeps its list in the same order, so queries find the same entries in the same order, under their
   * new names. The caller moves what it keeps per entry (the query positions too) the same way.
   */
  renumber(newIndex: Int32Array): void {
    const { head, next, prev, cellOf } = this;
    const n = next.length;
    const rename = (i: number) => (i === NONE ? NONE : newIndex[i]!);
    for (let c = 0; c < head.length; c++) head[c] = rename(head[c]!);
    for (const column of [next, prev]) {
      const old = column.slice();
      for (let i = 0; i < n; i++) column[newIndex[i]!] = rename(old[i]!);
    }
    const oldCell = cellOf.slice();
    for (let i = 0; i < n; i++) cellOf[newIndex[i]!] = oldCell[i]!;
  }

  private usePositions(xM: Float64Array, yM: Float64Array): void {
    if (!this.ownPositions) return;
    this.xs = xM;
    this.ys = yM;
  }

  private place(p: number, cell: number): void {
    const old = this.cellOf[p]!;
    if (old === cell) return;
    const { head, next, prev } = this;
    if (old !== NONE) {
      const before = prev[p]!;
      const after = next[p]!;
      if (before === NONE) head[old] = after;
      else next[before] = after;
      if (after !== NONE) prev[after] = before;
    }
    this.cellOf[p] = cell;
    if (cell === NONE) return;
    const first = head[cell]!;
    prev[p] = NONE;
    next[p] = first;
    if (first !== NONE) prev[first] = p;
    head[cell] = p;
  }

  /**
   * Everyone indexed within `radiusM` of (xM, yM), the point's own person included, into `found` and
   * `foundDistance2` (squared metres); returns how many. Visits only the cells the radius touches.
   */
  within(xM: number, yM: number, radiusM: number): number {
    const { head, next, cols, xs, ys, stride, xOffset, yOffset } = this;
    const radius2 = radiusM * radiusM;
    const c0 = this.col(xM - radiusM);
    const c1 = this.col(xM + radiusM);
    const r1 = this.row(yM + radiusM);
    let found = this.found;
    let foundDistance2 = this.foundDistance2;
    let n = 0;
    for (let row = this.row(yM - radiusM); row <= r1; row++) {
      for (let cell = row * cols + c0; cell <= row * cols + c1; cell++) {
        for (let p = head[cell]!; p !== NONE; p = next[p]!) {
          const dx = xs[p * stride + xOffset]! - xM;
          const dy = ys[p * stride + yOffset]! - yM;
          const d2 = dx * dx + dy * dy;
          if (d2 > radius2) continue;
          if (n === found.length) {
            found = this.found = ensureLength(found, n + 1);
            foundDistance2 = this.foundDistance2 = ensureLength(foundDistance2, n + 1);
          }
          found[n] = p;
          foundDistance2[n] = d2;
          n++;
        }
      }
    }
    return n;
  }
}
