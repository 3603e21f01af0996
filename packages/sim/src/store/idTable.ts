/**
 * Every ID broadcast in a run, interned once: its bytes, its AEM (GAEN) and, as ground truth, the phone
 * that broadcast it. Stored sightings keep a 4-byte index instead of the ID.
 * @module
 */
import { bytesToHex } from '@proxsense/core';
import { ensureLength } from '../util/growable.js';

export class IdTable {
  private readonly indexByHex = new Map<string, number>();
  private readonly ids: Uint8Array[] = [];
  private readonly aems: (Uint8Array | undefined)[] = [];
  private owners = new Int32Array(1024);

  get size(): number {
    return this.ids.length;
  }

  /** Registers an ID broadcast by `owner`; returns its index (the same index if seen before). */
  intern(id: Uint8Array, owner: number, aem?: Uint8Array): number {
    const hex = bytesToHex(id);
    let index = this.indexByHex.get(hex);
    if (index !== undefined) return index;
    index = this.ids.length;
    this.indexByHex.set(hex, index);
    this.ids.push(id);
    this.aems.push(aem);
    this.owners = ensureLength(this.owners, index + 1);
    this.owners[index] = owner;
    return index;
  }

  /** Index of an ID, or −1 when no simulated phone broadcast it. */
  lookup(id: Uint8Array): number {
    return this.indexByHex.get(bytesToHex(id)) ?? -1;
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
}
