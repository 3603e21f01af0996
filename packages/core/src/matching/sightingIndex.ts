/**
 * An immutable hash index of stored sightings by ID, on typed arrays: the structure the matching hot
 * loop probes 144 times per GAEN key. Memory is proportional to the sightings, never to the keys.
 * @module
 */
import type { SchemeName } from '../ids/diagnosisKey.js';
import type { Sighting } from '../sightings/sighting.js';
import { ID_BYTES } from '../sightings/sighting.js';

/** Where a {@link SightingIndex} keeps its arrays. */
export type IndexMemory = 'local' | 'shared';

/**
 * Everything a {@link SightingIndex} holds, as typed arrays and numbers: what a worker thread needs to
 * probe the index without the sighting objects. With `memory: 'shared'` the arrays sit on
 * SharedArrayBuffers, so posting the parts to workers shares one copy instead of cloning one each.
 */
export interface SightingIndexParts {
  scheme: SchemeName;
  /** Sightings of this scheme. */
  count: number;
  distinctIds: number;
  minTimeMs: number;
  maxTimeMs: number;
  mask: number;
  prefilterShift: number;
  /** Distinct IDs, `idBytes` each, by group. */
  ids: Uint8Array;
  groupStart: Uint32Array;
  /** Grouped position → index into the array the index was built from. */
  order: Uint32Array;
  /** Grouped position → time seen (ms). */
  timeMs: Float64Array;
  /** Grouped position → the 4 AEM bytes (GAEN), with `hasAem` 1 where the sighting stored one. */
  aem: Uint8Array;
  hasAem: Uint8Array;
  table: Int32Array;
  prefilter: Uint32Array;
}

/** Typed arrays on a SharedArrayBuffer where the host has one (browsers without cross-origin isolation do not). */
function allocator(memory: IndexMemory) {
  const shared = memory === 'shared' && typeof SharedArrayBuffer === 'function';
  const buffer = (bytes: number) =>
    shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return {
    u8: (n: number) => new Uint8Array(buffer(n)),
    u32: (n: number) => new Uint32Array(buffer(n * 4)),
    i32: (n: number) => new Int32Array(buffer(n * 4)),
    f64: (n: number) => new Float64Array(buffer(n * 8)),
  };
}

/** Options of the {@link SightingIndex} constructor. */
export interface SightingIndexOptions {
  /** `shared`: arrays on SharedArrayBuffers, for {@link SightingIndex.parts} to hand to workers; default `local`. */
  memory?: IndexMemory;
}

/**
 * Sightings of one scheme grouped by distinct ID. IDs are pseudo-random (AES or SHA-256 output), so the
 * first 4 bytes are already a uniform hash; open addressing with linear probing keeps lookups branch-light.
 */
export class SightingIndex {
  readonly scheme: SchemeName;
  readonly idBytes: number;
  /** The array the index was built from (all schemes); undefined for an index rebuilt from parts. */
  readonly source: readonly Sighting[] | undefined;
  /** Number of sightings of this scheme. */
  readonly count: number;
  /** Number of distinct IDs. */
  readonly distinctIds: number;
  /** Earliest and latest sighting time (ms); NaN when empty. */
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
  private readonly ids: Uint8Array;
  private readonly groupStart: Uint32Array;
  private readonly order: Uint32Array;
  private readonly timeMs: Float64Array;
  private readonly aem: Uint8Array;
  private readonly hasAem: Uint8Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  /**
   * One bit per 32-bit-prefix bucket, ~16 bits per distinct ID: most probes are misses (IDs nobody
   * saw), and this small array answers them from cache before the larger table is touched.
   */
  private readonly prefilter: Uint32Array;
  private readonly prefilterShift: number;

  constructor(
    scheme: SchemeName,
    sightings: readonly Sighting[],
    options: SightingIndexOptions = {},
  ) {
    this.scheme = scheme;
    this.idBytes = ID_BYTES[scheme];
    this.source = sightings;
    const alloc = allocator(options.memory ?? 'local');
    const ownIndex: number[] = [];
    for (let i = 0; i < sightings.length; i++)
      if (sightings[i]!.scheme === scheme) ownIndex.push(i);
    const n = ownIndex.length;
    this.count = n;
    let capacity = 16;
    while (capacity < n * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.table = alloc.i32(capacity).fill(-1);
    const groupOf = new Int32Array(n);
    const idsGrowing = new Uint8Array(Math.max(1, n) * this.idBytes);
    let distinct = 0;
    let minT = Infinity;
    let maxT = -Infinity;
    for (let i = 0; i < n; i++) {
      const s = sightings[ownIndex[i]!]!;
      if (s.timeMs < minT) minT = s.timeMs;
      if (s.timeMs > maxT) maxT = s.timeMs;
      let slot = this.slotOf(s.id, 0);
      let group = -1;
      for (;;) {
        const g = this.table[slot]!;
        if (g < 0) break;
        if (sameId(idsGrowing, g * this.idBytes, s.id, 0, this.idBytes)) {
          group = g;
          break;
        }
        slot = (slot + 1) & this.mask;
      }
      if (group < 0) {
        group = distinct++;
        this.table[slot] = group;
        idsGrowing.set(s.id, group * this.idBytes);
      }
      groupOf[i] = group;
    }
    this.distinctIds = distinct;
    this.ids = alloc.u8(distinct * this.idBytes);
    this.ids.set(idsGrowing.subarray(0, distinct * this.idBytes));
    // Counting sort of sightings by group, stable so each group keeps input order.
    this.groupStart = alloc.u32(distinct + 1);
    for (let i = 0; i < n; i++) this.groupStart[groupOf[i]! + 1]!++;
    for (let g = 0; g < distinct; g++) this.groupStart[g + 1]! += this.groupStart[g]!;
    const fill = this.groupStart.slice(0, distinct);
    this.order = alloc.u32(n);
    this.timeMs = alloc.f64(n);
    this.aem = alloc.u8(scheme === 'gaen' ? n * 4 : 0);
    this.hasAem = alloc.u8(scheme === 'gaen' ? n : 0);
    for (let i = 0; i < n; i++) {
      const p = fill[groupOf[i]!]!++;
      const s = sightings[ownIndex[i]!]!;
      this.order[p] = ownIndex[i]!;
      this.timeMs[p] = s.timeMs;
      if (s.aem && scheme === 'gaen') {
        this.aem.set(s.aem, p * 4);
        this.hasAem[p] = 1;
      }
    }
    let filterBits = 1 << 10;
    while (filterBits < distinct * 16 && filterBits < 1 << 30) filterBits *= 2;
    this.prefilter = alloc.u32(filterBits >>> 5);
    this.prefilterShift = 32 - Math.log2(filterBits);
    for (let g = 0; g < distinct; g++) {
      const bit = prefix32(this.ids, g * this.idBytes) >>> this.prefilterShift;
      this.prefilter[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.minTimeMs = n ? minT : NaN;
    this.maxTimeMs = n ? maxT : NaN;
  }

  /** The index's arrays and numbers (shared, not copied, when built with `memory: 'shared'`). */
  parts(): SightingIndexParts {
    const {
      scheme,
      count,
      distinctIds,
      minTimeMs,
      maxTimeMs,
      mask,
      prefilterShift,
      ids,
      groupStart,
      order,
      timeMs,
      aem,
      hasAem,
      table,
      prefilter,
    } = this;
    return {
      scheme,
      count,
      distinctIds,
      minTimeMs,
      maxTimeMs,
      mask,
      prefilterShift,
      ids,
      groupStart,
      order,
      timeMs,
      aem,
      hasAem,
      table,
      prefilter,
    };
  }

  /** An index over parts made by {@link SightingIndex.parts} (e.g. in a worker): probes work, {@link sightingAt} does not. */
  static fromParts(parts: SightingIndexParts): SightingIndex {
    const index = Object.create(SightingIndex.prototype) as {
      -readonly [K in keyof SightingIndex]: unknown;
    } & Record<string, unknown>;
    Object.assign(index, parts, { idBytes: ID_BYTES[parts.scheme], source: undefined });
    return index as unknown as SightingIndex;
  }

  private slotOf(bytes: Uint8Array, offset: number): number {
    return (Math.imul(prefix32(bytes, offset), 0x9e3779b1) >>> 0) & this.mask;
  }

  /** Group of the ID at `bytes[offset … offset+idBytes)`, or -1 when no sighting has it. */
  findGroup(bytes: Uint8Array, offset = 0): number {
    const bit = prefix32(bytes, offset) >>> this.prefilterShift;
    if ((this.prefilter[bit >>> 5]! & (1 << (bit & 31))) === 0) return -1;
    let slot = this.slotOf(bytes, offset);
    for (;;) {
      const g = this.table[slot]!;
      if (g < 0) return -1;
      if (sameId(this.ids, g * this.idBytes, bytes, offset, this.idBytes)) return g;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Positions (into the grouped order) of group `g`: [start, end). */
  groupRange(g: number): [number, number] {
    return [this.groupStart[g]!, this.groupStart[g + 1]!];
  }

  /** Time of the sighting at grouped position `p`. */
  timeAt(p: number): number {
    return this.timeMs[p]!;
  }

  /** Index, in the array the index was built from, of the sighting at grouped position `p`. */
  sourceIndexAt(p: number): number {
    return this.order[p]!;
  }

  /** The AEM stored with the sighting at grouped position `p` (GAEN), or undefined. */
  aemAt(p: number): Uint8Array | undefined {
    return this.hasAem[p] ? this.aem.subarray(p * 4, p * 4 + 4) : undefined;
  }

  /** The sighting at grouped position `p` (not on an index rebuilt from parts). */
  sightingAt(p: number): Sighting {
    if (!this.source)
      throw new Error('SightingIndex.fromParts holds no sighting objects: use sourceIndexAt');
    return this.source[this.order[p]!]!;
  }
}

function prefix32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! |
      (bytes[offset + 1]! << 8) |
      (bytes[offset + 2]! << 16) |
      (bytes[offset + 3]! << 24)) >>>
    0
  );
}

function sameId(
  a: Uint8Array,
  aOffset: number,
  b: Uint8Array,
  bOffset: number,
  length: number,
): boolean {
  for (let i = 0; i < length; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}
