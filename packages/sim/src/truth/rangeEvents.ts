/**
 * Which pairs of walkers came within a distance of each other, and which left it, from one update to the
 * next: the link events of {@link RangeContacts} (The ONE's link log) and of ground truth in crowds that
 * all move. A pair is linked at an update while both are present and their squared distance is at most
 * `inRange2`; a link's state is a function of the two updates' positions alone, so the tracker keeps no
 * list of links: each update indexes everyone present in a uniform grid (a counting sort, with current
 * and previous positions copied in cell order) and checks each candidate pair once, at both updates'
 * positions: in range now and not before is "up", before and not now is "down". Candidates are a cell
 * against itself and its east neighbours (one run of the cell order), then against the cells below (a
 * run per row). Cells are the range plus twice the expected step (`stepM`), so a pair in range at the
 * previous update is still a candidate now unless one of them moved farther than a step or left; those
 * walkers' previous links are looked up in the previous update's grid, kept for that, so the result is
 * exact whatever the walkers do. Where walkers are dense, cells are half that size (a walker's
 * candidates cover 25 quarter-cells, 6.25 R², instead of 9 R²). The grid, its passes and the event
 * buffers are in WebAssembly ({@link RangeEventKernel}).
 * @module
 */
import { RangeEventKernel } from './rangeEventKernel.js';

export interface RangeEventOptions {
  /** Walkers (indices 0 … people − 1). */
  people: number;
  /** The area the grid covers, m; positions outside it still count (edge cells hold them). */
  widthM: number;
  heightM: number;
  /** The distance, m: cells are sized from it. */
  rangeM: number;
  /** Largest squared distance that is in range (RangeContacts: The ONE's test on the root, see sqrtAtMost). */
  inRange2: number;
  /** How far a walker is expected to move between updates at most, m (only speed depends on it). */
  stepM: number;
}

/** From this many walkers per candidate-sized cell of the area on, cells are half that size. */
const HALF_CELLS_FROM_DENSITY = 3;
/**
 * Cells are this much wider than (range + 2 steps) / cellsPerRange, so that two positions that close are
 * never more than cellsPerRange cells apart, whatever the rounding of their division by the cell size.
 */
const CELL_MARGIN = 1 + 1e-9;

/** Padded cells of the grid a tracker would make for these options (its memory and per-update cost). */
export function rangeEventCells(o: Omit<RangeEventOptions, 'inRange2'>): number {
  const shape = gridShape(o);
  return shape.stride * (shape.rows + shape.pad);
}

function gridShape(o: Omit<RangeEventOptions, 'inRange2'>) {
  // A pair within range at the previous update is within this now, unless one of them moved farther.
  const candidateM = o.rangeM + 2 * o.stepM;
  const candidateCells =
    Math.max(1, Math.ceil(o.widthM / candidateM)) * Math.max(1, Math.ceil(o.heightM / candidateM));
  const pad = o.people >= HALF_CELLS_FROM_DENSITY * candidateCells ? 2 : 1;
  const cellM = (candidateM / pad) * CELL_MARGIN;
  const cols = Math.max(1, Math.ceil(o.widthM / cellM));
  const rows = Math.max(1, Math.ceil(o.heightM / cellM));
  return { cols, rows, stride: cols + 2 * pad, pad, cellM };
}

export class RangeEventTracker {
  readonly people: number;
  /** Links up after the last update. */
  links = 0;
  /** Cells per candidate distance (1 or 2): a walker's candidates lie within this many cells each way. */
  private readonly cellsPerRange: number;
  private readonly rows: number;
  /**
   * Row stride of the padded grid: `cellsPerRange` empty columns each side and as many empty rows below
   * the last, so every neighbour a run reads exists (empty at the edges).
   */
  private readonly stride: number;
  private readonly inRange2: number;
  /** Squared expected step: a walker moving farther is looked up in the previous grid. */
  private readonly step2: number;
  private readonly kernel: RangeEventKernel;
  /** Walkers present at the previous update that left or moved farther than a step (the kernel lists them). */
  private moverCount = 0;

  constructor(options: RangeEventOptions) {
    this.people = options.people;
    this.inRange2 = options.inRange2;
    this.step2 = options.stepM * options.stepM;
    const shape = gridShape(options);
    this.cellsPerRange = shape.pad;
    this.rows = shape.rows;
    this.stride = shape.stride;
    this.kernel = new RangeEventKernel(shape, options.people);
  }

  /** The last update's events: walkers evA[k], evB[k], up (1) or down (0) evUp[k]; valid until the next. */
  get evA(): Uint32Array {
    return this.kernel.evA;
  }
  get evB(): Uint32Array {
    return this.kernel.evB;
  }
  get evUp(): Uint8Array {
    return this.kernel.evUp;
  }

  /** One update with everyone's positions (NaN-free where present): returns the number of events. */
  update(xM: Float64Array, yM: Float64Array, present: Uint8Array): number {
    const kernel = this.kernel;
    kernel.swap();
    this.moverCount = kernel.index(xM, yM, present, this.step2);
    let events = kernel.findEvents(
      this.rows * this.stride,
      this.stride,
      this.cellsPerRange,
      this.inRange2,
    );
    if (this.moverCount > 0) events = this.findMoversDowns(events);
    const up = kernel.evUp;
    let ups = 0;
    for (let k = 0; k < events; k++) ups += up[k]!;
    this.links += 2 * ups - events;
    return events;
  }

  /**
   * The movers' links of the previous update that the kernel's pass over the grid could not see: those with a walker
   * that left, or whose cells are now too far apart to be candidates (so out of range). Found around each
   * mover's previous position in the previous update's grid; appended after the `ev` events so far.
   * Returns the number of events.
   */
  private findMoversDowns(ev: number): number {
    const { kernel, rows, stride, inRange2 } = this;
    // Each event here is a link that was up at the previous update (one of `links`): room for all of
    // them first, so the kernel's memory cannot grow, and its views change, inside the loops.
    kernel.roomForEvents(ev + this.links);
    const { prevCellStart, prevCellItems, prevCellXY, prevPosXY, cellOf, movers, isMover } = kernel;
    const { moverPrevCell, evA, evB, evUp } = kernel;
    const pad = this.cellsPerRange;
    for (let m = 0; m < this.moverCount; m++) {
      const a = movers[m]!;
      const ax = prevPosXY[2 * a]!;
      const ay = prevPosXY[2 * a + 1]!;
      // Its previous cell as row and padded column; the runs below start pad columns west of it.
      const prevCell = moverPrevCell[m]!;
      const r = Math.floor(prevCell / stride);
      const c = prevCell - r * stride - pad;
      const cellA = cellOf[a]!;
      const rowA = cellA < 0 ? 0 : Math.floor(cellA / stride);
      const colA = cellA - rowA * stride;
      // Rows above the first are not padded; the padded columns make every column of a row exist.
      const rowFrom = r - pad < 0 ? 0 : r - pad;
      const rowTo = r + pad >= rows ? rows - 1 : r + pad;
      for (let row = rowFrom; row <= rowTo; row++) {
        const from = prevCellStart[row * stride + c]!;
        const to = prevCellStart[row * stride + c + 2 * pad + 1]!;
        for (let k = from; k < to; k++) {
          const b = prevCellItems[k]!;
          // A pair of two movers is looked at from the lower index only.
          if (b === a || (isMover[b] && b < a)) continue;
          const dx = prevCellXY[4 * k]! - ax;
          const dy = prevCellXY[4 * k + 1]! - ay;
          if (!(dx * dx + dy * dy <= inRange2)) continue;
          const cellB = cellOf[b]!;
          if (cellA >= 0 && cellB >= 0) {
            const rowB = Math.floor(cellB / stride);
            const colB = cellB - rowB * stride;
            const dRow = rowA - rowB;
            const dCol = colA - colB;
            // Both here and near enough to be a candidate: the kernel's pass judged it.
            if (dRow <= pad && dRow >= -pad && dCol <= pad && dCol >= -pad) continue;
          }
          evA[ev] = a;
          evB[ev] = b;
          evUp[ev++] = 0;
        }
      }
    }
    for (let m = 0; m < this.moverCount; m++) isMover[movers[m]!] = 0;
    return ev;
  }
}
