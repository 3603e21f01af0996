/**
 * A uniform grid whose cells are runs of one packed array, for neighbour queries that visit hundreds of
 * entries each (the air's scans at a 40 m range). A {@link UniformGrid}'s linked lists make every entry a
 * query visits a load that waits on the one before: at 100 k phones that cost about 100 ns an entry,
 * the memory's latency. Here a query reads each row's cells as one run of positions, in order.
 *
 * The runs are a counting sort of the entries by cell with their positions copied in, made by
 * {@link PackedGrid.repack}. Entries that change cell between repacks leave a NaN in their run (never
 * within any radius) and join a short linked list of their new cell; those that come back to the cell of
 * their run take their place in it again, and those that move within it update it. The caller repacks
 * once the lists hold a set share of the entries ({@link PackedGrid.repackIfDue}). What a query finds, and in which order, depends
 * on the places made, never on what the entries are called: renaming them ({@link PackedGrid.renumber})
 * changes no query's answer but the names.
 * @module
 */
import { ensureLength } from '../util/growable.js';
import { clampedCell } from './cells.js';

const NONE = -1;

/** Where the grid reads its entries' positions when it repacks (the caller's records, kept current). */
export interface GridPositions {
  records: Float64Array;
  stride: number;
  xOffset: number;
  yOffset: number;
}

export interface PackedGridOptions {
  /** Repack once this share of the entries sits in the cells' lists (default 1/32). */
  repackShare?: number;
  /**
   * The order in which a repack lays each cell's entries out (a permutation of the entries, which the
   * caller may rewrite in place; default by index). The air passes its person → slot map, so a cell's
   * run lists people in person order whatever slots they sit in.
   */
  packOrder?: ArrayLike<number>;
}

export class PackedGrid {
  readonly cols: number;
  readonly rows: number;
  /** Result of the last {@link within} query: entries and their squared distances, valid until the next query. */
  found = new Uint32Array(256);
  foundDistance2 = new Float64Array(256);
  /** Runs: cell c's packed entries are items[cellStart[c] … cellStart[c + 1]). */
  private readonly cellStart: Int32Array;
  private readonly items: Int32Array;
  /** x, y of packed item k at 2k, 2k + 1; NaN once the entry has left the cell. */
  private readonly itemXY: Float64Array;
  /** Entry → its packed item since the last repack (−1: none). */
  private readonly itemOf: Int32Array;
  /** Entry → the cell it is in now (−1: not indexed). */
  private readonly cellOf: Int32Array;
  /** Entries in a cell other than their run's: a singly linked list per cell. */
  private readonly listHead: Int32Array;
  private readonly listNext: Int32Array;
  private listed = 0;
  private readonly repackAt: number;
  private readonly packOrder: ArrayLike<number> | undefined;

  constructor(
    readonly widthM: number,
    readonly heightM: number,
    readonly cellM: number,
    readonly capacity: number,
    private readonly positions: GridPositions,
    options: PackedGridOptions = {},
  ) {
    this.cols = Math.max(1, Math.ceil(widthM / cellM));
    this.rows = Math.max(1, Math.ceil(heightM / cellM));
    const cells = this.cols * this.rows;
    this.cellStart = new Int32Array(cells + 1);
    this.items = new Int32Array(capacity);
    this.itemXY = new Float64Array(2 * capacity);
    this.itemOf = new Int32Array(capacity).fill(NONE);
    this.cellOf = new Int32Array(capacity).fill(NONE);
    this.listHead = new Int32Array(cells).fill(NONE);
    this.listNext = new Int32Array(capacity).fill(NONE);
    this.repackAt = Math.max(1, Math.ceil(capacity * (options.repackShare ?? 1 / 32)));
    this.packOrder = options.packOrder;
  }

  /** Column of an x (clamped to the grid, so entries just outside the area still land in an edge cell). */
  col(xM: number): number {
    return clampedCell(xM, this.cellM, this.cols);
  }

  row(yM: number): number {
    return clampedCell(yM, this.cellM, this.rows);
  }

  /**
   * Indexes entry `index` at (xM, yM), or removes it when not present. The positions records must hold
   * the same position for it from now on (the grid reads them when it repacks and for listed entries).
   */
  placeAt(index: number, xM: number, yM: number, present: boolean): void {
    const cell = present ? this.row(yM) * this.cols + this.col(xM) : NONE;
    const old = this.cellOf[index]!;
    const item = this.itemOf[index]!;
    const inRun = item !== NONE && old !== NONE && this.runHolds(old, item);
    if (cell === old) {
      if (inRun) this.setItemXY(item, xM, yM);
      return;
    }
    if (inRun) this.setItemXY(item, NaN, NaN);
    else if (old !== NONE) this.unlist(index, old);
    this.cellOf[index] = cell;
    if (cell === NONE) return;
    if (item !== NONE && this.runHolds(cell, item)) {
      this.setItemXY(item, xM, yM);
      return;
    }
    this.listNext[index] = this.listHead[cell]!;
    this.listHead[cell] = index;
    this.listed++;
  }

  /** Repacks if the lists hold the set share of the entries: call after a batch of {@link placeAt}. */
  repackIfDue(): void {
    if (this.listed >= this.repackAt) this.repack();
  }

  /**
   * Renames every entry: entry i becomes `newIndex[i]` (a permutation of 0 … capacity − 1). Runs and
   * lists keep their order, so every query finds the same entries in the same order, under their new
   * names. The caller moves the positions records (and its pack order) the same way.
   */
  renumber(newIndex: Int32Array): void {
    const { items, itemOf, cellOf, listHead, listNext } = this;
    const rename = (i: number) => (i === NONE ? NONE : newIndex[i]!);
    const packed = this.cellStart[listHead.length]!;
    for (let k = 0; k < packed; k++) items[k] = newIndex[items[k]!]!;
    for (let c = 0; c < listHead.length; c++) listHead[c] = rename(listHead[c]!);
    for (const column of [itemOf, cellOf, listNext]) {
      const old = column.slice();
      const renames = column === listNext;
      for (let i = 0; i < old.length; i++)
        column[newIndex[i]!] = renames ? rename(old[i]!) : old[i]!;
    }
  }

  /** Packs every indexed entry into its cell's run (in the pack order) and empties the lists. */
  repack(): void {
    const { cellStart, items, itemXY, itemOf, cellOf, listHead, packOrder } = this;
    const { records, stride, xOffset, yOffset } = this.positions;
    const n = this.capacity;
    const cells = listHead.length;
    cellStart.fill(0);
    for (let e = 0; e < n; e++) {
      const cell = cellOf[e]!;
      if (cell !== NONE) cellStart[cell + 1]!++;
    }
    for (let c = 0; c < cells; c++) cellStart[c + 1]! += cellStart[c]!;
    // listHead doubles as each cell's fill pointer, then is emptied. Entries go in the pack order, then
    // their positions are read in run order: a cell's entries are mostly neighbours in the caller's
    // records (the air lays them out by cell), where reading them in pack order would jump at random.
    for (let c = 0; c < cells; c++) listHead[c] = cellStart[c]!;
    for (let i = 0; i < n; i++) {
      const e = packOrder ? packOrder[i]! : i;
      const cell = cellOf[e]!;
      if (cell === NONE) {
        itemOf[e] = NONE;
        continue;
      }
      const k = listHead[cell]!++;
      items[k] = e;
      itemOf[e] = k;
    }
    const packed = cellStart[cells]!;
    for (let k = 0; k < packed; k++) {
      const e = items[k]!;
      itemXY[2 * k] = records[e * stride + xOffset]!;
      itemXY[2 * k + 1] = records[e * stride + yOffset]!;
    }
    listHead.fill(NONE);
    this.listed = 0;
  }

  /**
   * Every entry indexed within `radiusM` of (xM, yM), the point's own included, into `found` and
   * `foundDistance2` (squared metres); returns how many. Visits only the cells the radius touches: each
   * row's runs in one pass, then those cells' lists.
   */
  within(xM: number, yM: number, radiusM: number): number {
    const { cellStart, items, itemXY, cols } = this;
    const radius2 = radiusM * radiusM;
    // clampedCell() written out: a call with a double argument boxes it, four times a query.
    const { cellM, rows } = this;
    let c0 = Math.floor((xM - radiusM) / cellM);
    let c1 = Math.floor((xM + radiusM) / cellM);
    let r0 = Math.floor((yM - radiusM) / cellM);
    let r1 = Math.floor((yM + radiusM) / cellM);
    c0 = c0 < 0 ? 0 : c0 >= cols ? cols - 1 : c0;
    c1 = c1 < 0 ? 0 : c1 >= cols ? cols - 1 : c1;
    r0 = r0 < 0 ? 0 : r0 >= rows ? rows - 1 : r0;
    r1 = r1 < 0 ? 0 : r1 >= rows ? rows - 1 : r1;
    // Room for every entry the runs and lists could hold, so the loops never check.
    let most = this.listed;
    for (let row = r0; row <= r1; row++)
      most += cellStart[row * cols + c1 + 1]! - cellStart[row * cols + c0]!;
    if (most > this.found.length) {
      this.found = ensureLength(this.found, most);
      this.foundDistance2 = ensureLength(this.foundDistance2, most);
    }
    const { found, foundDistance2 } = this;
    let n = 0;
    for (let row = r0; row <= r1; row++) {
      const end = cellStart[row * cols + c1 + 1]!;
      for (let k = cellStart[row * cols + c0]!; k < end; k++) {
        const dx = itemXY[2 * k]! - xM;
        const dy = itemXY[2 * k + 1]! - yM;
        const d2 = dx * dx + dy * dy;
        // NaN (left the cell) is never within.
        if (!(d2 <= radius2)) continue;
        found[n] = items[k]!;
        foundDistance2[n++] = d2;
      }
    }
    if (this.listed === 0) return n;
    const { listHead, listNext } = this;
    const { records, stride, xOffset, yOffset } = this.positions;
    for (let row = r0; row <= r1; row++) {
      for (let cell = row * cols + c0; cell <= row * cols + c1; cell++) {
        for (let e = listHead[cell]!; e !== NONE; e = listNext[e]!) {
          const dx = records[e * stride + xOffset]! - xM;
          const dy = records[e * stride + yOffset]! - yM;
          const d2 = dx * dx + dy * dy;
          if (!(d2 <= radius2)) continue;
          found[n] = e;
          foundDistance2[n++] = d2;
        }
      }
    }
    return n;
  }

  private runHolds(cell: number, item: number): boolean {
    return item >= this.cellStart[cell]! && item < this.cellStart[cell + 1]!;
  }

  private setItemXY(item: number, xM: number, yM: number): void {
    this.itemXY[2 * item] = xM;
    this.itemXY[2 * item + 1] = yM;
  }

  private unlist(index: number, cell: number): void {
    const { listHead, listNext } = this;
    this.listed--;
    if (listHead[cell] === index) {
      listHead[cell] = listNext[index]!;
      return;
    }
    for (let e = listHead[cell]!; e !== NONE; e = listNext[e]!) {
      if (listNext[e] !== index) continue;
      listNext[e] = listNext[index]!;
      return;
    }
    throw new Error(`internal: grid entry ${index} is missing from the list of cell ${cell}`);
  }
}
