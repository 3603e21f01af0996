/**
 * A uniform grid over the people present, rebuilt every step by counting sort (O(n), no allocation once
 * sized): cell → the people in it, contiguous. Neighbour queries visit only the cells a radius touches, so
 * no part of the simulator is O(n²).
 * @module
 */
import { ensureLength } from '../util/growable.js';

export class UniformGrid {
  readonly cols: number;
  readonly rows: number;
  /** Start of each cell's run in `items` (length cells + 1). */
  readonly cellStart: Uint32Array;
  /** People sorted by cell. */
  readonly items: Uint32Array;
  /** Result of the last {@link within} query: people and their squared distances, valid until the next query. */
  found = new Uint32Array(256);
  foundDistance2 = new Float64Array(256);
  private readonly cellOf: Int32Array;
  private readonly fill: Uint32Array;
  private xM: Float64Array = new Float64Array(0);
  private yM: Float64Array = new Float64Array(0);

  constructor(
    readonly widthM: number,
    readonly heightM: number,
    readonly cellM: number,
    capacity: number,
  ) {
    this.cols = Math.max(1, Math.ceil(widthM / cellM));
    this.rows = Math.max(1, Math.ceil(heightM / cellM));
    this.cellStart = new Uint32Array(this.cols * this.rows + 1);
    this.fill = new Uint32Array(this.cols * this.rows);
    this.items = new Uint32Array(capacity);
    this.cellOf = new Int32Array(capacity);
  }

  /** Column of an x (clamped to the grid, so people just outside the area still land in an edge cell). */
  col(xM: number): number {
    const c = Math.floor(xM / this.cellM);
    return c < 0 ? 0 : c >= this.cols ? this.cols - 1 : c;
  }

  row(yM: number): number {
    const r = Math.floor(yM / this.cellM);
    return r < 0 ? 0 : r >= this.rows ? this.rows - 1 : r;
  }

  /** Indexes everyone with `present[p]` set. */
  build(xM: Float64Array, yM: Float64Array, present: Uint8Array, count: number): void {
    const { cellStart, fill, items, cellOf } = this;
    this.xM = xM;
    this.yM = yM;
    cellStart.fill(0);
    for (let p = 0; p < count; p++) {
      if (!present[p]) {
        cellOf[p] = -1;
        continue;
      }
      const c = this.row(yM[p]!) * this.cols + this.col(xM[p]!);
      cellOf[p] = c;
      cellStart[c + 1]!++;
    }
    for (let c = 0; c < fill.length; c++) cellStart[c + 1]! += cellStart[c]!;
    fill.set(cellStart.subarray(0, fill.length));
    for (let p = 0; p < count; p++) {
      const c = cellOf[p]!;
      if (c >= 0) items[fill[c]!++] = p;
    }
  }

  /**
   * Everyone indexed within `radiusM` of (xM, yM), the point's own person included, into `found` and
   * `foundDistance2` (squared metres); returns how many. Visits only the cells the radius touches.
   */
  within(xM: number, yM: number, radiusM: number): number {
    const { cellStart, items, cols } = this;
    const xs = this.xM;
    const ys = this.yM;
    const radius2 = radiusM * radiusM;
    const c0 = this.col(xM - radiusM);
    const c1 = this.col(xM + radiusM);
    const r1 = this.row(yM + radiusM);
    let n = 0;
    for (let row = this.row(yM - radiusM); row <= r1; row++) {
      for (let cell = row * cols + c0; cell <= row * cols + c1; cell++) {
        for (let k = cellStart[cell]!; k < cellStart[cell + 1]!; k++) {
          const p = items[k]!;
          const dx = xs[p]! - xM;
          const dy = ys[p]! - yM;
          const d2 = dx * dx + dy * dy;
          if (d2 > radius2) continue;
          if (n === this.found.length) {
            this.found = ensureLength(this.found, n + 1);
            this.foundDistance2 = ensureLength(this.foundDistance2, n + 1);
          }
          this.found[n] = p;
          this.foundDistance2[n] = d2;
          n++;
        }
      }
    }
    return n;
  }
}
