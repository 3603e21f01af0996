/**
 * Writes btsnoop captures that `btmon -r` and Wireshark read: Linux monitor (2001, the default, what
 * `btmon -w` writes; it starts with New Index and Open Index records for the adapter) or HCI UART H4
 * (1002, Android's HCI snoop log).
 * @module
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { concatBytes } from '@proxsense/core';
import {
  BTSNOOP_HEADER_BYTES,
  BTSNOOP_MAGIC,
  BTSNOOP_RECORD_HEADER_BYTES,
  BTSNOOP_UNIX_EPOCH_US,
  BTSNOOP_VERSION,
  DATALINK,
  MONITOR_OPCODE,
  type Datalink,
} from './format.js';

/** Options of {@link BtsnoopWriter}. */
export interface BtsnoopWriterOptions {
  /** Default 2001 (Linux monitor). */
  datalink?: Extract<Datalink, 1002 | 2001>;
  /** Monitor adapter index (hciN); default 0. */
  adapter?: number;
  /** The adapter's own address for the New Index record, 6 bytes little-endian; default all zeros. */
  address?: Uint8Array;
  /** Adapter name for the New Index record (≤ 8 bytes); default `hci<adapter>`. */
  name?: string;
}

/** Encodes btsnoop bytes packet by packet. */
export class BtsnoopWriter {
  readonly datalink: Extract<Datalink, 1002 | 2001>;
  private readonly adapter: number;
  private readonly address: Uint8Array;
  private readonly name: string;

  constructor(options: BtsnoopWriterOptions = {}) {
    this.datalink = options.datalink ?? DATALINK.monitor;
    this.adapter = options.adapter ?? 0;
    this.address = options.address ?? new Uint8Array(6);
    this.name = options.name ?? `hci${this.adapter}`;
  }

  /** The file header, and for the monitor datalink the adapter's New Index and Open Index records. */
  start(timeMs: number): Uint8Array {
    const header = new Uint8Array(BTSNOOP_HEADER_BYTES);
    const view = new DataView(header.buffer);
    header.set(BTSNOOP_MAGIC);
    view.setUint32(8, BTSNOOP_VERSION);
    view.setUint32(12, this.datalink);
    if (this.datalink !== DATALINK.monitor) return header;
    // struct btsnoop_opcode_new_index: type (0 primary), bus (0 virtual), bdaddr[6], name[8].
    const newIndex = new Uint8Array(16);
    newIndex.set(this.address, 2);
    newIndex.set(new TextEncoder().encode(this.name).subarray(0, 8), 8);
    return concatBytes(
      header,
      this.record(timeMs, (this.adapter << 16) | MONITOR_OPCODE.newIndex, newIndex),
      this.record(timeMs, (this.adapter << 16) | MONITOR_OPCODE.openIndex, new Uint8Array(0)),
    );
  }

  /** A record of an HCI event received from the controller (event code, length, parameters). */
  event(timeMs: number, hciEvent: Uint8Array): Uint8Array {
    if (this.datalink === DATALINK.monitor)
      return this.record(timeMs, (this.adapter << 16) | MONITOR_OPCODE.eventPkt, hciEvent);
    return this.record(timeMs, 0x03, concatBytes(Uint8Array.of(0x04), hciEvent));
  }

  /** A record of an HCI command sent to the controller (opcode LE, length, parameters). */
  command(timeMs: number, hciCommand: Uint8Array): Uint8Array {
    if (this.datalink === DATALINK.monitor)
      return this.record(timeMs, (this.adapter << 16) | MONITOR_OPCODE.commandPkt, hciCommand);
    return this.record(timeMs, 0x02, concatBytes(Uint8Array.of(0x01), hciCommand));
  }

  private record(timeMs: number, flags: number, packet: Uint8Array): Uint8Array {
    const out = new Uint8Array(BTSNOOP_RECORD_HEADER_BYTES + packet.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, packet.length);
    view.setUint32(4, packet.length);
    view.setUint32(8, flags >>> 0);
    view.setUint32(12, 0);
    view.setBigInt64(16, BigInt(Math.round(timeMs * 1000)) + BTSNOOP_UNIX_EPOCH_US);
    out.set(packet, BTSNOOP_RECORD_HEADER_BYTES);
    return out;
  }
}

/** A btsnoop file being written; each packet goes to the file as it comes (a crash keeps what was written). */
export class BtsnoopFile {
  private readonly writer: BtsnoopWriter;
  private fd: number | undefined;

  constructor(
    readonly path: string,
    startMs: number,
    options: BtsnoopWriterOptions = {},
  ) {
    this.writer = new BtsnoopWriter(options);
    this.fd = openSync(path, 'w');
    this.write(this.writer.start(startMs));
  }

  event(timeMs: number, hciEvent: Uint8Array): void {
    this.write(this.writer.event(timeMs, hciEvent));
  }

  command(timeMs: number, hciCommand: Uint8Array): void {
    this.write(this.writer.command(timeMs, hciCommand));
  }

  /** Flushes to disk and closes. */
  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private write(bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`btsnoop file ${this.path} is closed`);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
  }
}
