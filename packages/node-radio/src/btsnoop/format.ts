/**
 * The btsnoop capture format (RFC 1761 "snoop" adapted for HCI, as BlueZ `btmon -w` and Android's HCI
 * snoop log write it): a 16-byte header ("btsnoop\0", u32 BE version 1, u32 BE datalink), then records
 * of u32 BE original length, u32 BE included length, u32 BE flags, u32 BE cumulative drops, i64 BE
 * timestamp (µs since 0000-01-01, proleptic Gregorian) and the packet bytes.
 *
 * Datalinks read and written: 1001 un-encapsulated HCI (direction and kind in the flags), 1002 HCI UART
 * (H4: the packet starts with its indicator; Android), 2001 Linux monitor (flags = adapter index << 16 |
 * opcode; `btmon -w`). Constants follow BlueZ `src/shared/btsnoop.h`.
 * @module
 */
import { FileFormatError } from '@proxsense/core';

export const BTSNOOP_MAGIC = new Uint8Array([0x62, 0x74, 0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00]);
export const BTSNOOP_VERSION = 1;
export const BTSNOOP_HEADER_BYTES = 16;
export const BTSNOOP_RECORD_HEADER_BYTES = 24;
export const DATALINK = { hci: 1001, uart: 1002, monitor: 2001 } as const;
export type Datalink = (typeof DATALINK)[keyof typeof DATALINK];
/** µs from 0000-01-01 to the Unix epoch (BlueZ: 0x00E03AB44A676000 to 2000-01-01, less 946684800 s). */
export const BTSNOOP_UNIX_EPOCH_US = 0x00dcddb30f2f8000n;
/** Linux monitor opcodes (BlueZ `BTSNOOP_OPCODE_*`). */
export const MONITOR_OPCODE = {
  newIndex: 0,
  deleteIndex: 1,
  commandPkt: 2,
  eventPkt: 3,
  aclTxPkt: 4,
  aclRxPkt: 5,
  scoTxPkt: 6,
  scoRxPkt: 7,
  openIndex: 8,
  closeIndex: 9,
  indexInfo: 10,
  vendorDiag: 11,
  systemNote: 12,
  userLogging: 13,
  ctrlOpen: 14,
  ctrlClose: 15,
  ctrlCommand: 16,
  ctrlEvent: 17,
  isoTxPkt: 18,
  isoRxPkt: 19,
} as const;
const MAX_MONITOR_OPCODE = 19;

/** One btsnoop record as stored. */
export interface BtsnoopRecord {
  /** Microseconds since the Unix epoch (may be negative for bogus clocks). */
  timeUs: bigint;
  flags: number;
  /** Packet length before capture truncation. */
  originalLength: number;
  drops: number;
  packet: Uint8Array;
}

/** An HCI packet recovered from a record, whatever the datalink. */
export type HciPacket =
  | { kind: 'event'; adapter: number; bytes: Uint8Array }
  | { kind: 'command' | 'acl' | 'sco' | 'iso' | 'meta'; adapter: number }
  | { kind: 'unknown'; reason: string };

/** Reads the header. @throws FileFormatError naming the source, what was found and what was expected. */
export function readBtsnoopHeader(bytes: Uint8Array, source: string): Datalink {
  if (bytes.length < BTSNOOP_HEADER_BYTES)
    throw new FileFormatError(
      source,
      `expected a btsnoop file (16-byte header "btsnoop\\0"), got ${bytes.length} bytes`,
    );
  for (let i = 0; i < BTSNOOP_MAGIC.length; i++) {
    if (bytes[i] !== BTSNOOP_MAGIC[i])
      throw new FileFormatError(
        source,
        'expected a btsnoop file (header "btsnoop\\0", as btmon -w or Android\'s HCI snoop log write), got other bytes',
      );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, BTSNOOP_HEADER_BYTES);
  const version = view.getUint32(8);
  if (version !== BTSNOOP_VERSION)
    throw new FileFormatError(source, `header.version: expected 1, got ${version}`);
  const datalink = view.getUint32(12);
  if (datalink !== DATALINK.hci && datalink !== DATALINK.uart && datalink !== DATALINK.monitor) {
    throw new FileFormatError(
      source,
      `header.datalink: expected 1001 (HCI), 1002 (HCI UART H4) or 2001 (Linux monitor), got ${datalink}`,
    );
  }
  return datalink;
}

/** Records after the header; a last record cut short is returned as `truncated`. Never throws. */
export function* btsnoopRecords(
  bytes: Uint8Array,
): Generator<{ record: BtsnoopRecord } | { truncated: string }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = BTSNOOP_HEADER_BYTES;
  while (at < bytes.length) {
    if (at + BTSNOOP_RECORD_HEADER_BYTES > bytes.length) {
      yield { truncated: `record header at byte ${at}: ${bytes.length - at} of 24 bytes` };
      return;
    }
    const originalLength = view.getUint32(at);
    const included = view.getUint32(at + 4);
    const flags = view.getUint32(at + 8);
    const drops = view.getUint32(at + 12);
    const timeUs = view.getBigInt64(at + 16) - BTSNOOP_UNIX_EPOCH_US;
    const start = at + BTSNOOP_RECORD_HEADER_BYTES;
    if (start + included > bytes.length) {
      yield {
        truncated: `record at byte ${at}: ${included} packet bytes declared, ${bytes.length - start} present`,
      };
      return;
    }
    at = start + included;
    yield {
      record: {
        timeUs,
        flags,
        originalLength,
        drops,
        packet: bytes.subarray(start, start + included),
      },
    };
  }
}

/** The HCI packet a record holds under `datalink`. */
export function hciPacketOf(datalink: Datalink, record: BtsnoopRecord): HciPacket {
  if (datalink === DATALINK.monitor) {
    const opcode = record.flags & 0xffff;
    const adapter = record.flags >>> 16;
    if (opcode === MONITOR_OPCODE.eventPkt) return { kind: 'event', adapter, bytes: record.packet };
    if (opcode === MONITOR_OPCODE.commandPkt) return { kind: 'command', adapter };
    if (opcode === MONITOR_OPCODE.aclTxPkt || opcode === MONITOR_OPCODE.aclRxPkt)
      return { kind: 'acl', adapter };
    if (opcode === MONITOR_OPCODE.scoTxPkt || opcode === MONITOR_OPCODE.scoRxPkt)
      return { kind: 'sco', adapter };
    if (opcode === MONITOR_OPCODE.isoTxPkt || opcode === MONITOR_OPCODE.isoRxPkt)
      return { kind: 'iso', adapter };
    if (opcode <= MAX_MONITOR_OPCODE) return { kind: 'meta', adapter };
    return { kind: 'unknown', reason: `monitor opcode ${opcode}` };
  }
  if (datalink === DATALINK.hci) {
    // Flags bit 0: received (1) or sent (0); bit 1: command/event (1) or data (0).
    if ((record.flags & 3) === 3) return { kind: 'event', adapter: 0, bytes: record.packet };
    return { kind: (record.flags & 2) === 2 ? 'command' : 'acl', adapter: 0 };
  }
  const indicator = record.packet[0];
  if (indicator === 0x04) return { kind: 'event', adapter: 0, bytes: record.packet.subarray(1) };
  if (indicator === 0x01) return { kind: 'command', adapter: 0 };
  if (indicator === 0x02) return { kind: 'acl', adapter: 0 };
  if (indicator === 0x03) return { kind: 'sco', adapter: 0 };
  if (indicator === 0x05) return { kind: 'iso', adapter: 0 };
  return {
    kind: 'unknown',
    reason:
      indicator === undefined
        ? 'empty H4 packet'
        : `H4 packet indicator 0x${indicator.toString(16).padStart(2, '0')}`,
  };
}
