/**
 * A flood through the virtual controller: many advertising devices on the air of a virtual pair (a
 * crowded concourse, or an attacker replaying adverts), heard by device A's real noble stack and
 * firmware, with the firmware storing into a real store. What the load test and `npm run bench -- flood`
 * run: it reports what was sent, heard, passed, dropped (and where) and stored, and the memory held.
 * @module
 */
import {
  encodeGaenAdvert,
  Firmware,
  GAEN_PROFILE,
  MemoryStore,
  SeededRandom,
  type FirmwareCounters,
  type FirmwareProfile,
  type Store,
} from '@proxsense/core';
import { fixedRssiChannel } from '../air/channel.js';
import { ADDRESS_TYPE, ADV_TYPE } from '../hci/constants.js';
import { startVirtualRadioPair } from '../host/virtualPair.js';
import { trackedCount, type ScannerCounters } from '../scanner/nobleScanner.js';
import type { AirEndpoint } from '../virtual/controller.js';

/** Options of {@link runFlood}. */
export interface FloodOptions {
  /** Advertising devices; default 2,000. */
  devices?: number;
  /** Adverts a second from all of them together; default 10,000. */
  advertsPerS?: number;
  /** Virtual time the flood lasts, s; default 60. */
  durationS?: number;
  seed?: number;
  /** Where the firmware stores; default a MemoryStore. */
  store?: Store;
  /**
   * The listening firmware's profile. Default: GAEN's, scanning 4 s every 5 s instead of every 3.5–5 min,
   * so the flood meets open scan windows most of the time (the worst case for the scan path).
   */
  profile?: FirmwareProfile;
  /** Memory is sampled every this many virtual seconds; default 5. */
  sampleEveryS?: number;
  /** Called at each sample (the bench prints progress). */
  onSample?: (sample: FloodSample) => void;
}

/** One memory sample. */
export interface FloodSample {
  virtualS: number;
  heapUsedBytes: number;
  /** Entries in noble's per-address maps (the scanner prunes them). */
  nobleTrackedAddresses: number;
}

/** What a flood did. */
export interface FloodResult {
  devices: number;
  durationS: number;
  /** Advertising events the flood devices sent. */
  advertsSent: number;
  /** Advertising reports device A's controller sent its host (heard inside a scan window). */
  reportsToHost: number;
  /** Sent while A was not listening (between scans, outside scan windows): its radio never saw them. */
  notHeard: number;
  scanner: ScannerCounters;
  firmware: FirmwareCounters;
  sightingsStored: number;
  samples: FloodSample[];
  peakHeapUsedBytes: number;
  peakNobleTrackedAddresses: number;
  /** CPU time of the run (user + system), ms, and wall time, ms. */
  cpuMs: number;
  wallMs: number;
}

/** The default listening profile of a flood (see {@link FloodOptions.profile}). */
export const FLOOD_LISTENER_PROFILE: FirmwareProfile = {
  ...GAEN_PROFILE,
  scanOnMs: 4_000,
  scanIntervalMinMs: 5_000,
  scanIntervalMaxMs: 5_000,
};

/** One flood device: a fixed GAEN advert from a fixed random address, non-connectable. */
function floodDevice(index: number, random: SeededRandom, intervalMs: number): AirEndpoint {
  const address = random.randomBytes(6);
  address[5] = (address[5]! & 0x3f) | 0x01;
  const adv = {
    pduType: ADV_TYPE.nonConnInd,
    addressType: ADDRESS_TYPE.random,
    address,
    data: encodeGaenAdvert(random.randomBytes(16), random.randomBytes(4)),
    intervalMinMs: intervalMs,
    intervalMaxMs: intervalMs,
  };
  return { name: `flood-${index}`, advertising: () => adv, listening: () => false, hear: () => {} };
}

/** Runs a flood against device A of a fresh virtual pair (its firmware listening, B idle). */
export async function runFlood(options: FloodOptions = {}): Promise<FloodResult> {
  const devices = options.devices ?? 2_000;
  const advertsPerS = options.advertsPerS ?? 10_000;
  const durationS = options.durationS ?? 60;
  const seed = options.seed ?? 1;
  const sampleEveryS = options.sampleEveryS ?? 5;
  const store = options.store ?? new MemoryStore();
  const pair = await startVirtualRadioPair({ seed, channel: fixedRssiChannel(-70) });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const firmware = new Firmware({
    profile: options.profile ?? FLOOD_LISTENER_PROFILE,
    radio: pair.a.radio,
    scheduler: pair.scheduler,
    random: new SeededRandom(seed * 7 + 1),
    store,
    name: 'A',
  });
  const random = new SeededRandom(seed * 7 + 2);
  // Each device's interval less the mean advDelay (5 ms) the air adds, so they sum to the asked rate.
  const intervalMs = (devices / advertsPerS) * 1000 - 5;
  if (!(intervalMs > 0))
    throw new RangeError(
      `flood: ${devices} devices cannot send ${advertsPerS} adverts/s (interval ${intervalMs + 5} ms ≤ advDelay)`,
    );
  const floods = Array.from({ length: devices }, (_, i) => floodDevice(i, random, intervalMs));
  const advertisingEvents0 = pair.air.stats.advertisingEvents;
  const reports0 = pair.a.controller.counters.advertisingReports;
  firmware.start();
  for (const f of floods) pair.air.attach(f, { x: 1, y: 0 });
  const noble = pair.a.radio.scanner.noble;
  const samples: FloodSample[] = [];
  for (let s = 0; s < durationS; s += sampleEveryS) {
    await pair.runFor(Math.min(sampleEveryS, durationS - s) * 1000);
    const sample = {
      virtualS: Math.min(s + sampleEveryS, durationS),
      heapUsedBytes: process.memoryUsage().heapUsed,
      nobleTrackedAddresses: Math.max(
        trackedCount(noble._peripherals),
        trackedCount(noble._bindings._gap._discoveries),
      ),
    };
    samples.push(sample);
    options.onSample?.(sample);
  }
  firmware.stop();
  // The flood devices are the only advertisers besides A and B (idle): their events are the air's.
  const advertsSent = pair.air.stats.advertisingEvents - advertisingEvents0;
  const reportsToHost = pair.a.controller.counters.advertisingReports - reports0;
  const scanner = { ...pair.a.radio.scanner.counters };
  await pair.close();
  const cpu = process.cpuUsage(cpu0);
  return {
    devices,
    durationS,
    advertsSent,
    reportsToHost,
    // The fixed channel loses nothing, so an advert A's controller did not report met no open window.
    notHeard: advertsSent - reportsToHost,
    scanner,
    firmware: { ...firmware.counters },
    sightingsStored: firmware.counters.sightingsStored,
    samples,
    peakHeapUsedBytes: Math.max(...samples.map((x) => x.heapUsedBytes)),
    peakNobleTrackedAddresses: Math.max(...samples.map((x) => x.nobleTrackedAddresses)),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - wall0,
  };
}
