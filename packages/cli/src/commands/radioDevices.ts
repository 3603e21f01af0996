/**
 * What `radio scan` and `radio calibrate` know of the devices around: per ID the last RSSI, a median
 * over the recent adverts, adverts seen, the address, and a distance estimate with its interval from the
 * core path-loss model. Bounded: at most `maxDevices` IDs (the least recently heard go first).
 * @module
 */
import {
  attenuationDb,
  bytesToHex,
  decodeAdvert,
  DEFAULT_DEVICE_CALIBRATION,
  DEFAULT_PATH_LOSS_MODEL,
  estimateDistance,
  type DistanceEstimate,
  type PathLossModel,
  type ReceivedAdvert,
} from '@proxsense/core';

/** An advert of ours, decoded: the ID (hex), scheme, RSSI, address (AA:BB:…, most significant first). */
export interface HeardAdvert {
  scheme: 'gaen' | 'bluezone';
  id: Uint8Array;
  idHex: string;
  aem?: Uint8Array;
  rssiDbm: number;
  address?: string;
}

/** Decodes a received advert; `undefined` for anything that is not GAEN or Bluezone. */
export function heardAdvert(advert: ReceivedAdvert): HeardAdvert | undefined {
  const d = decodeAdvert(advert.payload);
  if (d.kind !== 'gaen' && d.kind !== 'bluezone') return undefined;
  const id = d.kind === 'gaen' ? d.rpi : d.id;
  const h: HeardAdvert = { scheme: d.kind, id, idHex: bytesToHex(id), rssiDbm: advert.rssiDbm };
  if (d.kind === 'gaen') h.aem = d.aem;
  if (advert.address) h.address = formatAddress(advert.address);
  return h;
}

/** A 6-byte address (LSB first, as HCI carries it) as AA:BB:CC:DD:EE:FF. */
export function formatAddress(address: Uint8Array): string {
  return bytesToHex(address.slice().reverse()).replace(/(..)(?!$)/g, '$1:');
}

/** One device as the table shows it. */
export interface DeviceRow {
  idHex: string;
  scheme: 'gaen' | 'bluezone';
  lastRssiDbm: number;
  medianRssiDbm: number;
  distance: DistanceEstimate;
  adverts: number;
  address: string;
  lastHeardMs: number;
}

/** Options of {@link DeviceTable}. */
export interface DeviceTableOptions {
  /** RSSI samples kept per ID for the median; default 32. */
  medianWindow?: number;
  /** IDs tracked; default 256. */
  maxDevices?: number;
  model?: PathLossModel;
  /** TX power assumed (GAEN's is encrypted in the AEM, Bluezone has none), dBm; default −24. */
  txPowerDbm?: number;
}

interface Tracked {
  idHex: string;
  scheme: 'gaen' | 'bluezone';
  samples: Float64Array;
  filled: number;
  next: number;
  adverts: number;
  lastRssiDbm: number;
  address: string;
  lastHeardMs: number;
}

export class DeviceTable {
  private readonly devices = new Map<string, Tracked>();
  private readonly window: number;
  private readonly maxDevices: number;
  private readonly model: PathLossModel;
  private readonly txPowerDbm: number;
  /** IDs forgotten to stay within `maxDevices`. */
  evicted = 0;

  constructor(options: DeviceTableOptions = {}) {
    this.window = options.medianWindow ?? 32;
    this.maxDevices = options.maxDevices ?? 256;
    this.model = options.model ?? DEFAULT_PATH_LOSS_MODEL;
    this.txPowerDbm = options.txPowerDbm ?? DEFAULT_DEVICE_CALIBRATION.txPowerDbm;
  }

  get size(): number {
    return this.devices.size;
  }

  add(advert: HeardAdvert, atMs: number): void {
    let d = this.devices.get(advert.idHex);
    if (d) this.devices.delete(advert.idHex);
    else {
      if (this.devices.size >= this.maxDevices) {
        // Map order is insertion order and every hit re-inserts: the first entry is the stalest.
        this.devices.delete(this.devices.keys().next().value!);
        this.evicted++;
      }
      d = {
        idHex: advert.idHex,
        scheme: advert.scheme,
        samples: new Float64Array(this.window),
        filled: 0,
        next: 0,
        adverts: 0,
        lastRssiDbm: 0,
        address: '',
        lastHeardMs: 0,
      };
    }
    this.devices.set(advert.idHex, d);
    d.samples[d.next] = advert.rssiDbm;
    d.next = (d.next + 1) % this.window;
    d.filled = Math.min(d.filled + 1, this.window);
    d.adverts++;
    d.lastRssiDbm = advert.rssiDbm;
    if (advert.address) d.address = advert.address;
    d.lastHeardMs = atMs;
  }

  /** Rows, strongest median RSSI (nearest) first. */
  rows(): DeviceRow[] {
    const rows = [...this.devices.values()].map((d) => {
      const median = medianOf(d.samples.subarray(0, d.filled));
      return {
        idHex: d.idHex,
        scheme: d.scheme,
        lastRssiDbm: d.lastRssiDbm,
        medianRssiDbm: median,
        distance: estimateDistance(this.model, attenuationDb(this.txPowerDbm, median)),
        adverts: d.adverts,
        address: d.address,
        lastHeardMs: d.lastHeardMs,
      };
    });
    return rows.sort((a, b) => b.medianRssiDbm - a.medianRssiDbm || (a.idHex < b.idHex ? -1 : 1));
  }
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const TABLE_HEADER = `${'ID'.padEnd(32)}  ${'scheme'.padEnd(8)}  ${'last'.padStart(4)}  ${'median'.padStart(6)}  ${'distance (80%)'.padEnd(20)}  ${'adverts'.padStart(7)}  address`;

/** The table as text lines (header first). */
export function formatDeviceTable(rows: readonly DeviceRow[]): string[] {
  const m = (x: number) => x.toFixed(1);
  return [
    TABLE_HEADER,
    ...rows.map(
      (r) =>
        `${r.idHex.padEnd(32)}  ${r.scheme.padEnd(8)}  ${String(r.lastRssiDbm).padStart(4)}  ${m(r.medianRssiDbm).padStart(6)}  ${`${m(r.distance.distanceM)} m (${m(r.distance.lowM)}–${m(r.distance.highM)})`.padEnd(20)}  ${String(r.adverts).padStart(7)}  ${r.address}`,
    ),
  ];
}
