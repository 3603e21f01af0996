/**
 * The ports the firmware runs against. Every host (simulator, Raspberry Pi, a test) supplies adapters.
 * @module
 */
import type { DiagnosisKey, SchemeName } from '../ids/diagnosisKey.js';
import type { DecodedAdvert, DecodedId } from './advertCache.js';
import type { Sighting } from '../sightings/sighting.js';

/** An advertisement as the radio heard it. */
export interface ReceivedAdvert {
  /** Advertising data bytes. */
  payload: Uint8Array;
  rssiDbm: number;
  /** Advertiser's address, when the host knows it. */
  address?: Uint8Array;
  /**
   * Batched delivery: hosts that sample the air in bulk (the simulator, a controller that reports
   * repeats of one payload together) pass every reception of this payload since their last call, one RSSI
   * each, dBm, with `rssiDbm` equal to the first. Absent: one reception at `rssiDbm`.
   */
  rssiSamplesDbm?: ArrayLike<number>;
  /**
   * How many leading entries of `rssiSamplesDbm` are this delivery's (default: all), so a host can hand
   * over one reused buffer instead of a fresh view per delivery.
   */
  rssiSampleCount?: number;
  /**
   * When the (first) reception happened, ms, for hosts that report receptions after the fact (batched
   * scan reports); absent: now.
   */
  receivedAtMs?: number;
  /**
   * `payload` as core decoded it (`AdvertDecodeCache.decode`), for hosts that decode each payload once
   * for many receivers and hand the result over with every delivery (the simulator); absent: the
   * firmware looks it up in its own cache. It must be the decoding of `payload`.
   */
  decoded?: DecodedAdvert;
}

/**
 * Many advertisers' receptions in one delivery, for hosts that sample the air in bulk (the simulator):
 * entry i (of `count`) is `receptions[i]` receptions of `payload[i]` (decoded by core as `decoded[i]`),
 * whose RSSIs sum to `rssiSumDbm[i]` (whole dBm each), the first at `firstAtMs[i]`. The arrays are the
 * host's, reused: read them during the call only.
 */
export interface ReceivedAdvertBatch {
  count: number;
  payload: readonly Uint8Array[];
  decoded: readonly DecodedAdvert[];
  receptions: ArrayLike<number>;
  rssiSumDbm: ArrayLike<number>;
  firstAtMs: ArrayLike<number>;
  /**
   * Optional, all three or none, for hosts that keep what the firmware needs of each entry's ID in
   * columns of their own (the simulator: in a crowd, reading a decoded object per delivery is a cache
   * miss each): the scheme of the ID entry i carries (`ID_SCHEME_CODE`; 0: none of ours, and the
   * firmware reads `decoded[i]` itself), the ID's `idHead`, and the host's tag for the ID: a
   * non-negative number, equal for equal IDs and different for different ones, that the firmware
   * aggregates by and hands back with the scan's sightings (`ScanSightings.idTag`). The firmware then
   * reads nothing of `decoded[i]` but its identity.
   */
  idScheme?: ArrayLike<number>;
  idHead?: ArrayLike<number>;
  idTag?: ArrayLike<number>;
}

/** The BLE radio. */
export interface Radio {
  /** Starts (or replaces) advertising `payload` from random address `address` (6 bytes, LSB first). */
  startAdvertising(payload: Uint8Array, address: Uint8Array): void;
  stopAdvertising(): void;
  startScanning(): void;
  stopScanning(): void;
  /** Where received adverts go while scanning. */
  onAdvert(handler: (advert: ReceivedAdvert) => void): void;
  /**
   * Optional, for hosts that deliver receptions in batches: where they go while scanning. A radio that
   * offers it may deliver through either handler.
   */
  onAdvertBatch?(handler: (batch: ReceivedAdvertBatch) => void): void;
}

/** Opaque timer handle. */
export type TimerHandle = number;

/** What {@link Scheduler.setTimerFor} calls back: one object for all of a device's timers. */
export interface TimerTarget {
  onTimer(kind: number): void;
}

/** Time and timers. Hosts map it to wall clock (hardware) or virtual time (simulation, tests). */
export interface Scheduler {
  nowMs(): number;
  /** Runs `callback` at `atMs` (or as soon as possible if that has passed). */
  setTimer(atMs: number, callback: () => void): TimerHandle;
  /**
   * Optional, for hosts that run many devices on one scheduler (a simulated crowd): calls
   * `target.onTimer(kind)` at `atMs`, as {@link setTimer} would call a callback, so a device keeps no
   * closure per kind of timer. Handles come from the same sequence as `setTimer`'s.
   */
  setTimerFor?(atMs: number, target: TimerTarget, kind: number): TimerHandle;
  cancelTimer(handle: TimerHandle): void;
}

/** Query of stored sightings; every field narrows. */
export interface SightingQuery {
  fromMs?: number;
  toMs?: number;
  id?: Uint8Array;
}

/** One scan the device ran (whether or not it heard anyone). */
export interface ScanRecord {
  startMs: number;
  durationMs: number;
  scanner?: string;
}

/**
 * One scan's sightings as columns, in the order `appendSightings` would get them: what
 * {@link Store.appendScanSightings} receives instead of an object per sighting. Entries 0 … count − 1
 * of each column are the scan's; the whole object is the firmware's scratch and only valid during the
 * call (copy what you keep).
 */
export interface ScanSightings {
  readonly count: number;
  readonly scheme: SchemeName;
  /** The scanner's name (`FirmwareOptions.name`), if it has one: each sighting's `scanner`. */
  readonly scanner: string | undefined;
  /** First reception, ms since the Unix epoch. */
  readonly timeMs: Float64Array;
  /** Mean RSSI of the receptions, whole dBm. */
  readonly rssiDbm: Float64Array;
  /** Each sighting's advert as core decoded it: its `id`, and GAEN's `aem` as received. */
  readonly decoded: readonly DecodedId[];
  /** Each ID's `idHead` (its first three bytes), so a store can hash IDs without reading them. */
  readonly idHead: Int32Array;
  /** The host's tag of each ID when its receptions came in tagged batches (`ReceivedAdvertBatch.idTag`), else −1. */
  readonly idTag: Int32Array;
}

/** Durable storage of sightings and of the device's own keys. A crash must not lose what was appended. */
export interface Store {
  appendSightings(sightings: readonly Sighting[]): void;
  /**
   * Optional: a scan's sightings as columns, for stores that copy them into columns of their own (a
   * simulated crowd's). When present, the firmware calls it instead of `appendSightings` and makes no
   * object per sighting; it must store exactly what `appendSightings` would with the same sightings.
   */
  appendScanSightings?(sightings: ScanSightings): void;
  querySightings(query?: SightingQuery): Sighting[];
  /**
   * Optional: records the scans the device ran, so an exposure check credits each scan instance the time
   * since the scanner's previous scan (GAEN `secondsSinceLastScan`), even when that scan heard nobody.
   */
  appendScans?(scans: readonly ScanRecord[]): void;
  /** Optional: the recorded scans starting in [fromMs, toMs), in time order. */
  queryScans?(query?: { fromMs?: number; toMs?: number }): ScanRecord[];
  /** Deletes sightings and own keys older than `beforeMs`; returns how many sightings went. */
  pruneBefore(beforeMs: number): number;
  appendOwnKey(key: DiagnosisKey): void;
  ownKeys(): DiagnosisKey[];
}
