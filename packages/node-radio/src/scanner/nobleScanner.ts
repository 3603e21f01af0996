/**
 * The scanning half of the Radio port on noble: scans with duplicates allowed (every advert one RSSI
 * sample; with the controller's duplicate filter on, a connectable device without scan responses is never
 * reported), reads each advertising report's raw bytes from noble's HCI layer, passes GAEN (0xFD6F) and
 * Bluezone adverts on and counts and drops everything else, restarts scanning when the stack stops it by
 * itself, and prunes noble's per-address maps, which grow without bound under rotating addresses.
 * @module
 */
import { decodeAdvert, type ReceivedAdvert } from '@proxsense/core';
import { adapterStateError } from '../stacks/load.js';
import type { NobleLike } from '../stacks/types.js';

/** Options of {@link NobleScanner}. */
export interface NobleScannerOptions {
  /** Prune noble's per-address maps when they hold more than this many addresses; default 256. */
  maxTrackedAddresses?: number;
}

/** Running counts. */
export interface ScannerCounters {
  reports: number;
  passed: number;
  notOurs: number;
  malformed: number;
  /** Reports that arrived while this scanner did not want to scan (another host scanning). */
  whileStopped: number;
  /** Times the stack stopped scanning by itself and the scanner restarted it. */
  restarts: number;
  startFailures: number;
  prunes: number;
}

/** Entries of a per-address map (object or Map). */
export function trackedCount(
  map: Record<string, unknown> | Map<string, unknown> | undefined,
): number {
  return map instanceof Map ? map.size : map ? Object.keys(map).length : 0;
}

/** RSSI 127: "RSSI not available" (Core 5.x Vol 4 Part E §7.7.65.2). */
const RSSI_UNAVAILABLE = 127;
/** The RSSI range of a measurement (Vol 4 Part E §7.7.65.2: −127…+20 dBm), as the sightings format has it. */
const RSSI_MIN_DBM = -127;
const RSSI_MAX_DBM = 20;

export class NobleScanner {
  readonly counters: ScannerCounters = {
    reports: 0,
    passed: 0,
    notOurs: 0,
    malformed: 0,
    whileStopped: 0,
    restarts: 0,
    startFailures: 0,
    prunes: 0,
  };
  private handler: ((advert: ReceivedAdvert) => void) | undefined;
  private wanted = false;
  private paused = false;
  private closed = false;
  private readonly maxTracked: number;

  constructor(
    readonly noble: NobleLike,
    options: NobleScannerOptions = {},
  ) {
    this.maxTracked = options.maxTrackedAddresses ?? 256;
    // The @stoprocent fork creates its HCI layer when `state` is first read; @abandonware at construction.
    void noble.state;
    noble._bindings._hci.on(
      'leAdvertisingReport',
      (
        _status: number,
        _type: number,
        address: string,
        _addressType: string,
        eir: unknown,
        rssi: number,
      ) => this.onReport(address, eir, rssi),
    );
    noble.on('scanStop', () => this.onScanStop());
    noble.on('stateChange', (state: string) => {
      if (state === 'poweredOn' && this.scanningWanted()) this.startStack();
    });
  }

  /** Resolves when the adapter is powered on; rejects with a RadioStackError saying why it cannot be. */
  ready(timeoutMs = 10_000): Promise<void> {
    if (this.noble.state === 'poweredOn') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(adapterStateError('noble', this.noble.state, timeoutMs)),
        timeoutMs,
      );
      timer.unref?.();
      const onState = (state: string) => {
        if (state === 'poweredOn') done();
        else if (state === 'unauthorized' || state === 'unsupported')
          done(adapterStateError('noble', state));
      };
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.noble.off('stateChange', onState);
        if (error) reject(error);
        else resolve();
      };
      this.noble.on('stateChange', onState);
    });
  }

  onAdvert(handler: (advert: ReceivedAdvert) => void): void {
    this.handler = handler;
  }

  start(): void {
    this.wanted = true;
    if (!this.paused) this.startStack();
  }

  stop(): void {
    this.wanted = false;
    if (!this.paused) this.stopStack();
    this.prune();
  }

  /**
   * Stops scanning for a moment (the controller refuses a new random address while scanning); resolves
   * once the controller confirmed. {@link resume} restarts it when it is wanted.
   */
  pause(): Promise<void> {
    if (this.paused || !this.wanted) {
      this.paused = true;
      return Promise.resolve();
    }
    this.paused = true;
    return new Promise((resolve) => this.noble.stopScanning(() => resolve()));
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.wanted) this.startStack();
  }

  /** Stops scanning and ends noble's 1 s device poll, so the process can exit. */
  close(): void {
    if (this.closed) return;
    this.wanted = false;
    if (this.noble.state === 'poweredOn') this.stopStack();
    this.closed = true;
    // noble re-arms `setTimeout(this.pollIsDevUp, 1000)` forever in raw mode; an own no-op ends the chain.
    this.noble._bindings._hci.pollIsDevUp = () => {};
    this.prune();
  }

  private scanningWanted(): boolean {
    return this.wanted && !this.paused && !this.closed;
  }

  private startStack(): void {
    if (this.closed || this.noble.state !== 'poweredOn') return;
    try {
      this.noble.startScanning([], true);
    } catch {
      this.counters.startFailures++;
    }
  }

  private stopStack(): void {
    if (this.closed || this.noble.state !== 'poweredOn') return;
    this.noble.stopScanning();
  }

  private onScanStop(): void {
    if (!this.scanningWanted()) return;
    // Stopped by someone else (bluetoothd, another process, a controller reset): scan again.
    this.counters.restarts++;
    this.startStack();
  }

  private onReport(address: string, eir: unknown, rssi: number): void {
    this.counters.reports++;
    if (this.counters.reports % this.maxTracked === 0) this.pruneIfLarge();
    if (!this.scanningWanted()) return void this.counters.whileStopped++;
    // An RSSI outside −127…20 dBm (127: not measured) is no measurement: no sighting may carry it.
    if (
      !(eir instanceof Uint8Array) ||
      !Number.isFinite(rssi) ||
      rssi === RSSI_UNAVAILABLE ||
      rssi < RSSI_MIN_DBM ||
      rssi > RSSI_MAX_DBM ||
      !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(address)
    )
      return void this.counters.malformed++;
    const payload = Uint8Array.from(eir);
    const decoded = decodeAdvert(payload);
    if (decoded.kind === 'malformed') return void this.counters.malformed++;
    if (decoded.kind !== 'gaen' && decoded.kind !== 'bluezone') return void this.counters.notOurs++;
    this.counters.passed++;
    this.handler?.({
      payload,
      rssiDbm: rssi,
      address: Uint8Array.from(address.split(':').reverse(), (h) => parseInt(h, 16)),
    });
  }

  private pruneIfLarge(): void {
    if (
      trackedCount(this.noble._bindings._gap._discoveries) > this.maxTracked ||
      trackedCount(this.noble._peripherals) > this.maxTracked
    )
      this.prune();
  }

  /** Empties noble's per-address maps (this adapter never connects, so nothing in them is needed). */
  private prune(): void {
    const n = this.noble;
    const b = n._bindings;
    // Plain objects in @abandonware/noble; some are Maps in the @stoprocent fork.
    for (const map of [
      n._peripherals,
      n._services,
      n._characteristics,
      n._descriptors,
      n._discoveredPeripheralUUids,
      n._discoveredPeripherals,
      b._gap._discoveries,
      b._addresses,
      b._addresseTypes,
      b._connectable,
      b.scannable,
    ]) {
      if (map instanceof Map) map.clear();
      else if (map) for (const key of Object.keys(map)) delete map[key];
    }
    this.counters.prunes++;
  }
}
