/**
 * Every ID broadcast in a run, interned once: its bytes, its AEM (GAEN) and, as ground truth, the phone
 * that broadcast it. Stored sightings keep a 4-byte index instead of the ID. IDs are found through an
 * open-addressing table of indexes hashed from the ID's own bytes (they are cipher output, so a few
 * words mix well): no hex string, no Map entry per ID.
 * @module
 */
import { ensureLength } from '../util/growable.js';

const EMPTY = -1;

export class IdTable {
  private readonly ids: Uint8Array[] = [];
  private readonly aems: (Uint8Array | undefined)[] = [];
  private owners = new Int32Array(1024);
  /** slot → index (−1 empty); a power of two, at most half full. */
  private slots = new Int32Array(2048).fill(EMPTY);

  get size(): number {
    return this.ids.length;
  }

  /** Registers an ID broadcast by `owner`; returns its index (the same index if seen before). */
  intern(id: Uint8Array, owner: number, aem?: Uint8Array): number {
    const mask = this.slots.length - 1;
    let s = hashBytes(id) & mask;
    for (; ; s = (s + 1) & mask) {
      const index = this.slots[s]!;
      if (index === EMPTY) break;
      if (sameBytes(this.ids[index]!, id)) return index;
    }
    const index = this.ids.length;
    this.slots[s] = index;
    this.ids.push(id);
    this.aems.push(aem);
    this.owners = ensureLength(this.owners, index + 1);
    this.owners[index] = owner;
    if (this.ids.length * 2 > this.slots.length) this.rehash();
    return index;
  }

  /** Index of an ID, or −1 when no simulated phone broadcast it. */
  lookup(id: Uint8Array): number {
    const mask = this.slots.length - 1;
    for (let s = hashBytes(id) & mask; ; s = (s + 1) & mask) {
      const index = this.slots[s]!;
      if (index === EMPTY) return -1;
      const known = this.ids[index]!;
      if (known === id || sameBytes(known, id)) return index;
    }
  }

  bytes(index: number): Uint8Array {
    return this.ids[index]!;
  }

  aem(index: number): Uint8Array | undefined {
    return this.aems[index];
  }

  /** The phone (person index) that broadcast the ID. */
  owner(index: number): number {
    return this.owners[index]!;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let index = 0; index < this.ids.length; index++) {
      let s = hashBytes(this.ids[index]!) & mask;
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
