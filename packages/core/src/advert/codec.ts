/**
 * Advertisement payload bytes (BLE legacy advertising data: a list of [length, AD type, data] structures)
 * for the GAEN and Bluezone schemes. `decodeAdvert` never throws: any byte string gets a typed result,
 * either an ID or the reason it is not one of ours.
 *
 * GAEN (Exposure Notification Bluetooth Specification v1.2): Flags 0x1A, Complete List of 16-bit Service
 * UUIDs = 0xFD6F, Service Data (16-bit UUID 0xFD6F) = RPI (16 bytes) ‖ AEM (4 bytes): 31 bytes in all.
 * Bluezone (app from July 2020, Android): 16-bit service UUID 0x4E56 and manufacturer data of company
 * 8885 (0x22B5) holding the 12-byte ID; builds before advertised 128-bit service UUIDs; iOS advertises
 * the UUID only and serves the ID over GATT.
 * @module
 */
import { assertBytes, concatBytes } from '../bytes/index.js';
import { BLUEZONE_ID_BYTES } from '../ids/bluezone/keySchedule.js';
import { AEM_BYTES, RPI_BYTES } from '../ids/gaen/constants.js';

/** AD types used here (Bluetooth Assigned Numbers, "Common Data Types"). */
export const AD_TYPE = {
  flags: 0x01,
  incomplete16: 0x02,
  complete16: 0x03,
  incomplete128: 0x06,
  complete128: 0x07,
  serviceData16: 0x16,
  manufacturerData: 0xff,
} as const;
/** GAEN's 16-bit service UUID. */
export const GAEN_SERVICE_UUID16 = 0xfd6f;
/** GAEN's Flags value (LE General Discoverable, BR/EDR not supported, simultaneous LE/BR-EDR bits as the spec sets them). */
export const GAEN_FLAGS = 0x1a;
/** Bluezone's 16-bit service UUID (from July 2020). */
export const BLUEZONE_SERVICE_UUID16 = 0x4e56;
/** Bluezone's manufacturer-data company identifier. */
export const BLUEZONE_COMPANY_ID = 8885;
/** 128-bit service UUIDs of Bluezone builds (v2.0 iOS and Android; 2020-07 iOS). */
export const BLUEZONE_SERVICE_UUIDS128 = {
  'v2.0-ios': 'e20a39f4-73f5-4bc4-a12f-17d1ad07a667',
  'v2.0-android': 'e20a39f4-73f5-4bc4-a12f-17d1ad07a889',
  '2020-07-ios': '00004e56-73f5-4bc4-a12f-17d1ad07a667',
} as const;

/** One AD structure. */
export interface AdStructure {
  type: number;
  data: Uint8Array;
}

/** What an advertisement is. */
export type AdvertDecodeResult =
  | { kind: 'gaen'; rpi: Uint8Array; aem: Uint8Array }
  | { kind: 'bluezone'; id: Uint8Array; build: '2020-07' | 'v2.0' }
  | { kind: 'bluezone-gatt'; build: keyof typeof BLUEZONE_SERVICE_UUIDS128; reason: string }
  | { kind: 'not-ours'; reason: string }
  | { kind: 'malformed'; reason: string };

/** Splits advertising data into AD structures; a zero length ends the data (the rest is padding). */
export function parseAdStructures(bytes: Uint8Array): AdStructure[] | { malformed: string } {
  const out: AdStructure[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = bytes[at]!;
    if (length === 0) break;
    if (at + 1 + length > bytes.length)
      return {
        malformed: `AD structure at byte ${at} claims ${length} bytes but only ${bytes.length - at - 1} remain`,
      };
    out.push({ type: bytes[at + 1]!, data: bytes.subarray(at + 2, at + 1 + length) });
    at += 1 + length;
  }
  return out;
}

function adStructure(type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + data.length);
  out[0] = 1 + data.length;
  out[1] = type;
  out.set(data, 2);
  return out;
}

const uuid16 = (u: number) => new Uint8Array([u & 0xff, u >> 8]);

/**
 * The 11 bytes every GAEN advertisement starts with: Flags, the service UUID list and the head of the
 * service data (its length, type and UUID), before the RPI and AEM.
 */
const GAEN_ADVERT_HEAD = /* @__PURE__ */ (() =>
  concatBytes(
    adStructure(AD_TYPE.flags, new Uint8Array([GAEN_FLAGS])),
    adStructure(AD_TYPE.complete16, uuid16(GAEN_SERVICE_UUID16)),
    new Uint8Array([1 + 2 + RPI_BYTES + AEM_BYTES, AD_TYPE.serviceData16]),
    uuid16(GAEN_SERVICE_UUID16),
  ))();

/**
 * The 31-byte GAEN advertisement for an RPI and its AEM, in one array (a crowd of simulated phones makes
 * one at every rotation).
 */
export function encodeGaenAdvert(rpi: Uint8Array, aem: Uint8Array): Uint8Array {
  assertBytes(rpi, 'rpi', RPI_BYTES);
  assertBytes(aem, 'aem', AEM_BYTES);
  const head = GAEN_ADVERT_HEAD.length;
  const out = new Uint8Array(head + RPI_BYTES + AEM_BYTES);
  out.set(GAEN_ADVERT_HEAD, 0);
  out.set(rpi, head);
  out.set(aem, head + RPI_BYTES);
  return out;
}

/** The Bluezone (2020-07, Android) advertisement for a 12-byte ID. */
export function encodeBluezoneAdvert(id: Uint8Array): Uint8Array {
  assertBytes(id, 'id', BLUEZONE_ID_BYTES);
  return concatBytes(
    adStructure(AD_TYPE.flags, new Uint8Array([0x06])),
    adStructure(AD_TYPE.complete16, uuid16(BLUEZONE_SERVICE_UUID16)),
    adStructure(AD_TYPE.manufacturerData, concatBytes(uuid16(BLUEZONE_COMPANY_ID), id)),
  );
}

/** 128-bit UUID string → the little-endian bytes AD structures carry. */
function uuid128Bytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[15 - i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
// Built by a pure-annotated call so bundlers drop the table from apps that never decode Bluezone adverts.
const BLUEZONE_UUID128_BYTES = /* @__PURE__ */ uuid128Table();
function uuid128Table() {
  return Object.entries(BLUEZONE_SERVICE_UUIDS128).map(([build, uuid]) => ({
    build: build as keyof typeof BLUEZONE_SERVICE_UUIDS128,
    bytes: uuid128Bytes(uuid),
  }));
}

/** The advertisement for a Bluezone ID under an older build's 128-bit service UUID (v2.0 Android). */
export function encodeBluezoneLegacyAdvert(id: Uint8Array): Uint8Array {
  assertBytes(id, 'id', BLUEZONE_ID_BYTES);
  return concatBytes(
    adStructure(AD_TYPE.complete128, BLUEZONE_UUID128_BYTES[1]!.bytes),
    adStructure(AD_TYPE.manufacturerData, concatBytes(uuid16(BLUEZONE_COMPANY_ID), id)),
  );
}

function has16(structures: AdStructure[], uuid: number): boolean {
  return structures.some(
    (s) =>
      (s.type === AD_TYPE.complete16 || s.type === AD_TYPE.incomplete16) &&
      s.data.length % 2 === 0 &&
      [...Array(s.data.length / 2).keys()].some(
        (i) => (s.data[2 * i]! | (s.data[2 * i + 1]! << 8)) === uuid,
      ),
  );
}

function find128(structures: AdStructure[]): keyof typeof BLUEZONE_SERVICE_UUIDS128 | undefined {
  for (const s of structures) {
    if (
      (s.type !== AD_TYPE.complete128 && s.type !== AD_TYPE.incomplete128) ||
      s.data.length % 16 !== 0
    )
      continue;
    for (let at = 0; at < s.data.length; at += 16) {
      const candidate = s.data.subarray(at, at + 16);
      const hit = BLUEZONE_UUID128_BYTES.find((u) => u.bytes.every((b, i) => b === candidate[i]));
      if (hit) return hit.build;
    }
  }
  return undefined;
}

/** Classifies advertising data. Never throws on any input. The IDs and AEMs are copies of their bytes. */
export function decodeAdvert(bytes: Uint8Array): AdvertDecodeResult {
  const d = decodeAdvertViews(bytes);
  if (d.kind === 'gaen') return { kind: 'gaen', rpi: d.rpi.slice(), aem: d.aem.slice() };
  if (d.kind === 'bluezone') return { ...d, id: d.id.slice() };
  return d;
}

/**
 * {@link decodeAdvert} with the ID and AEM as views of `bytes` (no copies), for callers that keep the
 * payload unchanged as long as they use them (the firmware's decode cache).
 */
export function decodeAdvertViews(bytes: Uint8Array): AdvertDecodeResult {
  if (!(bytes instanceof Uint8Array)) return { kind: 'malformed', reason: 'not a byte array' };
  const structures = parseAdStructures(bytes);
  if ('malformed' in structures) return { kind: 'malformed', reason: structures.malformed };
  for (const s of structures) {
    if (
      s.type === AD_TYPE.serviceData16 &&
      s.data.length >= 2 &&
      (s.data[0]! | (s.data[1]! << 8)) === GAEN_SERVICE_UUID16
    ) {
      if (s.data.length !== 2 + RPI_BYTES + AEM_BYTES)
        return {
          kind: 'malformed',
          reason: `GAEN service data must hold 20 bytes (RPI + AEM), got ${s.data.length - 2}`,
        };
      return { kind: 'gaen', rpi: s.data.subarray(2, 18), aem: s.data.subarray(18, 22) };
    }
  }
  const legacy = find128(structures);
  const bluezone16 = has16(structures, BLUEZONE_SERVICE_UUID16);
  const manufacturer = structures.find(
    (s) =>
      s.type === AD_TYPE.manufacturerData &&
      s.data.length >= 2 &&
      (s.data[0]! | (s.data[1]! << 8)) === BLUEZONE_COMPANY_ID,
  );
  if (manufacturer) {
    if (manufacturer.data.length !== 2 + BLUEZONE_ID_BYTES)
      return {
        kind: 'malformed',
        reason: `Bluezone manufacturer data must hold a 12-byte ID, got ${manufacturer.data.length - 2} bytes`,
      };
    if (bluezone16 || legacy)
      return {
        kind: 'bluezone',
        id: manufacturer.data.subarray(2),
        build: legacy?.startsWith('v2.0') ? 'v2.0' : '2020-07',
      };
    return { kind: 'not-ours', reason: 'company 8885 data without a Bluezone service UUID' };
  }
  if (legacy)
    return {
      kind: 'bluezone-gatt',
      build: legacy,
      reason: 'Bluezone service UUID without an ID: the ID is read over GATT',
    };
  if (bluezone16)
    return {
      kind: 'bluezone-gatt',
      build: '2020-07-ios',
      reason: 'Bluezone service UUID without an ID: the ID is read over GATT',
    };
  return { kind: 'not-ours', reason: 'neither a GAEN nor a Bluezone advertisement' };
}
