/**
 * Decoded adverts, remembered per payload object. Hosts that hand over the same bytes object for every
 * advert of one rotation (the simulator) decode each payload once; one cache shared by many firmwares
 * (a simulated crowd) decodes it once for all of them and hands them all the same decoding.
 * @module
 */
import { decodeAdvert, decodeAdvertViews } from '../advert/codec.js';
import { AEM_BYTES } from '../ids/gaen/constants.js';
import { bytesToHex } from '../bytes/index.js';

/**
 * What the firmware needs of a decoded advert: the ID, its hex (the aggregation key), its {@link idHead}
 * (a hash and the leading sort order, kept beside the key so aggregating never reads the ID's bytes) and
 * GAEN's AEM.
 */
export type DecodedAdvert =
  | { kind: 'gaen' | 'bluezone'; id: Uint8Array; key: string; head: number; aem?: Uint8Array }
  | { kind: 'malformed' | 'not-ours' | 'bluezone-gatt' };

/** A decoded advert that carries an ID of ours. */
export type DecodedId = Extract<DecodedAdvert, { id: Uint8Array }>;

/**
 * Codes of `ReceivedAdvertBatch.idScheme`: the scheme of the ID an entry carries (0: none of ours, the
 * firmware reads the entry's decoding itself).
 */
export const ID_SCHEME_CODE = { gaen: 1, bluezone: 2 } as const;

/**
 * An ID's first three bytes as a big-endian integer (0 … 2²⁴ − 1: a small integer in every JS engine).
 * IDs are cipher output, so it hashes well, and it orders IDs as their hex does, up to ties.
 */
export function idHead(id: Uint8Array): number {
  return ((id[0] ?? 0) << 16) | ((id[1] ?? 0) << 8) | (id[2] ?? 0);
}

/** Options of {@link AdvertDecodeCache}. */
export interface AdvertDecodeCacheOptions {
  /**
   * Decodings give their ID and AEM as views of the payload (made on each read) instead of holding
   * copies (default false): for hosts whose payloads are never changed or reused while anything holds
   * their sightings (the simulator's, made by the firmware; a crowd holds a decoding per phone).
   */
  views?: boolean;
}

/** A payload → decoded-advert cache; pass one as `FirmwareOptions.decodeCache` to share it. */
export class AdvertDecodeCache {
  // Payload bytes objects are never mutated once handed to the radio, so identity is a safe cache key;
  // a weak map lets a rotated-out payload and its entry go.
  private readonly decoded = new WeakMap<Uint8Array, DecodedAdvert>();
  private readonly views: boolean;

  constructor(options: AdvertDecodeCacheOptions = {}) {
    this.views = options.views ?? false;
  }

  /** The payload decoded (once per payload object; never throws, like `decodeAdvert`). */
  decode(payload: Uint8Array): DecodedAdvert {
    let decoded = this.decoded.get(payload);
    if (!decoded) {
      decoded = decodePayload(payload, { views: this.views });
      this.decoded.set(payload, decoded);
    }
    return decoded;
  }
}

/**
 * A payload decoded for the firmware, with no cache: for hosts that keep each payload's decoding
 * themselves (the simulated air keeps one per phone, and a cache entry a phone beside it would cost a
 * crowd a few hundred bytes a phone). Never throws.
 */
export function decodePayload(
  payload: Uint8Array,
  options: AdvertDecodeCacheOptions = {},
): DecodedAdvert {
  if (options.views) {
    const d = decodeAdvertViews(payload);
    if (d.kind === 'gaen') return new PayloadId('gaen', payload, d.rpi, d.aem);
    if (d.kind === 'bluezone') return new PayloadId('bluezone', payload, d.id, undefined);
    return { kind: d.kind };
  }
  const d = decodeAdvert(payload);
  if (d.kind === 'gaen')
    return { kind: 'gaen', id: d.rpi, aem: d.aem, key: bytesToHex(d.rpi), head: idHead(d.rpi) };
  if (d.kind === 'bluezone')
    return { kind: 'bluezone', id: d.id, key: bytesToHex(d.id), head: idHead(d.id) };
  return { kind: d.kind };
}

/**
 * A decoded ID that keeps where its ID and AEM sit in the payload instead of views of them: `id` and
 * `aem` are views made on each read (equal bytes, not one object), `key` is made on first read. A crowd
 * holds one decoding per phone, and two views and a hex string were most of it; the simulator reads
 * none of them per delivery.
 */
class PayloadId {
  readonly head: number;
  private readonly idAt: number;
  private readonly idEnd: number;
  /** −1: no AEM (Bluezone). */
  private readonly aemAt: number;
  private hex: string | undefined;

  constructor(
    readonly kind: 'gaen' | 'bluezone',
    private readonly payload: Uint8Array,
    id: Uint8Array,
    aem: Uint8Array | undefined,
  ) {
    this.idAt = id.byteOffset - payload.byteOffset;
    this.idEnd = this.idAt + id.length;
    this.aemAt = aem ? aem.byteOffset - payload.byteOffset : -1;
    this.head = idHead(id);
  }

  get id(): Uint8Array {
    return this.payload.subarray(this.idAt, this.idEnd);
  }

  get aem(): Uint8Array | undefined {
    return this.aemAt < 0 ? undefined : this.payload.subarray(this.aemAt, this.aemAt + AEM_BYTES);
  }

  get key(): string {
    return (this.hex ??= bytesToHex(this.id));
  }
}
