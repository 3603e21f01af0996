/**
 * HCI LE Advertising Report events (Bluetooth Core Specification v5.x, Vol 4 Part E §7.7.65.2 legacy,
 * §7.7.65.13 extended): parsing, never throwing, and encoding (for the btsnoop writer and tests).
 * Reports are laid out one after another, as every controller sends them and as Linux and BlueZ read them.
 * @module
 */

import { EVENT, LE_ADVERTISING_REPORT, LE_EXTENDED_ADVERTISING_REPORT } from '../hci/constants.js';

/** LE Meta event code. */
export const LE_META_EVENT = EVENT.leMeta;
/** "RSSI not available" (127) in both report kinds; also "TX power not available" in extended reports. */
export const RSSI_NOT_AVAILABLE = 127;
/** Longest legacy advertising data, bytes. */
export const LEGACY_ADV_DATA_MAX = 31;
const LEGACY_FIXED_BYTES = 1 + 1 + 6 + 1; // event type, address type, address, data length (+ data + RSSI)
const EXTENDED_FIXED_BYTES = 24;

/** One advertising report. */
export interface AdvertReport {
  kind: 'legacy' | 'extended';
  /** Legacy: ADV_IND 0 … SCAN_RSP 4; extended: the 16-bit event type bit field. */
  eventType: number;
  /** 0 public, 1 random, 2/3 resolved identity addresses (Vol 4 Part E §7.7.65.2). */
  addressType: number;
  /** Advertiser address, 6 bytes little-endian as on the wire. */
  address: Uint8Array;
  /** dBm, or 127 when the controller did not measure it. */
  rssiDbm: number;
  /** Extended reports only: advertised TX power, dBm, or 127 when absent. */
  txPowerDbm?: number;
  /** Extended reports only: bits 5–6 of the event type, 0 complete, 1 more to come, 2 truncated. */
  dataStatus?: number;
  data: Uint8Array;
}

/** Result of parsing one HCI event. */
export type AdvertEventParse =
  | { kind: 'reports'; reports: AdvertReport[] }
  /** Not an advertising report (another event or LE subevent): not our business, counted by the caller. */
  | { kind: 'other' }
  /** An advertising report event whose lengths do not add up: some reports may have been read first. */
  | { kind: 'truncated'; reports: AdvertReport[]; reason: string };

/**
 * Parses an HCI event packet (event code, parameter length, parameters; no H4 indicator). Never throws.
 */
export function parseAdvertEvent(event: Uint8Array): AdvertEventParse {
  if (event.length < 2)
    return {
      kind: 'truncated',
      reports: [],
      reason: `HCI event of ${event.length} bytes, shorter than its 2-byte header`,
    };
  if (event[0] !== LE_META_EVENT) return { kind: 'other' };
  const plen = event[1]!;
  if (event.length - 2 < plen)
    return {
      kind: 'truncated',
      reports: [],
      reason: `LE Meta event declares ${plen} parameter bytes, has ${event.length - 2}`,
    };
  const params = event.subarray(2, 2 + plen);
  if (params.length < 1)
    return { kind: 'truncated', reports: [], reason: 'LE Meta event without a subevent code' };
  const subevent = params[0]!;
  if (subevent !== LE_ADVERTISING_REPORT && subevent !== LE_EXTENDED_ADVERTISING_REPORT)
    return { kind: 'other' };
  if (params.length < 2)
    return {
      kind: 'truncated',
      reports: [],
      reason: 'advertising report event without Num_Reports',
    };
  const count = params[1]!;
  const reports: AdvertReport[] = [];
  let at = 2;
  const cut = (reason: string): AdvertEventParse => ({ kind: 'truncated', reports, reason });
  for (let i = 0; i < count; i++) {
    if (subevent === LE_ADVERTISING_REPORT) {
      if (at + LEGACY_FIXED_BYTES > params.length)
        return cut(`report ${i + 1} of ${count}: header runs past the event`);
      const length = params[at + 8]!;
      if (length > LEGACY_ADV_DATA_MAX)
        return cut(`report ${i + 1} of ${count}: Data_Length ${length} > 31`);
      if (at + LEGACY_FIXED_BYTES + length + 1 > params.length)
        return cut(`report ${i + 1} of ${count}: data and RSSI run past the event`);
      reports.push({
        kind: 'legacy',
        eventType: params[at]!,
        addressType: params[at + 1]!,
        address: params.slice(at + 2, at + 8),
        data: params.slice(at + 9, at + 9 + length),
        rssiDbm: toInt8(params[at + 9 + length]!),
      });
      at += LEGACY_FIXED_BYTES + length + 1;
    } else {
      if (at + EXTENDED_FIXED_BYTES > params.length)
        return cut(`report ${i + 1} of ${count}: header runs past the event`);
      const length = params[at + 23]!;
      if (at + EXTENDED_FIXED_BYTES + length > params.length)
        return cut(`report ${i + 1} of ${count}: data runs past the event`);
      const eventType = params[at]! | (params[at + 1]! << 8);
      reports.push({
        kind: 'extended',
        eventType,
        addressType: params[at + 2]!,
        address: params.slice(at + 3, at + 9),
        txPowerDbm: toInt8(params[at + 12]!),
        rssiDbm: toInt8(params[at + 13]!),
        dataStatus: (eventType >> 5) & 3,
        data: params.slice(at + 24, at + 24 + length),
      });
      at += EXTENDED_FIXED_BYTES + length;
    }
  }
  if (at !== params.length)
    return cut(`${params.length - at} bytes after the last of ${count} reports`);
  return { kind: 'reports', reports };
}

const toInt8 = (b: number) => (b > 127 ? b - 256 : b);
const fromInt8 = (v: number) => v & 0xff;

/** What {@link encodeLegacyAdvertReport} needs per report. */
export interface LegacyReportInput {
  eventType?: number;
  addressType?: number;
  address: Uint8Array;
  data: Uint8Array;
  rssiDbm: number;
}

/** The HCI event bytes (no H4 indicator) of an LE Advertising Report with these reports. */
export function encodeLegacyAdvertReport(reports: readonly LegacyReportInput[]): Uint8Array {
  const body: number[] = [LE_ADVERTISING_REPORT, reports.length];
  for (const r of reports)
    body.push(
      r.eventType ?? 0x03,
      r.addressType ?? 0x01,
      ...r.address,
      r.data.length,
      ...r.data,
      fromInt8(r.rssiDbm),
    );
  return metaEvent(body);
}

/** What {@link encodeExtendedAdvertReport} needs per report. */
export interface ExtendedReportInput extends LegacyReportInput {
  txPowerDbm?: number;
}

/** The HCI event bytes of an LE Extended Advertising Report (legacy PDUs on LE 1M unless `eventType` says else). */
export function encodeExtendedAdvertReport(reports: readonly ExtendedReportInput[]): Uint8Array {
  const body: number[] = [LE_EXTENDED_ADVERTISING_REPORT, reports.length];
  for (const r of reports) {
    // 0x0010: legacy PDU, non-connectable non-scannable undirected (ADV_NONCONN_IND), data complete.
    const eventType = r.eventType ?? 0x0010;
    body.push(
      eventType & 0xff,
      eventType >> 8,
      r.addressType ?? 0x01,
      ...r.address,
      0x01,
      0x00,
      0xff,
      fromInt8(r.txPowerDbm ?? RSSI_NOT_AVAILABLE),
      fromInt8(r.rssiDbm),
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      r.data.length,
      ...r.data,
    );
  }
  return metaEvent(body);
}

function metaEvent(body: number[]): Uint8Array {
  if (body.length > 255)
    throw new RangeError(
      `LE Meta event parameters of ${body.length} bytes: an HCI event holds at most 255; put fewer reports in it`,
    );
  return Uint8Array.from([LE_META_EVENT, body.length, ...body]);
}

/** An address as Bluetooth tools print it, most significant byte first: `C0:11:22:33:44:55`. */
export function formatAddress(address: Uint8Array): string {
  return [...address]
    .reverse()
    .map((b) => b.toString(16).padStart(2, '0').toUpperCase())
    .join(':');
}
