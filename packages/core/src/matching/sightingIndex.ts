/**
 * An immutable hash index of stored sightings by ID, on typed arrays: the structure the matching hot
 * loop probes 144 times per GAEN key. Memory is proportional to the sightings, never to the keys.
 * @module
 */
import type { SchemeName } from '../ids/diagnosisKey.js';
import type { Sighting } from '../sightings/sighting.js';
import { ID_BYTES } from '../sightings/sighting.js';

/**
 * Sightings of one scheme grouped by distinct ID. IDs are pseudo-random (AES or SHA-256 output), so the
 * first 4 bytes are already a uniform hash; open addressing with linear probing keeps lookups branch-light.
 */
export class SightingIndex {
  readonly scheme: SchemeName;
  readonly idBytes: number;
  /** The sightings, grouped: group g holds `sightings[order[groupStart[g]] … order[groupStart[g+1]-1]]`. */
  readonly sightings: readonly Sighting[];
  /** Number of distinct IDs. */
  readonly distinctIds: number;
  /** Earliest and latest sighting time (ms); NaN when empty. */
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
  private readonly ids: Uint8Array;
  private readonly groupStart: Uint32Array;
  private readonly order: Uint32Array;
  private readonly timeMs: Float64Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  /**
   * One bit per 32-bit-prefix bucket, ~16 bits per distinct ID: most probes are misses (IDs nobody
   * saw), and this small array answers them from cache before the larger table is touched.
   */
  private readonly prefilter: Uint32Array;
  private readonly prefilterShift: number;

  constructor(scheme: SchemeName, sightings: readonly Sighting[]) {
    this.scheme = scheme;
    this.idBytes = ID_BYTES[scheme];
    const own = sightings.filter((s) => s.scheme === scheme);
    this.sightings = own;
    const n = own.length;
    let capacity = 16;
    while (capacity < n * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.table = new Int32Array(capacity).fill(-1);
    const groupOf = new Int32Array(n);
    const idsGrowing = new Uint8Array(Math.max(1, n) * this.idBytes);
    let distinct = 0;
    let minT = Infinity;
    let maxT = -Infinity;
    for (let i = 0; i < n; i++) {
      const s = own[i]!;
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
    this.ids = idsGrowing.slice(0, distinct * this.idBytes);
    // Counting sort of sightings by group, stable so each group keeps input order.
    this.groupStart = new Uint32Array(distinct + 1);
    for (let i = 0; i < n; i++) this.groupStart[groupOf[i]! + 1]!++;
    for (let g = 0; g < distinct; g++) this.groupStart[g + 1]! += this.groupStart[g]!;
    const fill = this.groupStart.slice(0, distinct);
    this.order = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.order[fill[groupOf[i]!]!++] = i;
    this.timeMs = new Float64Array(n);
    for (let i = 0; i < n; i++) this.timeMs[i] = own[this.order[i]!]!.timeMs;
    let filterBits = 1 << 10;
    while (filterBits < distinct * 16 && filterBits < 1 << 30) filterBits *= 2;
    this.prefilter = new Uint32Array(filterBits >>> 5);
    this.prefilterShift = 32 - Math.log2(filterBits);
    for (let g = 0; g < distinct; g++) {
      const bit = prefix32(this.ids, g * this.idBytes) >>> this.prefilterShift;
      this.prefilter[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.minTimeMs = n ? minT : NaN;
    this.maxTimeMs = n ? maxT : NaN;
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

  /** The sighting at grouped position `p`. */
  sightingAt(p: number): Sighting {
    return this.sightings[this.order[p]!]!;
  }
}

function prefix32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

function sameId(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}
