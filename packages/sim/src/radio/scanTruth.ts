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
import { mixHead } from '@proxsense/core';
import { ensureLength } from '../util/growable.js';

const CM_PER_M = 100;
/** Distances saturate here (what a Uint16 column holds). */
export const MAX_DISTANCE_CM = 65_535;

export class ScanTruth {
  size = 0;
  /** Per entry: the ID's IdTable index and the distance, whole cm (saturating). */
  idIndex = new Int32Array(INITIAL_ENTRIES);
  distanceCm = new Uint16Array(INITIAL_ENTRIES);
  /** Entry + 1 per slot (0: empty), at most half full; it holds entries 0 … hashed − 1. */
  private table = new Int32Array(64);
  private tableIndex = new Int32Array(INITIAL_ENTRIES);
  private hashed = 0;

  /**
   * Records the first reception of the ID at `idIndex` in this scan (later ones keep it); returns the
   * ID's entry. Within a chunk, each ID comes at most once (see the module doc).
   */
  record(idIndex: number, distanceM: number): number {
    if (this.hashed > 0) {
      const mask = this.table.length - 1;
      for (let i = mixHead(idIndex) & mask; ; i = (i + 1) & mask) {
        const e = this.table[i]!;
        if (e === 0) break;
        if (this.idIndex[e - 1] === idIndex) return e - 1;
      }
    }
    const entry = this.size++;
    if (entry === this.idIndex.length) {
      this.idIndex = ensureLength(this.idIndex, entry + 1);
      this.distanceCm = ensureLength(this.distanceCm, entry + 1);
      this.tableIndex = ensureLength(this.tableIndex, entry + 1);
    }
    this.idIndex[entry] = idIndex;
    this.distanceCm[entry] = Math.min(MAX_DISTANCE_CM, Math.round(distanceM * CM_PER_M));
    return entry;
  }

  /** A new chunk of the scan begins: the IDs recorded so far go into the table. */
  beginChunk(): void {
    if (this.hashed === this.size) return;
    if (this.size * 2 > this.table.length) {
      let length = this.table.length * 2;
      while (this.size * 2 > length) length *= 2;
      this.table = new Int32Array(length);
      this.hashed = 0;
    }
    const mask = this.table.length - 1;
    for (let e = this.hashed; e < this.size; e++) {
      let i = mixHead(this.idIndex[e]!) & mask;
      while (this.table[i] !== 0) i = (i + 1) & mask;
      this.table[i] = e + 1;
      this.tableIndex[e] = i;
    }
    this.hashed = this.size;
  }

  /** The entry of the ID at `idIndex`, or −1. */
  find(idIndex: number): number {
    this.beginChunk();
    const mask = this.table.length - 1;
    for (let i = mixHead(idIndex) & mask; ; i = (i + 1) & mask) {
      const e = this.table[i]!;
      if (e === 0) return -1;
      if (this.idIndex[e - 1] === idIndex) return e - 1;
    }
  }

  clear(): void {
    for (let e = 0; e < this.hashed; e++) this.table[this.tableIndex[e]!] = 0;
    this.size = 0;
    this.hashed = 0;
  }
}

/** Room in a new ScanTruth (a scan hears a few dozen IDs; columns double past it). */
const INITIAL_ENTRIES = 32;
