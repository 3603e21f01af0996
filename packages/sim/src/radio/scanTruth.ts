/**
 * Ground truth of one scan, as the air served it: for every ID the scanner heard, the ID's index in the
 * run's IdTable and the true distance to its advertiser at the first reception, one entry per ID (found
 * by the index through a small open-addressing table on it). The air tags each delivery with
 * the ID's entry, the firmware hands the tag back with the scan's sightings, and the phone's store reads
 * the ID's index and distance at the entry: no lookup per sighting, and no ID's bytes or decoding object
 * touched (each a cache miss in a crowd).
 *
 * A chunk of a scan lists each advertiser once, and no two advertisers share an ID, so the IDs first
 * heard in a chunk are new to each other: the table only needs the entries of earlier chunks. Entries
 * are hashed when the next chunk begins ({@link ScanTruth.beginChunk}) or the table is read, and a scan
 * served in one chunk (every GAEN scan) never hashes at all.
 * @module
 */
import { mixHead, PAGE_SLOTS, roundHalfUp, slotOfPage, SlotPages } from '@proxsense/core';
import { ensureLength } from '../util/growable.js';

const CM_PER_M = 100;
/** Distances saturate here (what a Uint16 column holds). */
export const MAX_DISTANCE_CM = 65_535;

/**
 * The columns every open scan's truth is kept in, in pages (core's {@link SlotPages}): one set for a
 * crowd's open scans, where a pooled truth with arrays of its own kept the most IDs any scan that used
 * it had heard, in four typed arrays.
 */
export class ScanTruthColumns {
  /** Per entry: the ID's IdTable index and the distance, whole cm (saturating). */
  idIndex = new Int32Array(INITIAL_SLOTS);
  distanceCm = new Uint16Array(INITIAL_SLOTS);
  /** Where each entry sits in its scan's table. */
  tableIndex = new Int32Array(INITIAL_SLOTS);
  readonly pages = new SlotPages(INITIAL_SLOTS, (slots) => {
    this.idIndex = ensureLength(this.idIndex, slots, 1);
    this.distanceCm = ensureLength(this.distanceCm, slots, 1);
    this.tableIndex = ensureLength(this.tableIndex, slots, 1);
  });
}

/** One scan's truth, its entries in pages of the air's {@link ScanTruthColumns}. */
export class ScanTruth {
  /** Entries (0 … size − 1, in order of first reception). */
  size = 0;
  private readonly pages: number[] = [];
  /**
   * Entry + 1 per table slot (0: empty), at most half full; it holds entries 0 … hashed − 1. Past
   * the smallest size it comes from the columns' spare tables and goes back at {@link clear}.
   */
  private table: Int32Array = new Int32Array(INITIAL_TABLE);
  private readonly ownTable = this.table;
  private hashed = 0;
  /** The slot of the last entry (entries fill their pages in order). */
  private lastSlot = -1;

  constructor(readonly columns: ScanTruthColumns) {}

  /** The columns' index of `entry` (0 ≤ entry < size), where its ID's index and distance are. */
  slotOf(entry: number): number {
    return slotOfPage(this.pages, entry);
  }

  /** The ID's IdTable index at `entry`. */
  idIndexAt(entry: number): number {
    return this.columns.idIndex[this.slotOf(entry)]!;
  }

  /** The distance at the first reception of the ID at `entry`, whole cm (saturating). */
  distanceCmAt(entry: number): number {
    return this.columns.distanceCm[this.slotOf(entry)]!;
  }

  /**
   * Records the first reception of the ID at `idIndex` in this scan (later ones keep it); returns the
   * ID's entry. Within a chunk, each ID comes at most once (see the module doc).
   */
  record(idIndex: number, distanceM: number): number {
    const { columns } = this;
    if (this.hashed > 0) {
      const mask = this.table.length - 1;
      for (let i = mixHead(idIndex) & mask; ; i = (i + 1) & mask) {
        const e = this.table[i]! - 1;
        if (e < 0) break;
        if (columns.idIndex[slotOfPage(this.pages, e)] === idIndex) return e;
      }
    }
    const entry = this.size++;
    const slot = columns.pages.slotAfter(this.pages, entry, this.lastSlot);
    this.lastSlot = slot;
    columns.idIndex[slot] = idIndex;
    columns.distanceCm[slot] = Math.min(MAX_DISTANCE_CM, roundHalfUp(distanceM * CM_PER_M));
    return entry;
  }

  /** A new chunk of the scan begins: the IDs recorded so far go into the table. */
  beginChunk(): void {
    if (this.hashed === this.size) return;
    const { columns } = this;
    if (this.size * 2 > this.table.length) {
      let length = this.table.length * 2;
      while (this.size * 2 > length) length *= 2;
      this.clearTable();
      this.table = columns.pages.takeTable(length);
      this.hashed = 0;
    }
    const { table } = this;
    const mask = table.length - 1;
    for (let e = this.hashed; e < this.size; e++) {
      const slot = slotOfPage(this.pages, e);
      let i = mixHead(columns.idIndex[slot]!) & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = e + 1;
      columns.tableIndex[slot] = i;
    }
    this.hashed = this.size;
  }

  /** The entry of the ID at `idIndex`, or −1. */
  find(idIndex: number): number {
    this.beginChunk();
    const { table, columns } = this;
    const mask = table.length - 1;
    for (let i = mixHead(idIndex) & mask; ; i = (i + 1) & mask) {
      const e = table[i]! - 1;
      if (e < 0) return -1;
      if (columns.idIndex[slotOfPage(this.pages, e)] === idIndex) return e;
    }
  }

  clear(): void {
    this.clearTable();
    this.table = this.ownTable;
    this.columns.pages.giveAll(this.pages);
    this.size = 0;
    this.hashed = 0;
    this.lastSlot = -1;
  }

  /** Zeroes the table's entries (and gives it back if it is a spare one). */
  private clearTable(): void {
    const { table, columns } = this;
    for (let e = 0; e < this.hashed; e++) table[columns.tableIndex[slotOfPage(this.pages, e)]!] = 0;
    if (table !== this.ownTable) columns.pages.giveTable(table);
  }
}

/** Entries a scan's own table holds (up to half as many entries before it takes a bigger one). */
const INITIAL_TABLE = 64;
/** Entries the columns start with. */
const INITIAL_SLOTS = 64 * PAGE_SLOTS;
