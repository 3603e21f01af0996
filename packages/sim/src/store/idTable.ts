/**
 * Every ID broadcast in a run, interned once: its bytes, its AEM (GAEN) and, as ground truth, the phone
 * that broadcast it. Stored sightings keep a 4-byte index instead of the ID. The bytes live in one
 * growing arena (no object per ID) and are found through an open-addressing table of indexes hashed from
 * the ID's own bytes (cipher output, so a few words mix well): no hex string, no Map entry per ID.
 * @module
 */
import { ensureLength } from '../util/growable.js';

const EMPTY = -1;
/** How the table's columns and byte arena grow. */
const ID_GROWTH = 1.5;

export class IdTable {
  private count = 0;
  /** Every ID's bytes then its AEM's, back to back: ID i at idStart[i], AEM right after (aemLength[i] bytes). */
  private arena = new Uint8Array(1 << 14);
  private arenaLength = 0;
  private idStart = new Uint32Array(1024);
  private idLength = new Uint8Array(1024);
  private aemLength = new Uint8Array(1024);
  private owners = new Int32Array(1024);
  /** slot → index (−1 empty); a power of two, at most three quarters full (a district's IDs are millions). */
  private slots = new Int32Array(2048).fill(EMPTY);

  get size(): number {
    return this.count;
  }

  /** Registers an ID broadcast by `owner`; returns its index (the same index if seen before). */
  intern(id: Uint8Array, owner: number, aem?: Uint8Array): number {
    const mask = this.slots.length - 1;
    let s = hashBytes(id) & mask;
    for (; ; s = (s + 1) & mask) {
      const index = this.slots[s]!;
      if (index === EMPTY) break;
      if (this.holds(index, id)) return index;
    }
    const index = this.count++;
    // By half again, not double: a district's run interns millions of IDs (30 bytes each here).
    if (index === this.idStart.length) {
      this.idStart = ensureLength(this.idStart, index + 1, ID_GROWTH);
      this.idLength = ensureLength(this.idLength, index + 1, ID_GROWTH);
      this.aemLength = ensureLength(this.aemLength, index + 1, ID_GROWTH);
      this.owners = ensureLength(this.owners, index + 1, ID_GROWTH);
    }
    const aemLength = aem?.length ?? 0;
    this.arena = ensureLength(this.arena, this.arenaLength + id.length + aemLength, ID_GROWTH);
    this.idStart[index] = this.arenaLength;
    this.idLength[index] = id.length;
    this.aemLength[index] = aemLength;
    this.arena.set(id, this.arenaLength);
    if (aem) this.arena.set(aem, this.arenaLength + id.length);
    this.arenaLength += id.length + aemLength;
    this.owners[index] = owner;
    this.slots[s] = index;
    if (this.count * 4 > this.slots.length * 3) this.rehash();
    return index;
  }

  /** Index of an ID, or −1 when no simulated phone broadcast it. */
  lookup(id: Uint8Array): number {
    const mask = this.slots.length - 1;
    for (let s = hashBytes(id) & mask; ; s = (s + 1) & mask) {
      const index = this.slots[s]!;
      if (index === EMPTY) return -1;
      if (this.holds(index, id)) return index;
    }
  }

  /** The ID's bytes (a fresh copy). */
  bytes(index: number): Uint8Array {
    const start = this.idStart[index]!;
    return this.arena.slice(start, start + this.idLength[index]!);
  }

  /** The ID's AEM (a fresh copy), if it came with one. */
  aem(index: number): Uint8Array | undefined {
    const length = this.aemLength[index]!;
    if (!length) return undefined;
    const start = this.idStart[index]! + this.idLength[index]!;
    return this.arena.slice(start, start + length);
  }

  /** The phone (person index) that broadcast the ID. */
  owner(index: number): number {
    return this.owners[index]!;
  }

  private holds(index: number, id: Uint8Array): boolean {
    if (this.idLength[index] !== id.length) return false;
    const arena = this.arena;
    const start = this.idStart[index]!;
    for (let i = 0; i < id.length; i++) if (arena[start + i] !== id[i]) return false;
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let index = 0; index < this.count; index++) {
      let s = hashBytes(this.bytes(index)) & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = index;
    }
    this.slots = slots;
  }
}

function hashBytes(b: Uint8Array): number {
  let h = Math.imul(b.length, 0x9e3779b9);
  for (let i = 0; i < b.length && i < 8; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}
