/**
 * Exposure windows as the risk rules read them (GAEN `ExposureWindow` fields), from `episodes --json`
 * output or a bare array.
 * @module
 */
import { describeValue } from '../bytes/index.js';
import { assertEraTimeMs } from '../era.js';
import { FileFormatError, InputError } from '../errors.js';
import { RSSI_RANGE_DBM } from '../sightings/sighting.js';

/** A windows file or rule parameters that cannot be used; names the file and the field. */
export class RiskInputError extends FileFormatError {}

/** The fields of an exposure window the rules read. */
export interface RiskWindow {
  dateMillisSinceEpoch: number;
  reportType: number;
  infectiousness: number;
  calibrationConfidence: number;
  scanInstances: {
    minAttenuationDb: number;
    typicalAttenuationDb: number;
    secondsSinceLastScan: number;
    maxRssiDbm?: number;
  }[];
  contact?: string;
}

/** Reads `{"windows": [...]}` (what `episodes --json` prints) or a bare array of windows. */
export function parseWindowsJson(text: string, source: string): RiskWindow[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RiskInputError(source, `invalid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(raw) ? raw : (raw as Record<string, unknown> | null)?.['windows'];
  if (!Array.isArray(list))
    throw new RiskInputError(
      source,
      `expected {"windows": [...]} or an array of exposure windows, got ${describeValue(raw)}`,
    );
  const prefix = Array.isArray(raw) ? '' : 'windows';
  return list.map((w, i) => {
    const where = `${prefix}[${i}]`;
    if (typeof w !== 'object' || w === null || Array.isArray(w))
      throw new RiskInputError(
        source,
        `${where}: expected an exposure window object, got ${describeValue(w)}`,
      );
    const o = w as Record<string, unknown>;
    const int = (
      v: unknown,
      field: string,
      min: number,
      max: number,
      fallback?: number,
    ): number => {
      if (v === undefined && fallback !== undefined) return fallback;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
        throw new RiskInputError(
          source,
          `${field}: expected an integer ${min}..${max}, got ${describeValue(v)}`,
        );
      return v;
    };
    const inEra = (read: () => number): number => {
      try {
        return read();
      } catch (error) {
        if (error instanceof InputError) throw new RiskInputError(source, error.message);
        throw error;
      }
    };
    const si = o['scanInstances'];
    if (!Array.isArray(si))
      throw new RiskInputError(
        source,
        `${where}.scanInstances: expected an array of scan instances, got ${describeValue(si)}`,
      );
    const window: RiskWindow = {
      dateMillisSinceEpoch: inEra(() =>
        assertEraTimeMs(o['dateMillisSinceEpoch'], `${where}.dateMillisSinceEpoch`),
      ),
      reportType: int(o['reportType'], `${where}.reportType`, 0, 5),
      infectiousness: int(o['infectiousness'], `${where}.infectiousness`, 0, 2),
      calibrationConfidence: int(
        o['calibrationConfidence'],
        `${where}.calibrationConfidence`,
        0,
        3,
        0,
      ),
      scanInstances: si.map((s, j) => {
        const at = `${where}.scanInstances[${j}]`;
        if (typeof s !== 'object' || s === null)
          throw new RiskInputError(
            source,
            `${at}: expected a scan instance object, got ${describeValue(s)}`,
          );
        const r = s as Record<string, unknown>;
        const inst: RiskWindow['scanInstances'][number] = {
          minAttenuationDb: int(r['minAttenuationDb'], `${at}.minAttenuationDb`, 0, 255),
          typicalAttenuationDb: int(
            r['typicalAttenuationDb'],
            `${at}.typicalAttenuationDb`,
            0,
            255,
          ),
          secondsSinceLastScan: int(
            r['secondsSinceLastScan'],
            `${at}.secondsSinceLastScan`,
            0,
            86_400,
          ),
        };
        if (r['maxRssiDbm'] !== undefined) {
          const rssi = r['maxRssiDbm'];
          const [lo, hi] = RSSI_RANGE_DBM;
          if (typeof rssi !== 'number' || !Number.isFinite(rssi) || rssi < lo || rssi > hi)
            throw new RiskInputError(
              source,
              `${at}.maxRssiDbm: expected an RSSI in dBm between ${lo} and ${hi}, got ${describeValue(rssi)}`,
            );
          inst.maxRssiDbm = rssi;
        }
        return inst;
      }),
    };
    if (typeof o['contact'] === 'string') window.contact = o['contact'];
    return window;
  });
}
