/**
 * A sighting: one advertisement (or a scan's aggregate of them) of a rotating ID, as a scanner saw it,
 * and its JSONL line format shared by every package:
 * `{"t": ms, "scheme": "gaen"|"bluezone", "id": hex, "rssi": dBm, "tx"?: dBm, "aem"?: hex, "scanner"?: string}`.
 * @module
 */
import { bytesToHex, describeValue, hexToBytes } from '../bytes/index.js';
import { assertEraTimeMs } from '../era.js';
import { InputError, ProxsenseError } from '../errors.js';
import { BLUEZONE_ID_BYTES } from '../ids/bluezone/keySchedule.js';
import type { SchemeName } from '../ids/diagnosisKey.js';
import { AEM_BYTES, RPI_BYTES } from '../ids/gaen/constants.js';

/** One sighting of a rotating ID. */
export interface Sighting {
  /** When it was seen, ms since the Unix epoch. */
  timeMs: number;
  scheme: SchemeName;
  /** The broadcast ID: 16-byte RPI (GAEN) or 12-byte Bluezone ID. */
  id: Uint8Array;
  /** Received signal strength, dBm. */
  rssiDbm: number;
  /** Advertised or decrypted transmit power, dBm, when known. */
  txPowerDbm?: number;
  /** GAEN's 4-byte Associated Encrypted Metadata as received. */
  aem?: Uint8Array;
  /** Which scanner logged it (device name, dongle address). */
  scanner?: string;
}

/** Bytes of the ID each scheme broadcasts. */
export const ID_BYTES: Record<SchemeName, number> = {
  gaen: RPI_BYTES,
  bluezone: BLUEZONE_ID_BYTES,
};

/** RSSI a BLE controller can report, dBm (HCI LE Advertising Report: −127..+20, Core Spec Vol 4 Part E §7.7.65.2). */
export const RSSI_RANGE_DBM = [-127, 20] as const;
/**
 * TX power a phone or dongle plausibly advertises, dBm: GAEN's own matching bounds (−50, below any
 * phone's calibrated value; the metadata byte could say −127) up to power class 1's +20 dBm (Core Spec
 * Vol 6 Part A §3), the most any BLE radio may transmit. Every reader (sightings, calibration tables,
 * estimate rows) checks this one range.
 */
export const TX_POWER_RANGE_DBM = [-50, 20] as const;

/** A sightings line that could not be read; carries the line number. */
export class SightingFormatError extends ProxsenseError {
  constructor(
    readonly source: string,
    readonly lineNumber: number,
    readonly reason: string,
  ) {
    super(`${source}:${lineNumber}: ${reason}`);
  }
}

/**
 * Parses one JSONL line. `source` and `lineNumber` go into the error.
 * @throws SightingFormatError naming the line, the field and what was expected.
 */
export function parseSightingLine(
  line: string,
  lineNumber: number,
  source = 'sightings',
): Sighting {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new SightingFormatError(source, lineNumber, `not valid JSON (${describeValue(line)})`);
  }
  try {
    return sightingFromJson(raw);
  } catch (error) {
    if (error instanceof InputError)
      throw new SightingFormatError(source, lineNumber, error.message);
    throw error;
  }
}

/** Validates a parsed JSON object as a sighting. @throws InputError naming the field. */
export function sightingFromJson(raw: unknown): Sighting {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InputError('line', 'a JSON object', describeValue(raw));
  const o = raw as Record<string, unknown>;
  const t = assertEraTimeMs(o['t'], 't');
  const scheme = o['scheme'];
  if (scheme !== 'gaen' && scheme !== 'bluezone')
    throw new InputError('scheme', '"gaen" or "bluezone"', describeValue(scheme));
  const id = hexToBytes(o['id'], 'id', ID_BYTES[scheme]);
  const rssi = o['rssi'];
  if (
    typeof rssi !== 'number' ||
    !Number.isFinite(rssi) ||
    rssi < RSSI_RANGE_DBM[0] ||
    rssi > RSSI_RANGE_DBM[1]
  ) {
    throw new InputError(
      'rssi',
      `an RSSI in dBm between ${RSSI_RANGE_DBM[0]} and ${RSSI_RANGE_DBM[1]}`,
      describeValue(rssi),
    );
  }
  const sighting: Sighting = { timeMs: t, scheme, id, rssiDbm: rssi };
  if (o['tx'] !== undefined) {
    const tx = o['tx'];
    if (
      typeof tx !== 'number' ||
      !Number.isFinite(tx) ||
      tx < TX_POWER_RANGE_DBM[0] ||
      tx > TX_POWER_RANGE_DBM[1]
    ) {
      throw new InputError(
        'tx',
        `a TX power in dBm between ${TX_POWER_RANGE_DBM[0]} and ${TX_POWER_RANGE_DBM[1]}`,
        describeValue(tx),
      );
    }
    sighting.txPowerDbm = tx;
  }
  if (o['aem'] !== undefined) {
    if (scheme !== 'gaen')
      throw new InputError(
        'aem',
        'no "aem" on a bluezone sighting (only GAEN adverts carry metadata)',
        describeValue(o['aem']),
      );
    sighting.aem = hexToBytes(o['aem'], 'aem', AEM_BYTES);
  }
  if (o['scanner'] !== undefined) {
    if (typeof o['scanner'] !== 'string')
      throw new InputError('scanner', 'a string', describeValue(o['scanner']));
    sighting.scanner = o['scanner'];
  }
  return sighting;
}

/** The JSONL line of a sighting (no trailing newline); fields in the documented order. */
export function formatSightingLine(s: Sighting): string {
  const o: Record<string, unknown> = {
    t: s.timeMs,
    scheme: s.scheme,
    id: bytesToHex(s.id),
    rssi: s.rssiDbm,
  };
  if (s.txPowerDbm !== undefined) o['tx'] = s.txPowerDbm;
  if (s.aem !== undefined) o['aem'] = bytesToHex(s.aem);
  if (s.scanner !== undefined) o['scanner'] = s.scanner;
  return JSON.stringify(o);
}

/** How {@link parseSightingsText} treats a bad line. */
export type BadLinePolicy = 'skip' | 'fail';

/** Result of reading many lines: the good sightings and every bad line, reported. */
export interface SightingsReadResult {
  sightings: Sighting[];
  badLines: SightingFormatError[];
}

/**
 * Parses JSONL text (or any iterable of lines). Blank lines are ignored. With `onBadLine: 'skip'` bad
 * lines are collected in `badLines` (never silently dropped); with `'fail'` the first one throws.
 */
export function parseSightingsLines(
  lines: Iterable<string>,
  { source = 'sightings', onBadLine = 'fail' } = {},
): SightingsReadResult {
  const result: SightingsReadResult = { sightings: [], badLines: [] };
  let lineNumber = 0;
  for (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    try {
      result.sightings.push(parseSightingLine(line, lineNumber, source));
    } catch (error) {
      if (onBadLine === 'fail' || !(error instanceof SightingFormatError)) throw error;
      result.badLines.push(error);
    }
  }
  return result;
}
