/**
 * Every phone's stored sightings in one set of shared columns, in pages of {@link PAGE_SIGHTINGS}: a
 * store owns a chain of pages and asks for the next one when its last is full. A crowd's stores then
 * waste at most a page each, where per-phone typed arrays grown by doubling left a third of their room
 * empty on average (plus four buffers and their headers per phone). The columns are slabs of a fixed
 * size, so growing never copies what is already stored and never holds two copies at once.
 * @module
 */
import { ensureLength } from '../util/growable.js';

/**
 * Sightings per page (a power of two): a store's last page is half empty on average, so at a
 * district's size each halving of the page saves about 90 bytes a phone, for a page link per 16
 * sightings.
 */
export const PAGE_SIGHTINGS = 16;
/** log2 of the sightings in a slab of the columns. */
const SLAB_BITS = 16;
const SLAB_SIGHTINGS = 1 << SLAB_BITS;
const SLAB_MASK = SLAB_SIGHTINGS - 1;
/**
 * How the page links grow: by a quarter (an eighth empty on average), not doubling (a quarter, and at
 * most half: 6 MB of a district's 17 MB of links at 100 k phones).
 */
const NEXT_GROWTH = 1.25;
/** Where a page chain ends, and where the free list does. */
export const NO_PAGE = -1;

/**
 * The columns are arrays of slabs: sighting `g` (a global index, `page × PAGE_SIGHTINGS + offset`) sits
 * at `[g >>> 16][g & 0xffff]` of each.
 */
export class SightingArena {
  /** ms since the run's start (Uint32: 49 days). */
  readonly timeOffsetMs: Uint32Array[] = [];
  /** The sighting's ID in the run's IdTable. */
  readonly idIndex: Uint32Array[] = [];
  readonly rssiDbm: Int8Array[] = [];
  /** Ground truth: distance to the advertiser when the sighting was made, cm (saturating). */
  readonly trueDistanceCm: Uint16Array[] = [];
  /** page → the next page of the same chain, or {@link NO_PAGE}. */
  private next = new Int32Array(1024);
  private pages = 0;
  /** Pages given back (a pruned store's tail), chained through `next`. */
  private freeHead = NO_PAGE;

  /** Pages handed out and not given back. */
  get pagesInUse(): number {
    let free = 0;
    for (let p = this.freeHead; p !== NO_PAGE; p = this.next[p]!) free++;
    return this.pages - free;
  }

  /** Bytes the columns hold, used or not. */
  get capacityBytes(): number {
    return this.timeOffsetMs.length * SLAB_SIGHTINGS * 11;
  }

  /** A new empty page, chained after `after` unless that is {@link NO_PAGE}. */
  newPage(after: number): number {
    let page = this.freeHead;
    if (page !== NO_PAGE) this.freeHead = this.next[page]!;
    else {
      page = this.pages++;
      if (page === this.next.length) this.next = ensureLength(this.next, page + 1, NEXT_GROWTH);
      if (page * PAGE_SIGHTINGS >= this.timeOffsetMs.length * SLAB_SIGHTINGS) this.addSlab();
    }
    this.next[page] = NO_PAGE;
    if (after !== NO_PAGE) this.next[after] = page;
    return page;
  }

  /** The page after `page` in its chain, or {@link NO_PAGE}. */
  nextPage(page: number): number {
    return this.next[page]!;
  }

  /** Gives back the chain from `first` on (its pages get reused by later {@link newPage} calls). */
  freeChain(first: number): void {
    let last = first;
    if (last === NO_PAGE) return;
    while (this.next[last] !== NO_PAGE) last = this.next[last]!;
    this.next[last] = this.freeHead;
    this.freeHead = first;
  }

  /** Writes sighting `g` (a page's global index plus the offset in it). */
  write(
    g: number,
    timeOffsetMs: number,
    idIndex: number,
    rssiDbm: number,
    trueDistanceCm: number,
  ): void {
    const slab = g >>> SLAB_BITS;
    const at = g & SLAB_MASK;
    this.timeOffsetMs[slab]![at] = timeOffsetMs;
    this.idIndex[slab]![at] = idIndex;
    this.rssiDbm[slab]![at] = rssiDbm;
    this.trueDistanceCm[slab]![at] = trueDistanceCm;
  }

  timeOffsetMsAt(g: number): number {
    return this.timeOffsetMs[g >>> SLAB_BITS]![g & SLAB_MASK]!;
  }

  idIndexAt(g: number): number {
    return this.idIndex[g >>> SLAB_BITS]![g & SLAB_MASK]!;
  }

  rssiDbmAt(g: number): number {
    return this.rssiDbm[g >>> SLAB_BITS]![g & SLAB_MASK]!;
  }

  trueDistanceCmAt(g: number): number {
    return this.trueDistanceCm[g >>> SLAB_BITS]![g & SLAB_MASK]!;
  }

  /** Copies `count` sightings of `page` from its start into `into` at `at`. */
  copyPage(page: number, count: number, into: SightingColumns, at: number): void {
    const g = page * PAGE_SIGHTINGS;
    const slab = g >>> SLAB_BITS;
    const from = g & SLAB_MASK;
    const t = this.timeOffsetMs[slab]!;
    const id = this.idIndex[slab]!;
    const rssi = this.rssiDbm[slab]!;
    const cm = this.trueDistanceCm[slab]!;
    for (let k = 0; k < count; k++) {
      into.timeOffsetMs[at + k] = t[from + k]!;
      into.idIndex[at + k] = id[from + k]!;
      into.rssiDbm[at + k] = rssi[from + k]!;
      into.trueDistanceCm[at + k] = cm[from + k]!;
    }
  }

  private addSlab(): void {
    this.timeOffsetMs.push(new Uint32Array(SLAB_SIGHTINGS));
    this.idIndex.push(new Uint32Array(SLAB_SIGHTINGS));
    this.rssiDbm.push(new Int8Array(SLAB_SIGHTINGS));
    this.trueDistanceCm.push(new Uint16Array(SLAB_SIGHTINGS));
  }
}

/**
 * One store's sightings copied out into contiguous columns (see `ColumnarStore.columns`): the first
 * `length` entries of each. Pass the same object again to reuse its arrays (they grow as needed).
 */
export class SightingColumns {
  length = 0;
  timeOffsetMs = new Uint32Array(0);
  idIndex = new Uint32Array(0);
  rssiDbm = new Int8Array(0);
  trueDistanceCm = new Uint16Array(0);

  /** Room for `length` sightings, and sets the length. */
  resize(length: number): this {
    this.timeOffsetMs = ensureLength(this.timeOffsetMs, length);
    this.idIndex = ensureLength(this.idIndex, length);
    this.rssiDbm = ensureLength(this.rssiDbm, length);
    this.trueDistanceCm = ensureLength(this.trueDistanceCm, length);
    this.length = length;
    return this;
  }
}
