import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLUEZONE_RSSI_THRESHOLDS_DBM,
  bytesToHex,
  dailySummaries,
  dailySummariesWithRules,
  EpisodeBuilder,
  exposureWindows,
  sortSightings,
  type BluezonePlatformPair,
  type EpisodeConfig,
  type Sighting,
} from '@proxsense/core';

const T0 = Date.UTC(2020, 6, 20, 23); // crosses midnight: two UTC days
const ids = [1, 2, 3, 4, 5].map((k) => new Uint8Array(16).fill(k));
const PAIRS = Object.keys(BLUEZONE_RSSI_THRESHOLDS_DBM) as BluezonePlatformPair[];

/** Scans of one scanner over 2 hours; IDs 0–4, two IDs per contact; some TX powers out of range. */
const sightingsArb = fc
  .array(
    fc.record({
      scanAtS: fc.integer({ min: 0, max: 2 * 3600 }),
      seen: fc.array(
        fc.record({
          id: fc.integer({ min: 0, max: 4 }),
          offsetMs: fc.integer({ min: 0, max: 4000 }),
          rssi: fc.integer({ min: -100, max: -40 }),
          tx: fc.option(fc.integer({ min: -60, max: 25 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
    { maxLength: 50 },
  )
  .map((scans) =>
    scans.flatMap((scan) =>
      scan.seen.map((x): Sighting => {
        const s: Sighting = {
          scheme: 'gaen',
          id: ids[x.id]!,
          timeMs: T0 + scan.scanAtS * 1000 + x.offsetMs,
          rssiDbm: x.rssi,
          scanner: 'phone',
        };
        if (x.tx !== undefined) s.txPowerDbm = x.tx;
        return s;
      }),
    ),
  );

const contactOf = (_s: Sighting, idHex: string) => ({
  contact: `c${idHex.slice(0, 2) < '03' ? 0 : 1}`,
});
const ruleArb = fc.record({
  closeContactMaxDistanceM: fc.option(fc.constantFrom(0.5, 1, 1.5, 2, 3, 5, 10), {
    nil: undefined,
  }),
  bluezonePlatformPair: fc.option(fc.constantFrom(...PAIRS), { nil: undefined }),
});

describe('EpisodeBuilder.addReading', () => {
  it('gives the same windows and drops as add() on the same sightings', () => {
    fc.assert(
      fc.property(sightingsArb, fc.integer({ min: -10, max: 10 }), (sightings, correction) => {
        const config = { rssiCorrectionDb: correction };
        const viaAdd = new EpisodeBuilder(config, contactOf);
        const viaReading = new EpisodeBuilder(config, contactOf);
        const scanner = viaReading.scanner('phone');
        for (const s of sortSightings(sightings)) {
          viaAdd.add(s);
          const hex = bytesToHex(s.id);
          const series = viaReading.series(scanner, 'gaen', hex, contactOf(s, hex));
          viaReading.addReading(series, scanner, s.timeMs, s.rssiDbm, s.txPowerDbm);
        }
        expect(viaReading.finish()).toEqual(viaAdd.finish());
        expect(viaReading.drops).toEqual(viaAdd.drops);
      }),
    );
  });

  it('counts a TX power outside −50…+20 dBm as a drop and keeps nothing of it', () => {
    const b = new EpisodeBuilder();
    const scanner = b.scanner('');
    const series = b.series(scanner, 'gaen', 'aa', { contact: 'x' });
    b.addReading(series, scanner, T0, -60, 21);
    b.addReading(series, scanner, T0 + 1000, -60, -51);
    expect(b.drops.txPowerOutOfRange).toBe(2);
    expect(b.finish()).toEqual([]);
  });
});

describe('dailySummariesWithRules', () => {
  it('under each rule equals dailySummaries of windows rebuilt with that rule', () => {
    fc.assert(
      fc.property(sightingsArb, fc.array(ruleArb, { maxLength: 4 }), (sightings, rules) => {
        const config = { bluezonePlatformPair: 'android->ios' as const };
        const windows = exposureWindows(sightings, config, contactOf);
        const got = dailySummariesWithRules(windows, config, rules);
        expect(got.summaries).toEqual(dailySummaries(windows, config));
        rules.forEach((rule, r) => {
          const variant: Partial<EpisodeConfig> = { ...config };
          if (rule.closeContactMaxDistanceM !== undefined)
            variant.closeContactMaxDistanceM = rule.closeContactMaxDistanceM;
          if (rule.bluezonePlatformPair) variant.bluezonePlatformPair = rule.bluezonePlatformPair;
          const want = dailySummaries(exposureWindows(sightings, variant, contactOf), variant);
          expect(want.map((s) => [s.day, s.contact])).toEqual(
            got.summaries.map((s) => [s.day, s.contact]),
          );
          want.forEach((s, k) => {
            // Bit-identical: the same seconds summed in the same window order.
            const at = r * want.length + k;
            expect(got.closeMinutes[at]).toBe(s.closeMinutes);
            expect(got.closeContact[at]).toBe(s.closeContact ? 1 : 0);
            expect(got.bluezoneCloseContact[at]).toBe(s.bluezoneCloseContact ? 1 : 0);
          });
        });
      }),
    );
  });

  it('maps every window to the summary of its day and contact', () => {
    fc.assert(
      fc.property(sightingsArb, (sightings) => {
        const windows = exposureWindows(sightings, {}, contactOf);
        const { summaries, summaryOfWindow } = dailySummariesWithRules(windows, {}, []);
        windows.forEach((w, i) => {
          const s = summaries[summaryOfWindow[i]!]!;
          expect(s.contact).toBe(w.contact);
          expect(Date.parse(`${s.day}T00:00:00Z`)).toBe(w.dateMillisSinceEpoch);
        });
      }),
    );
  });

  it('a wider distance never loses close minutes (fixed case: 1 m vs 10 m)', () => {
    const s = (dt: number, rssi: number): Sighting => ({
      scheme: 'gaen',
      id: ids[0]!,
      timeMs: T0 + dt * 1000,
      rssiDbm: rssi,
      txPowerDbm: -10,
    });
    const sightings = [0, 60, 120, 180].map((dt) => s(dt, -75));
    const windows = exposureWindows(sightings, { closeContactMinDurationS: 120 });
    const r = dailySummariesWithRules(windows, { closeContactMinDurationS: 120 }, [
      { closeContactMaxDistanceM: 1 },
      { closeContactMaxDistanceM: 10 },
    ]);
    expect(r.summaries.length).toBe(1);
    expect(r.closeMinutes[0]).toBe(0);
    expect(r.closeMinutes[1]).toBeGreaterThan(2);
    expect([...r.closeContact]).toEqual([0, 1]);
  });
});
