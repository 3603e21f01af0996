/**
 * A guard in front of the stacks' HCI sockets: noble and bleno read event fields at fixed offsets
 * without checking lengths, so a malformed or truncated event from the controller (a buggy dongle,
 * a fuzzer, a damaged UART line) throws inside the socket's 'data' handler and ends the process. The
 * guard checks each packet's framing before the stacks see it (and the advertising report structure in
 * full), counts and drops what is malformed, and counts what a stack still throws on instead of crashing.
 * @module
 */
import { parseAdvertEvent } from '../btsnoop/hciEvents.js';
import { H4 } from './constants.js';

/** Running counts of one guard (shared by the sockets it guards). */
export interface HciGuardCounters {
  packetsChecked: number;
  /** Packets dropped before the stacks saw them: bad framing, lengths that do not add up. */
  malformedPackets: number;
  /** Packets a stack's handler threw on (counted; the process goes on). */
  stackErrors: number;
}

/** Minimum parameter bytes the stacks read of events they parse (Core Vol 4 Part E §7.7). */
const MIN_EVENT_PARAMS: Record<number, number> = {
  0x05: 4, // Disconnection Complete: status, handle, reason
  0x08: 4, // Encryption Change
  0x0e: 3, // Command Complete: num packets, opcode
  0x0f: 4, // Command Status: status, num packets, opcode
  0x13: 1, // Number Of Completed Packets: count, then 4 bytes per handle (checked below)
  0x3e: 2, // LE Meta: subevent, and the first field the stacks read
};

/** LE Meta subevents the stacks parse at fixed offsets: minimum parameter bytes after the subevent. */
const MIN_LE_SUBEVENT_PARAMS: Record<number, number> = {
  0x01: 18, // LE Connection Complete
  0x03: 9, // LE Connection Update Complete
  0x0a: 30, // LE Enhanced Connection Complete
};

/** Whether an H4 packet from the controller is framed so the stacks can read it safely. */
export function wellFormedHciPacket(packet: Uint8Array): boolean {
  if (packet.length < 1) return false;
  if (packet[0] === H4.event) {
    if (packet.length < 3 || packet[2] !== packet.length - 3) return false;
    const code = packet[1]!;
    const plen = packet[2];
    if (plen < (MIN_EVENT_PARAMS[code] ?? 0)) return false;
    if (code === 0x13 && plen !== 1 + 4 * packet[3]!) return false;
    if (code !== 0x3e) return true;
    const subevent = packet[3]!;
    if (plen - 1 < (MIN_LE_SUBEVENT_PARAMS[subevent] ?? 0)) return false;
    const parsed = parseAdvertEvent(packet.subarray(1));
    if (parsed.kind === 'other') return true;
    // An advertising report event must parse completely: every report whole, nothing left over.
    return (
      parsed.kind === 'reports' && parsed.reports.length === packet[4] && parsed.reports.length > 0
    );
  }
  // ACL data (this host never connects): header, the L2CAP length and CID the stacks read, lengths agreeing.
  if (packet[0] === H4.acl)
    return packet.length >= 9 && packet[3]! + (packet[4]! << 8) === packet.length - 5;
  // A command another host wrote, echoed to raw sockets: opcode and length must add up.
  if (packet[0] === H4.command) return packet.length >= 4 && packet[3] === packet.length - 4;
  return false;
}

interface GuardableSocket {
  emit: (this: GuardableSocket, event: string | symbol, ...args: unknown[]) => boolean;
}

const GUARDED = new WeakSet<object>();

/** Guards sockets, counting into one set of counters. */
export class HciEventGuard {
  readonly counters: HciGuardCounters = { packetsChecked: 0, malformedPackets: 0, stackErrors: 0 };
  /** The last error a stack threw on a packet, for diagnostics. */
  lastStackError: unknown;

  /** Puts the guard in front of `socket`'s 'data' listeners (idempotent per socket). */
  guard(socket: GuardableSocket): void {
    if (GUARDED.has(socket)) return;
    GUARDED.add(socket);
    const counters = this.counters;
    // The class's emit is looked up at each call, so taps on the class (radio record) still see data.
    socket.emit = (event: string | symbol, ...args: unknown[]): boolean => {
      const emit = (Object.getPrototypeOf(socket) as GuardableSocket).emit;
      if (event !== 'data') return emit.call(socket, event, ...args);
      counters.packetsChecked++;
      const packet = args[0];
      if (!(packet instanceof Uint8Array) || !wellFormedHciPacket(packet)) {
        counters.malformedPackets++;
        return false;
      }
      try {
        return emit.call(socket, event, ...args);
      } catch (error) {
        counters.stackErrors++;
        this.lastStackError = error;
        return true;
      }
    };
  }
}
