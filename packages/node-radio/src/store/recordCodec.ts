/**
 * Binary payloads of the store's records: sightings, scan records, the device's own keys and prune
 * marks. Encoding is fixed little-endian; decoding validates every field as strictly as the sightings
 * JSONL reader does, so a payload that passed its checksum but holds nonsense is still refused.
 * @module
 */
import type { DiagnosisKey, ScanRecord, Sighting } from '@proxsense/core';

/** Record type tags (the payload's first byte). */
export const RECORD_TYPE = { sighting: 1, scan: 2, ownKey: 3, pruneMark: 4 } as const;

/** One decoded record. */
export type StoreRecord =
  | { type: 'sighting'; sighting: Sighting }
  | { type: 'scan'; scan: ScanRecord }
  | { type: 'ownKey'; key: DiagnosisKey }
  /** Everything older than `beforeMs` is deleted (a durable watermark). */
  | { type: 'pruneMark'; beforeMs: number };

const SCHEME_CODE = { gaen: 0, bluezone: 1 } as const;
const ID_BYTES = [16, 12] as const;
const AEM_BYTES = 4;
const GAEN_TEK_BYTES = 16;
const BLUEZONE_DAILY_KEY_BYTES = 32;
/** Longest scanner name stored, bytes of UTF-8 (longer names are cut; the field is a label). */
export const MAX_SCANNER_BYTES = 255;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** A growing little-endian byte writer. */
class Writer {
  private bytes = new Uint8Array(64);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.room(1);
    this.view.setUint8(this.length++, v);
  }
  i8(v: number): void {
    this.room(1);
    this.view.setInt8(this.length++, v);
  }
  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
  shortString(s: string): void {
    let b: Uint8Array = encoder.encode(s);
    if (b.length > MAX_SCANNER_BYTES) b = cutUtf8(b, MAX_SCANNER_BYTES);
    this.u8(b.length);
    this.raw(b);
  }
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** The longest prefix of `b` of at most `max` bytes that ends on a UTF-8 character boundary. */
function cutUtf8(b: Uint8Array, max: number): Uint8Array {
  let end = max;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

/** Thrown inside the decoder only; {@link decodeRecord} turns it into `undefined`. */
class Malformed extends Error {}

class Reader {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): void {
    if (this.at + n > this.bytes.length) throw new Malformed();
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }
  i8(): number {
    this.need(1);
    return this.view.getInt8(this.at++);
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }
  raw(n: number): Uint8Array {
    this.need(n);
    // A plain copy: the input may be a Node Buffer, whose slices would leak Buffer into sightings.
    const b = new Uint8Array(n);
    b.set(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return b;
  }
  shortString(): string {
    const b = this.raw(this.u8());
    try {
      return strictDecoder.decode(b);
    } catch {
      throw new Malformed();
    }
  }
  end(): void {
    if (this.at !== this.bytes.length) throw new Malformed();
  }
}

const check = (ok: boolean): void => {
  if (!ok) throw new Malformed();
};
const isTimeMs = (t: number) => Number.isFinite(t) && t >= 0;

/** The payload of one record. */
export function encodeRecord(record: StoreRecord): Uint8Array {
  const w = new Writer();
  switch (record.type) {
    case 'sighting': {
      const s = record.sighting;
      w.u8(RECORD_TYPE.sighting);
      w.f64(s.timeMs);
      w.f64(s.rssiDbm);
      w.u8(
        (s.txPowerDbm !== undefined ? 1 : 0) |
          (s.aem !== undefined ? 2 : 0) |
          (s.scanner !== undefined ? 4 : 0),
      );
      w.u8(SCHEME_CODE[s.scheme]);
      w.raw(s.id);
      if (s.txPowerDbm !== undefined) w.f64(s.txPowerDbm);
      if (s.aem !== undefined) w.raw(s.aem);
      if (s.scanner !== undefined) w.shortString(s.scanner);
      break;
    }
    case 'scan': {
      const s = record.scan;
      w.u8(RECORD_TYPE.scan);
      w.f64(s.startMs);
      w.f64(s.durationMs);
      w.u8(s.scanner !== undefined ? 1 : 0);
      if (s.scanner !== undefined) w.shortString(s.scanner);
      break;
    }
    case 'ownKey': {
      const k = record.key;
      w.u8(RECORD_TYPE.ownKey);
      w.u8(SCHEME_CODE[k.scheme]);
      if (k.scheme === 'gaen') {
        w.raw(k.keyData);
        w.u32(k.rollingStartIntervalNumber);
        w.u32(k.rollingPeriod);
        const flags =
          (k.transmissionRiskLevel !== undefined ? 1 : 0) |
          (k.reportType !== undefined ? 2 : 0) |
          (k.daysSinceOnsetOfSymptoms !== undefined ? 4 : 0);
        w.u8(flags);
        if (k.transmissionRiskLevel !== undefined) w.u8(k.transmissionRiskLevel);
        if (k.reportType !== undefined) w.u8(k.reportType);
        if (k.daysSinceOnsetOfSymptoms !== undefined) w.i8(k.daysSinceOnsetOfSymptoms);
      } else {
        w.raw(k.dailyKey);
        w.f64(k.timeDkS);
        w.u32(k.maxRoll);
        w.f64(k.timeTeS);
      }
      break;
    }
    case 'pruneMark':
      w.u8(RECORD_TYPE.pruneMark);
      w.f64(record.beforeMs);
      break;
  }
  return w.finish();
}

/**
 * Decodes one payload; `undefined` for anything that is not exactly a valid record (wrong length,
 * unknown type, out-of-range field, invalid UTF-8). Never throws.
 */
export function decodeRecord(payload: Uint8Array): StoreRecord | undefined {
  try {
    return decodeStrict(new Reader(payload));
  } catch (error) {
    if (error instanceof Malformed) return undefined;
    throw error;
  }
}

function decodeStrict(r: Reader): StoreRecord {
  const type = r.u8();
  if (type === RECORD_TYPE.sighting) {
    const timeMs = r.f64();
    const rssiDbm = r.f64();
    const flags = r.u8();
    const code = r.u8();
    check(isTimeMs(timeMs) && Number.isFinite(rssiDbm) && rssiDbm >= -127 && rssiDbm <= 20);
    check(flags < 8 && (code === 0 || code === 1));
    const sighting: Sighting = {
      timeMs,
      scheme: code === 0 ? 'gaen' : 'bluezone',
      id: r.raw(ID_BYTES[code as 0 | 1]),
      rssiDbm,
    };
    if (flags & 1) {
      const tx = r.f64();
      check(Number.isFinite(tx) && tx >= -127 && tx <= 127);
      sighting.txPowerDbm = tx;
    }
    if (flags & 2) {
      check(code === 0);
      sighting.aem = r.raw(AEM_BYTES);
    }
    if (flags & 4) sighting.scanner = r.shortString();
    r.end();
    return { type: 'sighting', sighting };
  }
  if (type === RECORD_TYPE.scan) {
    const startMs = r.f64();
    const durationMs = r.f64();
    const flags = r.u8();
    check(isTimeMs(startMs) && Number.isFinite(durationMs) && durationMs >= 0 && flags < 2);
    const scan: ScanRecord = { startMs, durationMs };
    if (flags & 1) scan.scanner = r.shortString();
    r.end();
    return { type: 'scan', scan };
  }
  if (type === RECORD_TYPE.ownKey) {
    const code = r.u8();
    if (code === 0) {
      const keyData = r.raw(GAEN_TEK_BYTES);
      const rollingStartIntervalNumber = r.u32();
      const rollingPeriod = r.u32();
      const flags = r.u8();
      check(flags < 8 && rollingPeriod >= 1 && rollingPeriod <= 144);
      const key: DiagnosisKey = {
        scheme: 'gaen',
        keyData,
        rollingStartIntervalNumber,
        rollingPeriod,
      };
      if (flags & 1) key.transmissionRiskLevel = r.u8();
      if (flags & 2) key.reportType = r.u8();
      if (flags & 4) key.daysSinceOnsetOfSymptoms = r.i8();
      r.end();
      return { type: 'ownKey', key };
    }
    check(code === 1);
    const dailyKey = r.raw(BLUEZONE_DAILY_KEY_BYTES);
    const timeDkS = r.f64();
    const maxRoll = r.u32();
    const timeTeS = r.f64();
    check(Number.isFinite(timeDkS) && timeDkS >= 0 && Number.isFinite(timeTeS) && maxRoll >= 1);
    r.end();
    return { type: 'ownKey', key: { scheme: 'bluezone', dailyKey, timeDkS, maxRoll, timeTeS } };
  }
  if (type === RECORD_TYPE.pruneMark) {
    const beforeMs = r.f64();
    check(Number.isFinite(beforeMs));
    r.end();
    return { type: 'pruneMark', beforeMs };
  }
  throw new Malformed();
}

/** When a record's data ends, for retention: a key lives until its last ID is no longer valid. */
export function keyEndMs(k: DiagnosisKey): number {
  return k.scheme === 'gaen'
    ? (k.rollingStartIntervalNumber + k.rollingPeriod) * 600_000
    : k.timeTeS * 1000;
}
