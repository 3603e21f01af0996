/**
 * The memory and the compiled loops of a {@link ConnectivityLog}: walker ranks and labels, one update's
 * events (as given, then ranked and sorted) and the output region live in one WebAssembly memory, where
 * src/wasm/connectivityLines.wat ranks, sorts and formats them. The views are remade whenever the memory
 * grows (a grown memory has a new buffer): read them from the kernel after {@link ensureEvents}.
 * @module
 */
import { CONNECTIVITY_LINES_WASM_BASE64 } from '../wasm/connectivityLines.wasm.js';
import {
  compiledOnce,
  ensureMemoryBytes,
  instantiateWasm,
  type WasmGlobal,
  type WasmMemory,
} from '../wasm/wasmApi.js';

interface ConnectivityLinesExports {
  memory: WasmMemory;
  outPos: WasmGlobal;
  rankEvents(
    count: number,
    rank: number,
    a: number,
    b: number,
    up: number,
    lo: number,
    rest: number,
  ): void;
  countingSort(
    count: number,
    people: number,
    loCount: number,
    evLo: number,
    evRest: number,
    lo: number,
    rest: number,
  ): void;
  formatLines(
    from: number,
    count: number,
    pos: number,
    limit: number,
    prefix: number,
    prefixLength: number,
    labels: number,
    lo: number,
    rest: number,
  ): number;
}

/** Room for an update's `TIME CONN ` (toFixed(2) of any double is far shorter), read in whole words. */
const PREFIX_BYTES = 64;
/** Bytes past the output's limit: the last line started below it, stored in whole words. */
const OUT_SLACK_BYTES = 256;
/** Events the buffers first hold (they double when an update has more). */
const FIRST_EVENTS = 1024;

/** The module, compiled once per process. */
const connectivityLinesModule = compiledOnce(CONNECTIVITY_LINES_WASM_BASE64);

export class ConnectivityLines {
  /** Walker p's place in id order, and each rank's `label ` (16 bytes, its length in the last). */
  rank!: Int32Array;
  labels!: Uint8Array;
  /** The update's events as given (walkers a, b; up 1 or 0), their ranks, and the sorted ranks. */
  a!: Uint32Array;
  b!: Uint32Array;
  up!: Uint8Array;
  evLo!: Uint32Array;
  evRest!: Uint32Array;
  lo!: Uint32Array;
  rest!: Uint32Array;
  /** The output: bytes 0 … {@link outEnd} − 1 are whole lines not yet handed on. */
  out!: Uint8Array;
  private readonly exports: ConnectivityLinesExports;
  private readonly outAt = PREFIX_BYTES;
  private readonly rankAt: number;
  private readonly labelsAt: number;
  private readonly loCountAt: number;
  private readonly eventsAt: number;
  private prefixLength = 0;
  private capacity = FIRST_EVENTS;

  /**
   * @param people walkers
   * @param chunkBytes the output's limit: {@link formatLines} starts no line past it
   */
  constructor(
    private readonly people: number,
    private readonly chunkBytes: number,
  ) {
    this.exports = instantiateWasm<ConnectivityLinesExports>(connectivityLinesModule());
    this.rankAt = Math.ceil((this.outAt + chunkBytes + OUT_SLACK_BYTES) / 16) * 16;
    this.labelsAt = this.rankAt + 4 * people;
    this.loCountAt = this.labelsAt + 16 * people;
    this.eventsAt = this.loCountAt + 4 * (people + 1);
    ensureMemoryBytes(this.exports.memory, this.end());
    this.makeViews();
  }

  /** Room for `count` events (what the event columns held is not kept). */
  ensureEvents(count: number): void {
    if (count <= this.capacity) return;
    while (this.capacity < count) this.capacity *= 2;
    ensureMemoryBytes(this.exports.memory, this.end());
    this.makeViews();
  }

  /** This update's `TIME CONN `. */
  setPrefix(bytes: Uint8Array): void {
    if (bytes.length > PREFIX_BYTES - 8)
      throw new RangeError(`connectivity log: a line prefix of ${bytes.length} bytes`);
    new Uint8Array(this.exports.memory.buffer, 0, PREFIX_BYTES).set(bytes);
    this.prefixLength = bytes.length;
  }

  /** evLo, evRest of events 0 … count − 1 from a, b, up and the ranks. */
  rankEvents(count: number): void {
    const c = this.columns();
    this.exports.rankEvents(count, this.rankAt, c.a, c.b, c.up, c.evLo, c.evRest);
  }

  /** lo, rest: evLo, evRest sorted (by lower rank, then rest), by counting. */
  countingSort(count: number): void {
    const c = this.columns();
    this.exports.countingSort(count, this.people, this.loCountAt, c.evLo, c.evRest, c.lo, c.rest);
  }

  /**
   * Lines of the sorted events from `from` on, written at output byte `pos` until `count` or past the
   * chunk's limit; returns the next event's index ({@link outEnd}: where the output now ends).
   */
  formatLines(from: number, count: number, pos: number): number {
    const c = this.columns();
    return this.exports.formatLines(
      from,
      count,
      this.outAt + pos,
      this.outAt + this.chunkBytes,
      0,
      this.prefixLength,
      this.labelsAt,
      c.lo,
      c.rest,
    );
  }

  /** Bytes of output after the last {@link formatLines}. */
  get outEnd(): number {
    return this.exports.outPos.value - this.outAt;
  }

  /** The event columns' offsets: a, b (u32), up (u8, padded to 4), evLo, evRest, lo, rest (u32). */
  private columns() {
    const at = this.eventsAt;
    const c = this.capacity;
    const upBytes = Math.ceil(c / 4) * 4;
    return {
      a: at,
      b: at + 4 * c,
      up: at + 8 * c,
      evLo: at + 8 * c + upBytes,
      evRest: at + 12 * c + upBytes,
      lo: at + 16 * c + upBytes,
      rest: at + 20 * c + upBytes,
    };
  }

  private end(): number {
    return this.eventsAt + 24 * this.capacity + Math.ceil(this.capacity / 4) * 4;
  }

  private makeViews(): void {
    const buffer = this.exports.memory.buffer;
    const c = this.columns();
    const n = this.capacity;
    this.rank = new Int32Array(buffer, this.rankAt, this.people);
    this.labels = new Uint8Array(buffer, this.labelsAt, 16 * this.people);
    this.a = new Uint32Array(buffer, c.a, n);
    this.b = new Uint32Array(buffer, c.b, n);
    this.up = new Uint8Array(buffer, c.up, n);
    this.evLo = new Uint32Array(buffer, c.evLo, n);
    this.evRest = new Uint32Array(buffer, c.evRest, n);
    this.lo = new Uint32Array(buffer, c.lo, n);
    this.rest = new Uint32Array(buffer, c.rest, n);
    this.out = new Uint8Array(buffer, this.outAt, this.chunkBytes + OUT_SLACK_BYTES);
  }
}
