/**
 * What a running scan aggregates per ID heard (first reception, receptions, RSSI sum), in columns, and
 * the pool firmwares take them from: a scan takes one at its first reception and gives it back at its
 * end, so a crowd of firmwares sharing a pool holds as many as scan at once, not one per phone. The
 * pool's scans share one set of columns in pages (a Bluezone crowd scans 40 s at a time, so a seventh
 * of a district's phones hold one at once), and the scratch of the sort at a scan's end is one for
 * all: scans end one at a time.
 * @module
 */
import type { SchemeName } from '../ids/diagnosisKey.js';
import type { DecodedId } from './advertCache.js';
import type { ScanSightings } from './ports.js';
import { grownTo } from './grownTo.js';
import { PAGE_SLOT_BITS, PAGE_SLOTS, SlotPages, slotOfPage } from './slotPages.js';

/**
 * The columns every open scan of a pool aggregates into, one slot per ID heard, in pages
 * ({@link SlotPages}): a Bluezone district of 100 k phones holds 13 k scans open at once, and pooled
 * aggregates with columns of their own held 2.6 times the slots in use, in 7 typed arrays each.
 */
export class ScanSlotColumns {
  /** Each slot's `idHead` (24 bits), and the host's tag of its ID (−1: none). */
  heads = new Int32Array(INITIAL_SLOTS);
  tags = new Int32Array(INITIAL_SLOTS);
  firstMs = new Float64Array(INITIAL_SLOTS);
  count = new Uint32Array(INITIAL_SLOTS);
  rssiSum = new Float64Array(INITIAL_SLOTS);
  /** Each slot's decoding (undefined once its scan ends). A packed array: filled, never holey. */
  decoded: (DecodedId | undefined)[] = Array.from({ length: INITIAL_SLOTS }, () => undefined);
  /** Where each slot sits in its scan's table, so clearing touches only what the scan used. */
  tableIndex = new Int32Array(INITIAL_SLOTS);
  readonly pages = new SlotPages(INITIAL_SLOTS, (slots) => this.grow(slots));

  private grow(length: number): void {
    // A slot packs with its head into one double at the end of a scan (see sortedSlots).
    if (length > SLOT_SPAN)
      throw new RangeError(`scan aggregates: more than ${SLOT_SPAN} slots in open scans at once`);
    this.heads = grownTo(this.heads, new Int32Array(length));
    this.tags = grownTo(this.tags, new Int32Array(length));
    this.firstMs = grownTo(this.firstMs, new Float64Array(length));
    this.count = grownTo(this.count, new Uint32Array(length));
    this.rssiSum = grownTo(this.rssiSum, new Float64Array(length));
    this.tableIndex = grownTo(this.tableIndex, new Int32Array(length));
    // Pushed, so the array stays packed (no holes for the engine to handle).
    while (this.decoded.length < length) this.decoded.push(undefined);
  }
}

/**
 * One scan's aggregates: its slots (up to the profile's `maxIdsPerScan`) in pages of the pool's
 * {@link ScanSlotColumns}, and a table from ID to slot. A slot is named by its index in the columns
 * (slot k of the scan, in order of first reception, is {@link slotAt}(k)).
 */
export class ScanAggregates {
  size = 0;
  /** The scan's pages, in order. */
  private readonly pages: number[] = [];
  /**
   * ID → slot, open addressing on the ID's head (cipher output: uniform), slot + 1 per entry
   * (0: empty), at most half full. Cheaper than a Map for a scan's few IDs. Past the smallest size it
   * comes from the columns' spare tables and goes back at {@link clear}.
   */
  private table: Int32Array = new Int32Array(INITIAL_TABLE);
  private readonly ownTable = this.table;
  /** The slot of the scan's last (slots fill their pages in order). */
  private lastSlot = -1;

  constructor(readonly columns: ScanSlotColumns) {}

  /** The columns' index of the scan's k-th slot (0 ≤ k < size, in order of first reception). */
  slotAt(k: number): number {
    return slotOfPage(this.pages, k);
  }

  clear(): void {
    const { table, columns, pages } = this;
    const { tableIndex, decoded } = columns;
    // Page by page: every page but the last is full.
    for (let k = 0; k < this.size; k += PAGE_SLOTS) {
      const first = pages[k >>> PAGE_SLOT_BITS]! * PAGE_SLOTS;
      const end = first + Math.min(PAGE_SLOTS, this.size - k);
      for (let slot = first; slot < end; slot++) {
        table[tableIndex[slot]!] = 0;
        // Let go of the IDs heard, so rotated-out IDs are not kept alive by an idle page.
        decoded[slot] = undefined;
      }
    }
    if (table !== this.ownTable) {
      columns.pages.giveTable(table);
      this.table = this.ownTable;
    }
    columns.pages.giveAll(pages);
    this.size = 0;
    this.lastSlot = -1;
  }

  /**
   * The slot of the ID of `decoded` (its head `head`, the host's tag `tag` or −1), opened at `firstMs`
   * if new (−1: `max` reached). Two tagged IDs are the same when their tags are; otherwise their hex is
   * compared, so only a head shared by two IDs, or an untagged delivery, reads a decoded object.
   */
  slot(decoded: DecodedId, head: number, tag: number, firstMs: number, max: number): number {
    const { table, columns } = this;
    const mask = table.length - 1;
    let i = mixHead(head) & mask;
    for (; ; i = (i + 1) & mask) {
      const entry = table[i]!;
      if (entry === 0) break;
      const e = entry - 1;
      if (columns.heads[e] !== head) continue;
      const t = columns.tags[e]!;
      if (tag >= 0 && t >= 0 ? t === tag : columns.decoded[e]!.key === decoded.key) {
        if (t < 0) columns.tags[e] = tag;
        return e;
      }
    }
    if (this.size >= max) return -1;
    const slot = columns.pages.slotAfter(this.pages, this.size++, this.lastSlot);
    this.lastSlot = slot;
    table[i] = slot + 1;
    // Columns read after slotAfter: growing replaces them.
    columns.tableIndex[slot] = i;
    columns.decoded[slot] = decoded;
    columns.heads[slot] = head;
    columns.tags[slot] = tag;
    columns.firstMs[slot] = firstMs;
    columns.count[slot] = 0;
    columns.rssiSum[slot] = 0;
    if (this.size * 2 > table.length) this.growTable();
    return slot;
  }

  /**
   * Slots in ascending ID order (hex order is byte order): by the ID's head, ties by the full hex. The
   * first `size` entries of the returned array, which is shared by every ScanAggregates and reused by
   * the next call of any.
   */
  sortedSlots(): Uint32Array {
    const n = this.size;
    if (!sortScratch || sortScratch.packed.length < n) {
      const length = Math.max(64, 2 * n);
      sortScratch = {
        packed: new Float64Array(length),
        heads: new Float64Array(length),
        order: new Uint32Array(length),
      };
    }
    const { packed, heads, order } = sortScratch;
    const { decoded, heads: slotHeads } = this.columns;
    // Head × 2²⁸ + slot is exact in a double (heads < 2²⁴) and distinct: any sort gives one order. A
    // scan's few dozen go by insertion (the native sort's call and view cost more than it); more native.
    const { pages } = this;
    for (let k = 0; k < n; k += PAGE_SLOTS) {
      const first = pages[k >>> PAGE_SLOT_BITS]! * PAGE_SLOTS;
      const end = first + Math.min(PAGE_SLOTS, n - k);
      for (let slot = first, at = k; slot < end; slot++, at++)
        packed[at] = slotHeads[slot]! * SLOT_SPAN + slot;
    }
    if (n <= INSERTION_SORT_MAX)
      for (let k = 1; k < n; k++) {
        const v = packed[k]!;
        let j = k;
        for (; j > 0 && packed[j - 1]! > v; j--) packed[j] = packed[j - 1]!;
        packed[j] = v;
      }
    else packed.subarray(0, n).sort();
    for (let k = 0; k < n; k++) {
      heads[k] = Math.floor(packed[k]! / SLOT_SPAN);
      order[k] = packed[k]! - heads[k]! * SLOT_SPAN;
    }
    // IDs sharing a head (rare): each such run in order of the full hex.
    for (let k = 1; k < n; k++) {
      if (heads[k] !== heads[k - 1]) continue;
      const slot = order[k]!;
      const key = decoded[slot]!.key;
      let j = k;
      for (; j > 0 && heads[j - 1] === heads[k] && decoded[order[j - 1]!]!.key > key; j--)
        order[j] = order[j - 1]!;
      order[j] = slot;
    }
    return order;
  }

  /** A table twice the size, the slots hashed into it again. */
  private growTable(): void {
    const { columns } = this;
    const table = columns.pages.takeTable(this.table.length * 2);
    const mask = table.length - 1;
    for (let k = 0; k < this.size; k++) {
      const slot = this.slotAt(k);
      let i = mixHead(columns.heads[slot]!) & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = slot + 1;
      columns.tableIndex[slot] = i;
    }
    this.table.fill(0);
    if (this.table !== this.ownTable) columns.pages.giveTable(this.table);
    this.table = table;
  }
}

/** Slots a pool's columns start with (64 pages; a literal, so importing the module runs nothing). */
const INITIAL_SLOTS = 1024;
/** Entries in a scan's own table (up to half as many slots before it takes a bigger one). */
const INITIAL_TABLE = 64;

/** Slots are below this (2²⁸: 8 GiB of columns), so a head and a slot pack into one double. */
const SLOT_SPAN = 0x10000000;
/** Up to this many slots, {@link ScanAggregates.sortedSlots} sorts by insertion. */
const INSERTION_SORT_MAX = 48;

/**
 * The scratch of {@link ScanAggregates.sortedSlots}, one for all: each call's result is read before the
 * next. Made at the first sort, so importing the module allocates nothing.
 */
let sortScratch: { packed: Float64Array; heads: Float64Array; order: Uint32Array } | undefined;

/** A table index from an ID's head (already uniform; the multiply spreads low-bit runs). */
export function mixHead(head: number): number {
  const h = Math.imul(head, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The writable scratch behind a {@link ScanSightings}. */
export interface ScanSightingsScratch extends ScanSightings {
  count: number;
  scheme: SchemeName;
  scanner: string | undefined;
  timeMs: Float64Array;
  rssiDbm: Float64Array;
  decoded: DecodedId[];
  idHead: Int32Array;
  idTag: Int32Array;
}

/** Scan aggregates to reuse; pass one as `FirmwareOptions.scanPool` to share it among firmwares. */
export class ScanAggregatePool {
  /** The columns the pool's aggregates share. */
  readonly columns = new ScanSlotColumns();
  private readonly free: ScanAggregates[] = [];
  private readonly output: ScanSightingsScratch = {
    count: 0,
    scheme: 'gaen',
    scanner: undefined,
    timeMs: new Float64Array(64),
    rssiDbm: new Float64Array(64),
    decoded: [],
    idHead: new Int32Array(64),
    idTag: new Int32Array(64),
  };

  /**
   * The pool's scratch for one scan's sightings as columns (see `Store.appendScanSightings`), with room
   * for `count`: shared by every firmware of the pool, so fill it and hand it on before anything else
   * of the pool's runs.
   */
  scanSightings(
    count: number,
    scheme: SchemeName,
    scanner: string | undefined,
  ): ScanSightingsScratch {
    const out = this.output;
    if (out.timeMs.length < count) {
      out.timeMs = new Float64Array(2 * count);
      out.rssiDbm = new Float64Array(2 * count);
      out.idHead = new Int32Array(2 * count);
      out.idTag = new Int32Array(2 * count);
    }
    out.count = count;
    out.scheme = scheme;
    out.scanner = scanner;
    return out;
  }

  /** An empty aggregates object. */
  take(): ScanAggregates {
    return this.free.pop() ?? new ScanAggregates(this.columns);
  }

  /** Back to the pool, emptied. */
  give(aggregates: ScanAggregates): void {
    aggregates.clear();
    this.free.push(aggregates);
  }
}
