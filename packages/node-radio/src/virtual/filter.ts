/**
 * The HCI socket filter (Linux `struct hci_filter`, set with setsockopt HCI_FILTER): which packet types
 * and which event codes a raw socket receives.
 * @module
 */
import { H4 } from '../hci/constants.js';

export interface HciFilter {
  typeMask: number;
  eventMaskLow: number;
  eventMaskHigh: number;
}

/** Parses the 14–16-byte filter noble and bleno pass to `setFilter`; undefined when too short. */
export function parseFilter(bytes: Uint8Array): HciFilter | undefined {
  if (bytes.length < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    typeMask: view.getUint32(0, true),
    eventMaskLow: view.getUint32(4, true),
    eventMaskHigh: view.getUint32(8, true),
  };
}

/** Whether a packet passes the filter (no filter set: everything, as the stand-in's default). */
export function passesFilter(filter: HciFilter | undefined, packet: Uint8Array): boolean {
  if (!filter) return true;
  const type = packet[0]!;
  if (type > 31 || !(filter.typeMask & (1 << type))) return false;
  if (type !== H4.event) return true;
  const code = packet[1]!;
  return code < 32
    ? (filter.eventMaskLow & (1 << code)) !== 0
    : code < 64 && (filter.eventMaskHigh & (1 << (code - 32))) !== 0;
}
