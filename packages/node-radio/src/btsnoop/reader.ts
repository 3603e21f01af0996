/**
 * Reads a btsnoop capture into advert receptions and GAEN / Bluezone sightings: every LE Advertising
 * Report (legacy and extended, any number of reports per event) is decoded with the core advert codec.
 * Anything else is counted by kind; unknown or truncated records and events are counted and described,
 * never thrown (only a file that is not btsnoop at all fails, in one line).
 * @module
 */
import { decodeAdvert, type Sighting } from '@proxsense/core';
import { btsnoopRecords, hciPacketOf, readBtsnoopHeader, type Datalink } from './format.js';
import {
  formatAddress,
  parseAdvertEvent,
  RSSI_NOT_AVAILABLE,
  type AdvertReport,
} from './hciEvents.js';

/** One advertising report heard, with when and from which adapter. */
export interface AdvertReception {
  timeMs: number;
  adapter: number;
  report: AdvertReport;
}

/** Counts of what a capture held. */
export interface CaptureCounts {
  records: number;
  /** Records cut short (the capture ended inside one, or it was captured with a snap length). */
  truncatedRecords: number;
  /** Records of unknown packet types or monitor opcodes. */
  unknownRecords: number;
  /** Commands, ACL/SCO/ISO data, events other than advertising reports, monitor notes: not adverts. */
  otherPackets: number;
  advertEvents: number;
  /** Advertising report events whose lengths do not add up (reports before the damage are kept). */
  truncatedEvents: number;
  reports: number;
  /** Reports without a usable RSSI (127 "not available", or outside −127…20 dBm): dropped. */
  reportsWithoutRssi: number;
  /** Extended reports whose data is a fragment (more to come) or cut by the controller: dropped. */
  reportsIncompleteData: number;
  /** Records timed before the Unix epoch: dropped. */
  badTimestamps: number;
  advertsNotOurs: number;
  advertsMalformed: number;
  /** Bluezone service UUID without the ID (iOS): the ID is read over GATT, not in the capture. */
  advertsNeedingGatt: number;
  sightings: number;
}

/** What a capture gave. */
export interface CaptureRead {
  datalink: Datalink;
  receptions: AdvertReception[];
  /** One per GAEN or Bluezone advert, in capture order, with the advertiser's address. */
  sightings: { sighting: Sighting; address: string }[];
  counts: CaptureCounts;
  /** The first problems found (truncations, unknown records), each with where: at most 20. */
  problems: string[];
}

/** Options of {@link readBtsnoop}. */
export interface ReadBtsnoopOptions {
  /** Written as `scanner` into every sighting; default none. */
  scanner?: string;
}

const PROBLEMS_KEPT = 20;

/**
 * Reads a whole capture. @throws FileFormatError when the bytes are not a btsnoop file of a supported
 * datalink; everything after a valid header is counted, never thrown.
 */
export function readBtsnoop(
  bytes: Uint8Array,
  source: string,
  options: ReadBtsnoopOptions = {},
): CaptureRead {
  const datalink = readBtsnoopHeader(bytes, source);
  const counts: CaptureCounts = {
    records: 0,
    truncatedRecords: 0,
    unknownRecords: 0,
    otherPackets: 0,
    advertEvents: 0,
    truncatedEvents: 0,
    reports: 0,
    reportsWithoutRssi: 0,
    reportsIncompleteData: 0,
    badTimestamps: 0,
    advertsNotOurs: 0,
    advertsMalformed: 0,
    advertsNeedingGatt: 0,
    sightings: 0,
  };
  const read: CaptureRead = { datalink, receptions: [], sightings: [], counts, problems: [] };
  const problem = (text: string) => {
    if (read.problems.length < PROBLEMS_KEPT) read.problems.push(`${source}: ${text}`);
  };
  let index = 0;
  for (const item of btsnoopRecords(bytes)) {
    if ('truncated' in item) {
      counts.truncatedRecords++;
      problem(item.truncated);
      break;
    }
    index++;
    counts.records++;
    const { record } = item;
    if (record.packet.length < record.originalLength) {
      counts.truncatedRecords++;
      problem(
        `record ${index}: captured ${record.packet.length} of ${record.originalLength} bytes`,
      );
      continue;
    }
    const packet = hciPacketOf(datalink, record);
    if (packet.kind === 'unknown') {
      counts.unknownRecords++;
      problem(`record ${index}: unknown ${packet.reason}`);
      continue;
    }
    if (packet.kind !== 'event') {
      counts.otherPackets++;
      continue;
    }
    const parsed = parseAdvertEvent(packet.bytes);
    if (parsed.kind === 'other') {
      counts.otherPackets++;
      continue;
    }
    counts.advertEvents++;
    if (parsed.kind === 'truncated') {
      counts.truncatedEvents++;
      problem(`record ${index}: truncated advertising report event: ${parsed.reason}`);
    }
    if (record.timeUs < 0n) {
      counts.badTimestamps++;
      problem(`record ${index}: timestamp before 1970`);
      continue;
    }
    const timeMs = Number(record.timeUs / 1000n);
    for (const report of parsed.reports) {
      counts.reports++;
      read.receptions.push({ timeMs, adapter: packet.adapter, report });
      addSighting(read, timeMs, report, options);
    }
  }
  return read;
}

function addSighting(
  read: CaptureRead,
  timeMs: number,
  report: AdvertReport,
  options: ReadBtsnoopOptions,
): void {
  const counts = read.counts;
  if (report.rssiDbm === RSSI_NOT_AVAILABLE || report.rssiDbm < -127 || report.rssiDbm > 20)
    return void counts.reportsWithoutRssi++;
  if (report.dataStatus !== undefined && report.dataStatus !== 0)
    return void counts.reportsIncompleteData++;
  const decoded = decodeAdvert(report.data);
  let sighting: Sighting;
  if (decoded.kind === 'gaen')
    sighting = {
      timeMs,
      scheme: 'gaen',
      id: decoded.rpi,
      rssiDbm: report.rssiDbm,
      aem: decoded.aem,
    };
  else if (decoded.kind === 'bluezone')
    sighting = { timeMs, scheme: 'bluezone', id: decoded.id, rssiDbm: report.rssiDbm };
  else if (decoded.kind === 'malformed') return void counts.advertsMalformed++;
  else if (decoded.kind === 'bluezone-gatt') return void counts.advertsNeedingGatt++;
  else return void counts.advertsNotOurs++;
  if (report.txPowerDbm !== undefined && report.txPowerDbm !== RSSI_NOT_AVAILABLE)
    sighting.txPowerDbm = report.txPowerDbm;
  if (options.scanner !== undefined) sighting.scanner = options.scanner;
  counts.sightings++;
  read.sightings.push({ sighting, address: formatAddress(report.address) });
}
