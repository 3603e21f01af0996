/**
 * Ground truth of one scan, as the air served it: for every ID the scanner heard, the ID's index in the
 * run's IdTable and the true distance to its advertiser at the first reception. Found by the ID's bytes
 * object, which the firmware hands on unchanged into the sightings it stores, through a small
 * open-addressing table on the ID's head: the phone's store finds both without hashing the ID into the
 * run's large ID table, and the air records them without a Map entry per delivery.
 * @module
 */
import { idHead, mixHead } from '@proxsense/core';

const CM_PER_M = 100;
/** Distances saturate here (what a Uint16 column holds). */
export const MAX_DISTANCE_CM = 65_535;

export class ScanTruth {
  size = 0;
  /** Per entry: the ID's bytes object, its IdTable index and the distance, whole cm (saturating). */
  readonly id: (Uint8Array | undefined)[] = [];
  readonly idIndex: number[] = [];
  readonly distanceCm: number[] = [];
  /** Entry + 1 per slot (0: empty), at most half full. */
  private table = new Int32Array(64);
  private readonly tableIndex: number[] = [];

  /** Records the first reception of `id` (whose head is `head`) in this scan; later ones keep it. */
  record(id: Uint8Array, head: number, idIndex: number, distanceM: number): void {
    const mask = this.table.length - 1;
    let i = mixHead(head) & mask;
    for (; ; i = (i + 1) & mask) {
      const e = this.table[i]!;
      if (e === 0) break;
      if (this.id[e - 1] === id) return;
    }
    const entry = this.size++;
    this.table[i] = entry + 1;
    this.tableIndex[entry] = i;
    this.id[entry] = id;
    this.idIndex[entry] = idIndex;
    this.distanceCm[entry] = Math.min(MAX_DISTANCE_CM, Math.round(distanceM * CM_PER_M));
    if (this.size * 2 > this.table.length) this.grow();
  }

  /** The entry of `id` (the same bytes object the air delivered), or −1. */
  find(id: Uint8Array): number {
    return this.findWithHead(id, idHead(id));
  }

  /** {@link find} given the ID's head (`idHead(id)`): the ID's bytes are not read. */
  findWithHead(id: Uint8Array, head: number): number {
    const mask = this.table.length - 1;
    for (let i = mixHead(head) & mask; ; i = (i + 1) & mask) {
      const e = this.table[i]!;
      if (e === 0) return -1;
      if (this.id[e - 1] === id) return e - 1;
    }
  }

  clear(): void {
    for (let e = 0; e < this.size; e++) this.table[this.tableIndex[e]!] = 0;
    this.id.fill(undefined, 0, this.size);
    this.size = 0;
  }

  private grow(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let e = 0; e < this.size; e++) {
      let i = mixHead(idHead(this.id[e]!)) & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = e + 1;
      this.tableIndex[e] = i;
    }
    this.table = table;
  }
}
