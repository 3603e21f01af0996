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
  compileWasm,
  ensureMemoryBytes,
  instantiateWasm,
  type WasmGlobal,
  type WasmMemory,
  type WasmModule,
} from '../wasm/wasmApi.js';

interface RangeEventsExports {
  memory: WasmMemory;
  resumeCell: WasmGlobal;
  resumeItem: WasmGlobal;
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

let compiled: WasmModule | undefined;

/** The module, compiled once per process. */
function rangeEventsModule(): WasmModule {
  return (compiled ??= compileWasm(RANGE_EVENTS_WASM_BASE64));
}

/** One grid's byte offsets: cell starts, items in cell order, and their positions (4 doubles an item). */
interface GridOffsets {
  cellStart: number;
  items: number;
  xy: number;
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
  /** Event k: walkers evA[k], evB[k]; evUp[k] 1 for up, 0 for down (room for {@link capacity}). */
  evA!: Uint32Array;
  evB!: Uint32Array;
  evUp!: Uint8Array;
  private readonly exports: RangeEventsExports;
  private current: GridOffsets;
  private previous: GridOffsets;
  private readonly near: number;
  private readonly eventsAt: number;
  private capacity = FIRST_EVENT_CAPACITY;

  /**
   * @param paddedCells cells of the padded grid (each update's cellStart has one more entry)
   * @param people walkers
   */
  constructor(
    private readonly paddedCells: number,
    private readonly people: number,
  ) {
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
    at = Math.ceil(at / 8) * 8;
    const xy = [take(32 * people), take(32 * people)];
    this.eventsAt = at;
    this.current = { cellStart: starts[0]!, items: items[0]!, xy: xy[0]! };
    this.previous = { cellStart: starts[1]!, items: items[1]!, xy: xy[1]! };
    this.ensureBytes(this.eventsEnd(this.capacity));
    this.makeViews();
  }

  /** The previous update's grid becomes this one's buffers (to be refilled), and this one the previous. */
  swap(): void {
    const current = this.current;
    this.current = this.previous;
    this.previous = current;
    this.makeViews();
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
    this.evA = new Uint32Array(buffer, eventsAt, capacity);
    this.evB = new Uint32Array(buffer, eventsAt + 4 * capacity, capacity);
    this.evUp = new Uint8Array(buffer, eventsAt + 8 * capacity, capacity);
  }
}
