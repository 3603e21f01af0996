import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dailySummaries,
  DEFAULT_EPISODE_CONFIG,
  EpisodeBuilder,
  EpisodeConfigError,
  exposureWindows,
  OutOfOrderError,
  parseEpisodeConfigJson,
  sortSightings,
  type ExposureWindow,
  type Sighting,
} from '@proxsense/core';

const T0 = Date.UTC(2020, 6, 20, 9);
const ids = [1, 2, 3, 4].map((k) => new Uint8Array(16).fill(k));

/** Sightings in clusters (scans), from 1–2 scanners and a few IDs, over 3 hours. */
const sightingsArb = fc
  .array(
    fc.record({
      scanAtS: fc.integer({ min: 0, max: 3 * 3600 }),
      scanner: fc.constantFrom('a', 'b'),
      seen: fc.array(fc.record({ id: fc.integer({ min: 0, max: 3 }), offsetMs: fc.integer({ min: 0, max: 4000 }), rssi: fc.integer({ min: -100, max: -40 }) }), { minLength: 1, maxLength: 4 }),
    }),
    { maxLength: 60 },
  )
  .map((scans) => scans.flatMap((scan) => scan.seen.map((x): Sighting => ({ scheme: 'gaen', id: ids[x.id]!, timeMs: T0 + scan.scanAtS * 1000 + x.offsetMs, rssiDbm: x.rssi, scanner: scan.scanner }))));

const seriesKey = (w: ExposureWindow) => `${w.scanner}/${w.id}`;

describe('exposure windows (properties)', () => {
  it('never overlap for one ID, last at most 30 minutes, and count no more time than they span', () => {
    fc.assert(
      fc.property(sightingsArb, (sightings) => {
        const windows = exposureWindows(sightings);
        const bySeries = new Map<string, ExposureWindow[]>();
        for (const w of windows) {
          expect(w.endMs - w.startMs).toBeLessThanOrEqual(DEFAULT_EPISODE_CONFIG.maxWindowS * 1000);
          expect(w.durationS * 1000).toBeLessThanOrEqual(w.endMs - w.startMs + 1e-6);
          expect(w.weightedDurationS * 1000).toBeLessThanOrEqual(w.endMs - w.startMs + 1e-6);
          expect(w.bucketDurationsS.reduce((a, b) => a + b, 0)).toBeCloseTo(w.durationS, 9);
          bySeries.set(seriesKey(w), [...(bySeries.get(seriesKey(w)) ?? []), w]);
        }
        for (const list of bySeries.values()) {
          list.sort((a, b) => a.startMs - b.startMs);
          for (let i = 1; i < list.length; i++) expect(list[i]!.startMs).toBeGreaterThanOrEqual(list[i - 1]!.endMs);
        }
        // Every sighting lands in exactly one scan instance of one window.
        expect(windows.reduce((n, w) => n + w.scanInstances.reduce((m, s) => m + s.sightings, 0), 0)).toBe(sightings.length);
      }),
      { numRuns: 300 },
    );
  });

  it('do not depend on input order', () => {
    fc.assert(
      fc.property(sightingsArb, fc.integer(), (sightings, seed) => {
        const shuffled = [...sightings].sort((a, b) => (((a.timeMs * 31 + a.rssiDbm) ^ seed) % 7) - (((b.timeMs * 31 + b.rssiDbm) ^ seed) % 7));
        expect(exposureWindows(shuffled)).toEqual(exposureWindows(sightings));
      }),
      { numRuns: 200 },
    );
  });

  it('give the same daily summary when the input is split at any time and streamed in two parts', () => {
    fc.assert(
      fc.property(sightingsArb, fc.integer({ min: 0, max: 3 * 3600 * 1000 }), (sightings, splitMs) => {
        const sorted = sortSightings(sightings);
        const builder = new EpisodeBuilder();
        for (const s of sorted.filter((s) => s.timeMs < T0 + splitMs)) builder.add(s);
        for (const s of sorted.filter((s) => s.timeMs >= T0 + splitMs)) builder.add(s);
        const streamed = builder.finish();
        expect(dailySummaries(streamed)).toEqual(dailySummaries(exposureWindows(sightings)));
        expect(streamed).toEqual(exposureWindows(sightings));
      }),
      { numRuns: 200 },
    );
  });
});

describe('exposure windows (fixed cases)', () => {
  // A GAEN-like scanner: a 4-second scan every 5 minutes; one ID at -60 dBm (36 dB with TX -24 → 0.8 m).
  const scan = (minute: number, rssi: number, id = ids[0]!): Sighting[] => [0, 1500, 3000].map((ms) => ({ scheme: 'gaen', id, timeMs: T0 + minute * 60_000 + ms, rssiDbm: rssi }));

  it('credits each scan the time since the previous one and splits at 30 minutes', () => {
    const sightings = [0, 5, 10, 15, 20, 25, 30, 35].flatMap((m) => scan(m, -60));
    const windows = exposureWindows(sightings);
    expect(windows).toHaveLength(2);
    expect(windows[0]!.scanInstances.map((s) => s.secondsSinceLastScan)).toEqual([300, 300, 300, 300, 300, 300]);
    expect(windows[0]!.startMs).toBe(T0 - 300_000);
    expect(windows[0]!.scanInstances[0]).toMatchObject({ minAttenuationDb: 36, typicalAttenuationDb: 36, sightings: 3, maxRssiDbm: -60 });
    expect(windows[1]!.durationS).toBe(600);
    const [day] = dailySummaries(windows);
    expect(day).toMatchObject({ day: '2020-07-20', windows: 2, closeMinutes: 40, closeContact: true, weightedDurationMinutes: 40 });
  });

  it('buckets by typical attenuation and weighs the score', () => {
    const sightings = [...scan(0, -70), ...scan(5, -84), ...scan(10, -92), ...scan(15, -100)];
    const [w] = exposureWindows(sightings);
    // 46 dB immediate, 60 near, 68 medium, 76 other.
    expect(w!.bucketDurationsS).toEqual([300, 300, 300, 300]);
    expect(w!.weightedDurationS).toBe(300 + 300 + 150);
    const scored = exposureWindows(sightings, {}, () => ({ contact: 'k', reportType: 4 }));
    expect(scored).toHaveLength(1);
    expect(scored[0]!.score).toBe(0);
    expect(exposureWindows(sightings, { minimumWindowScore: 1 }, () => ({ contact: 'k', reportType: 4 }))).toHaveLength(0);
  });

  it('gives the distance verdict and the Bluezone RSSI baseline side by side', () => {
    // -80 dBm: 56 dB → 1.7 m (close), but below Bluezone's android→ios threshold of -69 dBm.
    const sightings = [0, 5, 10, 15].flatMap((m) => scan(m, -80));
    const [s1] = dailySummaries(exposureWindows(sightings));
    expect(s1).toMatchObject({ closeMinutes: 20, closeContact: true, bluezoneCloseMinutes: 20, bluezoneCloseContact: true });
    const [s2] = dailySummaries(exposureWindows(sightings, { bluezonePlatformPair: 'android->ios' }));
    expect(s2).toMatchObject({ closeContact: true, bluezoneCloseMinutes: 0, bluezoneCloseContact: false });
    const [s3] = dailySummaries(exposureWindows(sightings, { closeContactMaxDistanceM: 1 }));
    expect(s3).toMatchObject({ closeMinutes: 0, closeContact: false });
  });

  it('refuses out-of-order streaming with a clear error', () => {
    const b = new EpisodeBuilder();
    b.add(scan(5, -60)[0]!);
    expect(() => b.add(scan(0, -60)[0]!)).toThrow(OutOfOrderError);
  });
});

describe('episode config files', () => {
  it('reads partial configs over the defaults and names bad fields', () => {
    const c = parseEpisodeConfigJson('{"attenuationThresholdsDb":[50,60,70],"closeContactMinDurationS":600}');
    expect(c.attenuationThresholdsDb).toEqual([50, 60, 70]);
    expect(c.closeContactMinDurationS).toBe(600);
    expect(c.maxWindowS).toBe(1800);
    expect(() => parseEpisodeConfigJson('{"attenuationThresholdsDb":[70,60,50]}', 'c.json')).toThrow(/^c\.json: attenuationThresholdsDb: expected 3 numbers 0\.\.255 in ascending order/);
    expect(() => parseEpisodeConfigJson('{"closeContactMinutes":15}', 'c.json')).toThrow(EpisodeConfigError);
    expect(() => parseEpisodeConfigJson('{"pathLoss":{"a0Db":50,"pathLossExponent":0,"sigmaDb":8}}', 'c.json')).toThrow(/^c\.json: pathLoss\.pathLossExponent: expected a number 0\.1\.\.10, got 0$/);
    expect(parseEpisodeConfigJson('{"pathLoss":{"a0Db":45,"pathLossExponent":2,"sigmaDb":6}}').pathLoss).toEqual({ a0Db: 45, pathLossExponent: 2, sigmaDb: 6 });
    expect(() => parseEpisodeConfigJson('{"closeContactMinutes":15}', 'c.json')).toThrow(/unknown setting "closeContactMinutes"/);
  });
});
