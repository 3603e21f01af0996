/**
 * Building and reading H4-framed HCI packets: commands (as a host writes them) and the events a
 * controller answers with. Every reader returns `undefined` on a short or inconsistent packet instead of
 * throwing, so a malformed packet is counted and dropped by its caller.
 * @module
 */
import { EVENT, H4, LE_ADVERTISING_REPORT } from './constants.js';

/** A command packet: indicator, opcode (LE), parameter length, parameters. */
export function commandPacket(opcode: number, params: ArrayLike<number> = []): Buffer {
  const out = Buffer.alloc(4 + params.length);
  out[0] = H4.command;
  out.writeUInt16LE(opcode, 1);
  out[3] = params.length;
  for (let i = 0; i < params.length; i++) out[4 + i] = params[i]!;
  return out;
}

/** A command as read from a packet. */
export interface HciCommand {
  opcode: number;
  params: Buffer;
}

/** Reads a command packet; undefined when it is not one or its length field disagrees. */
export function readCommand(packet: Buffer): HciCommand | undefined {
  if (packet.length < 4 || packet[0] !== H4.command) return undefined;
  const length = packet[3]!;
  if (packet.length !== 4 + length) return undefined;
  return { opcode: packet.readUInt16LE(1), params: packet.subarray(4) };
}

function eventPacket(code: number, params: Buffer): Buffer {
  return Buffer.concat([Buffer.from([H4.event, code, params.length]), params]);
}

/** Command Complete (§7.7.14): one more command allowed, the opcode, status and return parameters. */
export function commandCompleteEvent(
  opcode: number,
  status: number,
  returns: ArrayLike<number> = [],
): Buffer {
  const params = Buffer.alloc(4 + returns.length);
  params[0] = 1;
  params.writeUInt16LE(opcode, 1);
  params[3] = status;
  for (let i = 0; i < returns.length; i++) params[4 + i] = returns[i]!;
  return eventPacket(EVENT.commandComplete, params);
}

/** What a Command Complete event says. */
export interface CommandComplete {
  opcode: number;
  status: number;
  returns: Buffer;
}

/** Reads a Command Complete event; undefined for any other or a malformed packet. */
export function readCommandComplete(packet: Buffer): CommandComplete | undefined {
  if (packet.length < 7 || packet[0] !== H4.event || packet[1] !== EVENT.commandComplete)
    return undefined;
  if (packet[2] !== packet.length - 3) return undefined;
  return { opcode: packet.readUInt16LE(4), status: packet[6]!, returns: packet.subarray(7) };
}

/** One report of an LE Advertising Report event. */
export interface AdvertisingReport {
  eventType: number;
  addressType: number;
  /** 6 bytes, LSB first (as on the wire). */
  address: Uint8Array;
  data: Uint8Array;
  rssiDbm: number;
}

/** LE Advertising Report (§7.7.65.2) holding one report. */
export function advertisingReportEvent(report: AdvertisingReport): Buffer {
  const params = Buffer.alloc(2 + 1 + 1 + 6 + 1 + report.data.length + 1);
  let at = 0;
  params[at++] = LE_ADVERTISING_REPORT;
  params[at++] = 1;
  params[at++] = report.eventType;
  params[at++] = report.addressType;
  params.set(report.address, at);
  at += 6;
  params[at++] = report.data.length;
  params.set(report.data, at);
  at += report.data.length;
  params.writeInt8(Math.max(-127, Math.min(20, Math.round(report.rssiDbm))), at);
  return eventPacket(EVENT.leMeta, params);
}
