/**
 * The memory and the compiled loops of a {@link RangeContacts} tracker: its two grids (this update's and
 * the previous one's) and its event buffers live in one WebAssembly memory, where src/wasm/rangeEvents.wat
 * finds every candidate pair's events; JavaScript fills the grids and reads the events through typed
 * views of the same memory. The views are remade whenever the memory grows (a grown memory has a new
 * buffer), so callers read them from the kernel after each call that can grow it.
 * @module
 */
import { RANGE_EVENTS_WASM_BASE64 } from '../wasm/rangeEvents.wasm.js';
import {
  compiledOnce,
  ensureMemoryBytes,
  instantiateWasm,
  type WasmGlobal,
  type WasmMemory,
} from '../wasm/wasmApi.js';

interface RangeEventsExports {
  memory: WasmMemory;
  resumeCell: WasmGlobal;
  resumeItem: WasmGlobal;
  index(
    n: number,
    cols: number,
    rows: number,
    stride: number,
    pad: number,
    cellM: number,
    step2: number,
    xIn: number,
    yIn: number,
    presentIn: number,
    pos: number,
    prevPos: number,
    cellOf: number,
    cellStart: number,
    cellFill: number,
    cells: number,
    items: number,
    xy: number,
    movers: number,
    moverPrevCell: number,
    isMover: number,
  ): number;
  findEvents(
    cell: number,
    item: number,
    endCell: number,
    stride: number,
    pad: number,
    inRange2: number,
    cellStart: number,
    items: number,
    xy: number,
    near: number,
    evA: number,
    evB: number,
    evUp: number,
    ev: number,
    cap: number,
  ): number;
}

/** Events the buffers first hold (they double when an update needs more). */
const FIRST_EVENT_CAPACITY = 1024;

/** The module, compiled once per process. */
const rangeEventsModule = compiledOnce(RANGE_EVENTS_WASM_BASE64);

/**
 * One update's byte offsets: its grid (cell starts, items in cell order, their positions: 4 doubles an
 * item) and everyone's positions by walker (2 doubles a walker).
 */
interface GridOffsets {
  cellStart: number;
  items: number;
  xy: number;
  pos: number;
}

/** The grid's shape (see RangeContacts): cells per row and rows, the padded row stride, the padding. */
export interface RangeGridShape {
  cols: number;
  rows: number;
  stride: number;
  pad: number;
  cellM: number;
}

export class RangeEventKernel {
  /** This update's grid: cell c's items are cellStart[c] … cellStart[c + 1] − 1 of cellItems. */
  cellStart!: Uint32Array;
  cellItems!: Uint32Array;
  /** Item k's x, y now at 4k, 4k + 1 and at the previous update at 4k + 2, 4k + 3 (NaN: absent). */
  cellXY!: Float64Array;
  /** The previous update's grid, as above (its positions then at 4k, 4k + 1). */
  prevCellStart!: Uint32Array;
  prevCellItems!: Uint32Array;
  prevCellXY!: Float64Array;
  /** Everyone's positions by walker (x, y at 2p, 2p + 1; NaN while away), now and at the previous update. */
  posXY!: Float64Array;
  prevPosXY!: Float64Array;
  /** Each walker's cell now (−1: away), and the movers of the last {@link index} with their previous cells. */
  cellOf!: Int32Array;
  movers!: Uint32Array;
  moverPrevCell!: Int32Array;
  isMover!: Uint8Array;
  /** Event k: walkers evA[k], evB[k]; evUp[k] 1 for up, 0 for down (room for {@link capacity}). */
  evA!: Uint32Array;
  evB!: Uint32Array;
  evUp!: Uint8Array;
  private readonly exports: RangeEventsExports;
  private current: GridOffsets;
  private previous: GridOffsets;
  private readonly near: number;
  private readonly eventsAt: number;
  private readonly input: { x: number; y: number; present: number };
  private readonly walkers: {
    cellOf: number;
    cellFill: number;
    movers: number;
    moverPrevCell: number;
    isMover: number;
  };
  private capacity = FIRST_EVENT_CAPACITY;
  private readonly paddedCells: number;

  /**
   * @param grid the grid's shape (its padded cells: stride · (rows + pad), each update's cellStart one
   *   entry more)
   * @param people walkers
   */
  constructor(
    private readonly grid: RangeGridShape,
    private readonly people: number,
  ) {
    const paddedCells = grid.stride * (grid.rows + grid.pad);
    this.paddedCells = paddedCells;
    this.exports = instantiateWasm<RangeEventsExports>(rangeEventsModule());
    const startBytes = 4 * (paddedCells + 1);
    let at = 0;
    const take = (bytes: number) => {
      const offset = at;
      at += bytes;
      return offset;
    };
    const starts = [take(startBytes), take(startBytes)];
    const items = [take(4 * people), take(4 * people)];
    this.near = take(4 * people);
    this.walkers = {
      cellOf: take(4 * people),
      cellFill: take(4 * paddedCells),
      movers: take(4 * people),
      moverPrevCell: take(4 * people),
      isMover: take(people),
    };
    const presentIn = take(people);
    at = Math.ceil(at / 8) * 8;
    this.input = { x: take(8 * people), y: take(8 * people), present: presentIn };
    const pos = [take(16 * people), take(16 * people)];
    const xy = [take(32 * people), take(32 * people)];
    this.eventsAt = at;
    this.current = { cellStart: starts[0]!, items: items[0]!, xy: xy[0]!, pos: pos[0]! };
    this.previous = { cellStart: starts[1]!, items: items[1]!, xy: xy[1]!, pos: pos[1]! };
    this.ensureBytes(this.eventsEnd(this.capacity));
    this.makeViews();
    // Nobody was anywhere before the first update.
    this.posXY.fill(NaN);
    this.prevPosXY.fill(NaN);
  }

  /**
   * This update's grid and positions become the previous ones, and the previous ones' buffers this
   * update's (to be refilled by {@link index}).
   */
  swap(): void {
    const current = this.current;
    this.current = this.previous;
    this.previous = current;
    this.makeViews();
  }

  /**
   * Indexes this update (see rangeEvents.wat): everyone present in the grid with both updates' positions
   * in cell order, and the movers (present before, and gone or farther than `step2`, squared) listed.
   * Returns the number of movers.
   */
  index(xM: Float64Array, yM: Float64Array, present: Uint8Array, step2: number): number {
    const { people, grid, input, walkers, current, previous } = this;
    const buffer = this.exports.memory.buffer;
    new Float64Array(buffer, input.x, people).set(xM.subarray(0, people));
    new Float64Array(buffer, input.y, people).set(yM.subarray(0, people));
    new Uint8Array(buffer, input.present, people).set(present.subarray(0, people));
    return this.exports.index(
      people,
      grid.cols,
      grid.rows,
      grid.stride,
      grid.pad,
      grid.cellM,
      step2,
      input.x,
      input.y,
      input.present,
      current.pos,
      previous.pos,
      walkers.cellOf,
      current.cellStart,
      walkers.cellFill,
      this.paddedCells,
      current.items,
      current.xy,
      walkers.movers,
      walkers.moverPrevCell,
      walkers.isMover,
    );
  }

  /**
   * Every candidate pair of this update's grid (see rangeEvents.wat), its events from index 0; `endCell`
   * is where the cells of the last row end. Returns the event count.
   */
  findEvents(endCell: number, stride: number, pad: number, inRange2: number): number {
    const wasm = this.exports;
    let ev = 0;
    let cell = 0;
    let item = 0;
    for (;;) {
      const c = this.current;
      ev = wasm.findEvents(
        cell,
        item,
        endCell,
        stride,
        pad,
        inRange2,
        c.cellStart,
        c.items,
        c.xy,
        this.near,
        this.eventsAt,
        this.eventsAt + 4 * this.capacity,
        this.eventsAt + 8 * this.capacity,
        ev,
        this.capacity,
      );
      cell = wasm.resumeCell.value;
      if (cell < 0) return ev;
      item = wasm.resumeItem.value;
      // An item's candidates are at most everyone: room for them, then on from that item.
      this.roomForEvents(ev + this.people);
    }
  }

  /** Room for `count` events, keeping those in the buffers. */
  roomForEvents(count: number): void {
    if (count <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < count) capacity *= 2;
    const old = this.capacity;
    this.ensureBytes(this.eventsEnd(capacity));
    const bytes = new Uint8Array(this.exports.memory.buffer);
    // Up flags first (they move farthest), then the second walkers, into their new places.
    bytes.copyWithin(
      this.eventsAt + 8 * capacity,
      this.eventsAt + 8 * old,
      this.eventsAt + 9 * old,
    );
    bytes.copyWithin(
      this.eventsAt + 4 * capacity,
      this.eventsAt + 4 * old,
      this.eventsAt + 8 * old,
    );
    this.capacity = capacity;
    this.makeViews();
  }

  private eventsEnd(capacity: number): number {
    return this.eventsAt + 9 * capacity;
  }

  private ensureBytes(bytes: number): void {
    ensureMemoryBytes(this.exports.memory, bytes);
  }

  private makeViews(): void {
    const buffer = this.exports.memory.buffer;
    const { current, previous, people, capacity, eventsAt } = this;
    const cells = this.paddedCells + 1;
    this.cellStart = new Uint32Array(buffer, current.cellStart, cells);
    this.cellItems = new Uint32Array(buffer, current.items, people);
    this.cellXY = new Float64Array(buffer, current.xy, 4 * people);
    this.prevCellStart = new Uint32Array(buffer, previous.cellStart, cells);
    this.prevCellItems = new Uint32Array(buffer, previous.items, people);
    this.prevCellXY = new Float64Array(buffer, previous.xy, 4 * people);
    this.posXY = new Float64Array(buffer, current.pos, 2 * people);
    this.prevPosXY = new Float64Array(buffer, previous.pos, 2 * people);
    const w = this.walkers;
    this.cellOf = new Int32Array(buffer, w.cellOf, people);
    this.movers = new Uint32Array(buffer, w.movers, people);
    this.moverPrevCell = new Int32Array(buffer, w.moverPrevCell, people);
    this.isMover = new Uint8Array(buffer, w.isMover, people);
    this.evA = new Uint32Array(buffer, eventsAt, capacity);
    this.evB = new Uint32Array(buffer, eventsAt + 4 * capacity, capacity);
    this.evUp = new Uint8Array(buffer, eventsAt + 8 * capacity, capacity);
  }
}
