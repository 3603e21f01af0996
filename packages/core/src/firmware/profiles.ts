/**
 * Radio behaviour per scheme: when to advertise, when to scan, how to rotate.
 * @module
 */
import type { SchemeName } from '../ids/diagnosisKey.js';

export interface FirmwareProfile {
  scheme: SchemeName;
  /** Advertising on and off durations, ms (off 0: continuous). */
  advertiseOnMs: number;
  advertiseOffMs: number;
  /** Scan length, ms. */
  scanOnMs: number;
  /** Start-to-start scan interval, drawn uniformly from [min, max], ms. */
  scanIntervalMinMs: number;
  scanIntervalMaxMs: number;
  /** ID rotation is delayed after each interval boundary by up to this, ms (0: exactly on the boundary). */
  rotationJitterMaxMs: number;
  /** Bluezone: IDs a day. */
  idsPerDay?: number;
  /** Most distinct IDs aggregated per scan; more are counted and dropped, so a flood cannot exhaust memory. */
  maxIdsPerScan: number;
}

/**
 * GAEN as phones ran it: advertise continuously (every ~250 ms, the radio's job), scan ~4 s every
 * 3.5–5 min, rotate RPI and address together at 10-minute intervals with a random delay so nearby
 * devices do not rotate in lockstep (ENIntervals are aligned for everyone).
 */
export const GAEN_PROFILE: FirmwareProfile = {
  scheme: 'gaen',
  advertiseOnMs: Infinity,
  advertiseOffMs: 0,
  scanOnMs: 4_000,
  scanIntervalMinMs: 210_000,
  scanIntervalMaxMs: 300_000,
  rotationJitterMaxMs: 120_000,
  maxIdsPerScan: 1024,
};

/**
 * The Bluezone app from July 2020 (see ../shared/vectors/bluezone-ids.json): broadcast 15 s on / 15 s off,
 * scan 40 s on / 260 s off, 96 IDs a day switched exactly at slot boundaries (an ID only matches inside
 * its own slot, so a delayed rotation would lose contacts).
 */
export const BLUEZONE_PROFILE: FirmwareProfile = {
  scheme: 'bluezone',
  advertiseOnMs: 15_000,
  advertiseOffMs: 15_000,
  scanOnMs: 40_000,
  scanIntervalMinMs: 300_000,
  scanIntervalMaxMs: 300_000,
  rotationJitterMaxMs: 0,
  idsPerDay: 96,
  maxIdsPerScan: 1024,
};
