/**
 * The on-disk framing of a store file: a 16-byte header, then records, each
 * `[u32 LE payload length][u32 LE CRC-32 of (length bytes ‖ payload)][payload]`.
 *
 * Reading never throws on any bytes: a frame whose length is implausible, whose checksum fails or whose
 * payload does not decode is invalid; the reader then looks for the next offset where a valid frame
 * starts. Invalid bytes followed by a valid frame are a corrupt region (skipped, reported); invalid bytes
 * running to the end are the torn tail an interrupted append leaves (reported; the writer truncates it).
 * @module
 */
import { crc32 } from 'node:zlib';
import { decodeRecord, type StoreRecord } from './recordCodec.js';

/** File magic, "pxstore" and a NUL, then u32 LE format version, then u32 LE CRC-32 of the first 12 bytes. */
export const FILE_MAGIC = new Uint8Array([0x70, 0x78, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x00]);
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 16;
export const FRAME_HEADER_BYTES = 8;
/** Records are small (a sighting is ≤ 300 bytes); a larger length can only be corruption. */
export const MAX_PAYLOAD_BYTES = 1024;

/** The header every store file starts with. */
export function fileHeader(): Uint8Array {
  const h = new Uint8Array(HEADER_BYTES);
  const view = new DataView(h.buffer);
  h.set(FILE_MAGIC);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, crc32(h.subarray(0, 12)), true);
  return h;
}

/** Whether `bytes` start with a valid header of this format version. */
export function hasValidHeader(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_BYTES) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  for (let i = 0; i < FILE_MAGIC.length; i++) if (bytes[i] !== FILE_MAGIC[i]) return false;
  return (
    view.getUint32(8, true) === FORMAT_VERSION &&
    view.getUint32(12, true) === crc32(bytes.subarray(0, 12))
  );
}

/** One framed record. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, payload.length, true);
  frame.set(payload, FRAME_HEADER_BYTES);
  view.setUint32(4, crc32(payload, crc32(frame.subarray(0, 4))), true);
  return frame;
}

/** A region of bytes that held no valid record. */
export interface InvalidRegion {
  offset: number;
  bytes: number;
}

/** What reading a file's frames found. */
export interface FrameScan {
  records: StoreRecord[];
  /** Byte offset each record starts at (parallel to `records`). */
  offsets: number[];
  /** Invalid regions followed by a valid frame: skipped. */
  corrupt: InvalidRegion[];
  /** Invalid bytes at the end (an interrupted append), if any. */
  tornTail: InvalidRegion | undefined;
  /** Offset after the last valid frame: where a writer should continue. */
  validEndBytes: number;
}

/** The frame at `at`, if a valid one starts there. */
function frameAt(
  bytes: Uint8Array,
  view: DataView,
  at: number,
): { record: StoreRecord; next: number } | undefined {
  if (at + FRAME_HEADER_BYTES > bytes.length) return undefined;
  const length = view.getUint32(at, true);
  if (length === 0 || length > MAX_PAYLOAD_BYTES || at + FRAME_HEADER_BYTES + length > bytes.length)
    return undefined;
  const payload = bytes.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
  if (crc32(payload, crc32(bytes.subarray(at, at + 4))) !== view.getUint32(at + 4, true))
    return undefined;
  const record = decodeRecord(payload);
  return record && { record, next: at + FRAME_HEADER_BYTES + length };
}

/**
 * Reads every valid record of a file's bytes (header included). A file with a bad header yields no
 * records and is all one torn tail (a file cut during creation) or, if longer, all corrupt. Never throws.
 */
export function scanFrames(bytes: Uint8Array): FrameScan {
  const scan: FrameScan = {
    records: [],
    offsets: [],
    corrupt: [],
    tornTail: undefined,
    validEndBytes: HEADER_BYTES,
  };
  if (!hasValidHeader(bytes)) {
    scan.validEndBytes = 0;
    if (bytes.length > 0) scan.tornTail = { offset: 0, bytes: bytes.length };
    return scan;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = HEADER_BYTES;
  while (at < bytes.length) {
    const frame = frameAt(bytes, view, at);
    if (frame) {
      scan.records.push(frame.record);
      scan.offsets.push(at);
      at = frame.next;
      scan.validEndBytes = at;
      continue;
    }
    let resume = at + 1;
    while (resume < bytes.length && !frameAt(bytes, view, resume)) resume++;
    if (resume >= bytes.length) {
      scan.tornTail = { offset: at, bytes: bytes.length - at };
      break;
    }
    scan.corrupt.push({ offset: at, bytes: resume - at });
    at = resume;
  }
  return scan;
}
