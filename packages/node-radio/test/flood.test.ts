/**
 * A flood through the virtual controller (smaller than the bench's 10,000 adverts/s × 60 s so the suite
 * stays fast): the real noble stack and firmware take it without a crash, every advert is accounted for,
 * the flood cap's drops are counted, memory is bounded by the documented caps, sightings are stored.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore, FLOOD_LISTENER_PROFILE, runFlood } from '../src/index.js';

describe('flood through the virtual controller', () => {
  it('2,000 devices at 4,000 adverts/s for 10 s: accounted for, capped, bounded, stored', async () => {
    const store = FileStore.open(mkdtempSync(join(tmpdir(), 'proxsense-flood-')));
    const r = await runFlood({
      devices: 2_000,
      advertsPerS: 4_000,
      durationS: 10,
      seed: 3,
      store,
      sampleEveryS: 1,
    });
    // The asked rate, give or take the advDelay draws.
    expect(r.advertsSent).toBeGreaterThan(0.97 * 40_000);
    expect(r.advertsSent).toBeLessThan(1.03 * 40_000);
    // Every advert: reported to the host, or sent outside A's scan windows.
    expect(r.reportsToHost + r.notHeard).toBe(r.advertsSent);
    expect(r.reportsToHost).toBeGreaterThan(10_000);
    const s = r.scanner;
    expect(s.reports).toBe(r.reportsToHost);
    expect(s.passed + s.notOurs + s.malformed + s.whileStopped).toBe(s.reports);
    expect(s.malformed).toBe(0);
    // The scanner's bound on noble's per-address maps: pruned once over 256, checked every 256 reports.
    expect(s.prunes).toBeGreaterThan(0);
    expect(r.peakNobleTrackedAddresses).toBeLessThanOrEqual(2 * 256);
    // The firmware's flood cap: at most maxIdsPerScan IDs aggregated per scan, the rest counted.
    const f = r.firmware;
    expect(f.advertsHeard).toBe(s.passed);
    expect(f.advertsDroppedFlood).toBeGreaterThan(0);
    expect(f.scans).toBeGreaterThanOrEqual(1);
    expect(f.sightingsStored).toBeLessThanOrEqual(f.scans * FLOOD_LISTENER_PROFILE.maxIdsPerScan);
    expect(f.sightingsStored).toBeGreaterThanOrEqual(FLOOD_LISTENER_PROFILE.maxIdsPerScan);
    expect(store.querySightings()).toHaveLength(f.sightingsStored);
    store.close();
  }, 120_000);
});
