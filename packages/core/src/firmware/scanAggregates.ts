/**
 * What a running scan aggregates per ID heard (first reception, receptions, RSSI sum), in columns, and
 * the pool firmwares take them from: a scan takes one at its start and gives it back at its end, so a
 * crowd of firmwares sharing a pool holds as many as scan at once, not one per phone. Columns are typed
 * arrays of the width each needs (a Bluezone crowd scans 40 s at a time, so a seventh of a district's
 * phones hold one at once, each kept at the most IDs a scan of its has heard), and the scratch of the
 * sort at a scan's end is one for all: scans end one at a time.
 * @module
 */
import type { SchemeName } from '../ids/diagnosisKey.js';
import type { DecodedId } from './advertCache.js';
import type { ScanSightings } from './ports.js';

/**
 * One scan's aggregates, one slot per ID heard (up to the profile's `maxIdsPerScan`), in columns reused
 * scan after scan.
 */
export class ScanAggregates {
  size = 0;
  decoded: (DecodedId | undefined)[] = [];
  /** Each slot's `idHead` (24 bits), and the host's tag of its ID (−1: none). */
  heads = new Int32Array(INITIAL_SLOTS);
  tags = new Int32Array(INITIAL_SLOTS);
  firstMs = new Float64Array(INITIAL_SLOTS);
  count = new Uint32Array(INITIAL_SLOTS);
  rssiSum = new Float64Array(INITIAL_SLOTS);
  /**
   * ID → slot, open addressing on the ID's head (cipher output: uniform), slot + 1 per entry
   * (0: empty), at most half full. Cheaper than a Map for a scan's few IDs.
   */
  private table = new Int32Array(64);
  /** Where each slot sits in the table, so clearing touches only what the scan used. */
  private tableIndex = new Int32Array(INITIAL_SLOTS);

  clear(): void {
    const { table, tableIndex } = this;
    for (let i = 0; i < this.size; i++) table[tableIndex[i]!] = 0;
    // Let go of the IDs heard, so rotated-out IDs are not kept alive by an idle buffer.
    this.decoded.fill(undefined, 0, this.size);
    this.size = 0;
  }

  /**
   * The slot of the ID of `decoded` (its head `head`, the host's tag `tag` or −1), opened at `firstMs`
   * if new (−1: `max` reached). Two tagged IDs are the same when their tags are; otherwise their hex is
   * compared, so only a head shared by two IDs, or an untagged delivery, reads a decoded object.
   */
  slot(decoded: DecodedId, head: number, tag: number, firstMs: number, max: number): number {
    const mask = this.table.length - 1;
    let i = mixHead(head) & mask;
    for (; ; i = (i + 1) & mask) {
      const entry = this.table[i]!;
      if (entry === 0) break;
      const e = entry - 1;
      if (this.heads[e] !== head) continue;
      const t = this.tags[e]!;
      if (tag >= 0 && t >= 0 ? t === tag : this.decoded[e]!.key === decoded.key) {
        if (t < 0) this.tags[e] = tag;
        return e;
      }
    }
    if (this.size >= max) return -1;
    const slot = this.size++;
    if (slot === this.heads.length) this.growSlots();
    this.table[i] = slot + 1;
    this.tableIndex[slot] = i;
    this.decoded[slot] = decoded;
    this.heads[slot] = head;
    this.tags[slot] = tag;
    this.firstMs[slot] = firstMs;
    this.count[slot] = 0;
    this.rssiSum[slot] = 0;
    if (this.size * 2 > this.table.length) this.grow();
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
    const { decoded } = this;
    // Head × n + slot is exact in a double (n < 2²⁹) and distinct: any sort gives one order. A scan's
    // few dozen go by insertion (the native sort's call and view cost more than it); more go native.
    for (let s = 0; s < n; s++) packed[s] = this.heads[s]! * n + s;
    if (n <= INSERTION_SORT_MAX)
      for (let k = 1; k < n; k++) {
        const v = packed[k]!;
        let j = k;
        for (; j > 0 && packed[j - 1]! > v; j--) packed[j] = packed[j - 1]!;
        packed[j] = v;
      }
    else packed.subarray(0, n).sort();
    for (let k = 0; k < n; k++) {
      heads[k] = Math.floor(packed[k]! / n);
      order[k] = packed[k]! - heads[k]! * n;
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

  /** Twice the room in every column (their first `size` entries kept). */
  private growSlots(): void {
    const length = 2 * this.heads.length;
    this.heads = grownTo(this.heads, new Int32Array(length));
    this.tags = grownTo(this.tags, new Int32Array(length));
    this.firstMs = grownTo(this.firstMs, new Float64Array(length));
    this.count = grownTo(this.count, new Uint32Array(length));
    this.rssiSum = grownTo(this.rssiSum, new Float64Array(length));
    this.tableIndex = grownTo(this.tableIndex, new Int32Array(length));
  }

  private grow(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let slot = 0; slot < this.size; slot++) {
      let i = mixHead(this.heads[slot]!) & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = slot + 1;
      this.tableIndex[slot] = i;
    }
    this.table = table;
  }
}

/** Up to this many slots, {@link ScanAggregates.sortedSlots} sorts by insertion. */
const INSERTION_SORT_MAX = 48;
/** Room in a new ScanAggregates' columns (a scan hears a few dozen IDs; columns double past it). */
const INITIAL_SLOTS = 32;

/**
 * The scratch of {@link ScanAggregates.sortedSlots}, one for all: each call's result is read before the
 * next. Made at the first sort, so importing the module allocates nothing.
 */
let sortScratch: { packed: Float64Array; heads: Float64Array; order: Uint32Array } | undefined;

function grownTo<T extends Int32Array | Uint32Array | Float64Array>(from: T, into: T): T {
  into.set(from);
  return into;
}

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
    return this.free.pop() ?? new ScanAggregates();
  }

  /** Back to the pool, emptied. */
  give(aggregates: ScanAggregates): void {
    aggregates.clear();
    this.free.push(aggregates);
  }
}
