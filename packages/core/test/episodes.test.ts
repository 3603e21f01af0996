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
  scansFromSightings,
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
      seen: fc.array(
        fc.record({
          id: fc.integer({ min: 0, max: 3 }),
          offsetMs: fc.integer({ min: 0, max: 4000 }),
          rssi: fc.integer({ min: -100, max: -40 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
    { maxLength: 60 },
  )
  .map((scans) =>
    scans.flatMap((scan) =>
      scan.seen.map((x): Sighting => ({
        scheme: 'gaen',
        id: ids[x.id]!,
        timeMs: T0 + scan.scanAtS * 1000 + x.offsetMs,
        rssiDbm: x.rssi,
        scanner: scan.scanner,
      })),
    ),
  );

const seriesKey = (w: ExposureWindow) => `${w.scanner}/${w.contact}`;

describe('exposure windows (properties)', () => {
  it('end less than 30 minutes after their first sighting, never overlap for one contact, and credit ≤ 300 s a scan', () => {
    fc.assert(
      fc.property(sightingsArb, (sightings) => {
        const windows = exposureWindows(sightings);
        const bySeries = new Map<string, ExposureWindow[]>();
        for (const w of windows) {
          expect(w.endMs - w.startMs).toBeLessThan(DEFAULT_EPISODE_CONFIG.maxWindowS * 1000);
          expect(w.dateMillisSinceEpoch).toBe(Math.floor(w.startMs / 86_400_000) * 86_400_000);
          for (const si of w.scanInstances) {
            expect(si.secondsSinceLastScan).toBeGreaterThanOrEqual(0);
            expect(si.secondsSinceLastScan).toBeLessThanOrEqual(300);
            expect(si.secondsSinceLastScan % 60).toBe(0);
            expect(Number.isInteger(si.typicalAttenuationDb) && si.typicalAttenuationDb >= 0).toBe(
              true,
            );
            expect(
              Number.isInteger(si.minAttenuationDb) &&
                si.minAttenuationDb <= si.typicalAttenuationDb,
            ).toBe(true);
          }
          expect(w.bucketDurationsS.reduce((a, b) => a + b, 0)).toBeCloseTo(w.durationS, 9);
          bySeries.set(seriesKey(w), [...(bySeries.get(seriesKey(w)) ?? []), w]);
        }
        for (const list of bySeries.values()) {
          list.sort((a, b) => a.startMs - b.startMs);
          // A new window starts only at a sighting ≥ 30 min after the previous window's first one.
          for (let i = 1; i < list.length; i++) {
            expect(list[i]!.startMs).toBeGreaterThan(list[i - 1]!.endMs);
            expect(list[i]!.startMs - list[i - 1]!.startMs).toBeGreaterThanOrEqual(1_800_000);
          }
        }
        // Every sighting lands in exactly one scan instance of one window (none is replayed: 3 h of one ID
        // is, so only the first 20 min of each ID count).
        const kept = sightings.filter(
          (s) =>
            s.timeMs -
              Math.min(
                ...sightings
                  .filter((x) => x.id === s.id && x.scanner === s.scanner)
                  .map((x) => x.timeMs),
              ) <=
            1_200_000,
        );
        expect(
          windows.reduce((n, w) => n + w.scanInstances.reduce((m, s) => m + s.sightings, 0), 0),
        ).toBe(kept.length);
      }),
      { numRuns: 300 },
    );
  });

  it('do not depend on input order', () => {
    fc.assert(
      fc.property(sightingsArb, fc.integer(), (sightings, seed) => {
        const shuffled = [...sightings].sort(
          (a, b) =>
            (((a.timeMs * 31 + a.rssiDbm) ^ seed) % 7) - (((b.timeMs * 31 + b.rssiDbm) ^ seed) % 7),
        );
        expect(exposureWindows(shuffled)).toEqual(exposureWindows(sightings));
      }),
      { numRuns: 200 },
    );
  });

  it('are the same with scans rebuilt up front from the same sightings (what the CLI and firmware pass)', () => {
    fc.assert(
      fc.property(sightingsArb, (sightings) => {
        expect(
          exposureWindows(sightings, {}, undefined, { scans: scansFromSightings(sightings) }),
        ).toEqual(exposureWindows(sightings));
      }),
      { numRuns: 200 },
    );
  });

  it('give the same daily summary when the input is split at any time and streamed in two parts', () => {
    fc.assert(
      fc.property(
        sightingsArb,
        fc.integer({ min: 0, max: 3 * 3600 * 1000 }),
        (sightings, splitMs) => {
          const sorted = sortSightings(sightings);
          const builder = new EpisodeBuilder();
          for (const s of sorted.filter((s) => s.timeMs < T0 + splitMs)) builder.add(s);
          for (const s of sorted.filter((s) => s.timeMs >= T0 + splitMs)) builder.add(s);
          const streamed = builder.finish();
          expect(dailySummaries(streamed)).toEqual(dailySummaries(exposureWindows(sightings)));
          expect(streamed).toEqual(exposureWindows(sightings));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('exposure windows (fixed cases)', () => {
  // A GAEN-like scanner: a 4-second scan every 5 minutes; one ID at -60 dBm (36 dB with TX -24 → 0.8 m).
  const scan = (minute: number, rssi: number, id = ids[0]!): Sighting[] =>
    [0, 1500, 3000].map((ms) => ({
      scheme: 'gaen',
      id,
      timeMs: T0 + minute * 60_000 + ms,
      rssiDbm: rssi,
    }));
  const oneContact = () => ({ contact: 'k' });

  it('credits each scan the whole minutes since the previous scan (120 s when unknown) and cuts 30 min after the first sighting', () => {
    // One contact across RPI rotations (a new ID every 10 min), as after matching its key.
    const sightings = [0, 5, 10, 15, 20, 25, 30, 35].flatMap((m) =>
      scan(m, -60, ids[Math.floor(m / 10)]),
    );
    const windows = exposureWindows(sightings, {}, oneContact);
    expect(windows).toHaveLength(2);
    // Minute 30 is exactly 30 min after the first sighting: GAEN starts a new window there.
    expect(windows[0]!.scanInstances.map((s) => s.secondsSinceLastScan)).toEqual([
      120, 300, 300, 300, 300, 300,
    ]);
    expect(windows[0]!.ids).toHaveLength(3);
    expect(windows[0]!.startMs).toBe(T0);
    expect(windows[0]!.dateMillisSinceEpoch).toBe(Date.UTC(2020, 6, 20));
    expect(windows[0]!.scanInstances[0]).toMatchObject({
      minAttenuationDb: 36,
      typicalAttenuationDb: 36,
      sightings: 3,
      maxRssiDbm: -60,
    });
    expect(windows[1]!.durationS).toBe(600);
    expect(windows[0]!).toMatchObject({
      reportType: 1,
      infectiousness: 1,
      calibrationConfidence: 0,
    });
    const [day] = dailySummaries(windows);
    expect(day).toMatchObject({
      day: '2020-07-20',
      windows: 2,
      closeMinutes: 37,
      closeContact: true,
      weightedDurationMinutes: 37,
    });
  });

  it('counts time from scans that heard nobody, and a continuous scanner does not become one endless scan', () => {
    // Seen at minutes 0 and 10; the scanner also scanned at minute 5 and heard nobody.
    const sightings = [...scan(0, -60), ...scan(10, -60)];
    const scans = [0, 5, 10].map((m) => ({ startMs: T0 + m * 60_000, durationMs: 4000 }));
    expect(
      exposureWindows(sightings, {}, undefined, { scans })[0]!.scanInstances.map(
        (s) => s.secondsSinceLastScan,
      ),
    ).toEqual([120, 300]);
    // Without that scan: 10 minutes since the previous known scan, capped at 5.
    expect(exposureWindows(sightings)[0]!.scanInstances.map((s) => s.secondsSinceLastScan)).toEqual(
      [120, 300],
    );
    // A receiver that hears the contact every 2 s for 20 minutes: rebuilt scans are cut every minute.
    const continuous: Sighting[] = Array.from({ length: 600 }, (_, i) => ({
      scheme: 'gaen',
      id: ids[0]!,
      timeMs: T0 + i * 2000,
      rssiDbm: -60,
    }));
    const [w] = exposureWindows(continuous);
    expect(w!.durationS).toBe(120 + 19 * 60);
  });

  it('dates a window by its first sighting, never the day before', () => {
    const midnight = Date.UTC(2020, 6, 21);
    const [w] = exposureWindows([
      { scheme: 'gaen', id: ids[0]!, timeMs: midnight + 30_000, rssiDbm: -60 },
    ]);
    expect(w!.dateMillisSinceEpoch).toBe(midnight);
    expect(dailySummaries([w!])[0]!.day).toBe('2020-07-21');
  });

  it('drops implausible TX power and replayed RPIs, and rounds attenuations to whole dB ≥ 0', () => {
    const b = new EpisodeBuilder();
    b.add({ scheme: 'gaen', id: ids[0]!, timeMs: T0, rssiDbm: -60, txPowerDbm: 25 });
    b.add({ scheme: 'gaen', id: ids[0]!, timeMs: T0 + 1000, rssiDbm: -60, txPowerDbm: -51 });
    b.add({ scheme: 'gaen', id: ids[1]!, timeMs: T0 + 2000, rssiDbm: -10.4, txPowerDbm: -24 });
    b.add({ scheme: 'gaen', id: ids[1]!, timeMs: T0 + 21 * 60_000, rssiDbm: -60, txPowerDbm: -24 });
    const windows = b.finish();
    expect(b.drops).toEqual({ txPowerOutOfRange: 2, replayed: 1 });
    expect(windows).toHaveLength(1);
    expect(windows[0]!.scanInstances).toMatchObject([
      { minAttenuationDb: 0, typicalAttenuationDb: 0 },
    ]);
    const [rounded] = exposureWindows([
      { scheme: 'gaen', id: ids[2]!, timeMs: T0, rssiDbm: -79, txPowerDbm: -24 },
      { scheme: 'gaen', id: ids[2]!, timeMs: T0 + 1000, rssiDbm: -80, txPowerDbm: -24 },
    ]);
    // Mean 55.5 dB rounds up to 56, past the 55 dB immediate threshold, as GAEN's Math.round.
    expect(rounded!.scanInstances[0]).toMatchObject({
      minAttenuationDb: 55,
      typicalAttenuationDb: 56,
    });
    expect(rounded!.bucketDurationsS).toEqual([0, 120, 0, 0]);
  });

  it('buckets by typical attenuation and weighs the score', () => {
    const sightings = [...scan(0, -70), ...scan(5, -84), ...scan(10, -92), ...scan(15, -100)];
    const [w] = exposureWindows(sightings);
    // 46 dB immediate, 60 near, 68 medium, 76 other.
    expect(w!.bucketDurationsS).toEqual([120, 300, 300, 300]);
    expect(w!.weightedDurationS).toBe(120 + 300 + 150);
    const scored = exposureWindows(sightings, {}, () => ({ contact: 'k', reportType: 4 }));
    expect(scored).toHaveLength(1);
    expect(scored[0]!.score).toBe(0);
    expect(
      exposureWindows(sightings, { minimumWindowScore: 1 }, () => ({
        contact: 'k',
        reportType: 4,
      })),
    ).toHaveLength(0);
  });

  it('maps report type and days since onset as GAEN DiagnosisKeysDataMapping, dropping infectiousness NONE', () => {
    const config = parseEpisodeConfigJson(
      JSON.stringify({
        diagnosisKeysDataMapping: {
          daysSinceOnsetToInfectiousness: { '0': 'HIGH', '1': 1 },
          reportTypeWhenMissing: 'SELF_REPORT',
          infectiousnessWhenDaysSinceOnsetMissing: 'STANDARD',
        },
        dailySummariesConfig: {
          attenuationBucketThresholdDb: [55, 63, 73],
          attenuationBucketWeights: [1, 1, 0.5, 0],
          reportTypeWeights: { SELF_REPORT: 0.5, CONFIRMED_TEST: 1 },
          infectiousnessWeights: { STANDARD: 1, HIGH: 2 },
        },
      }),
    );
    const s = scan(0, -60);
    expect(
      exposureWindows(s, config, () => ({ contact: 'k', daysSinceOnsetOfSymptoms: 0 }))[0],
    ).toMatchObject({ reportType: 3, infectiousness: 2, score: 120 * 0.5 * 2 });
    expect(exposureWindows(s, config, () => ({ contact: 'k', reportType: 1 }))[0]).toMatchObject({
      reportType: 1,
      infectiousness: 1,
      score: 120,
    });
    expect(
      exposureWindows(s, config, () => ({ contact: 'k', daysSinceOnsetOfSymptoms: 5 })),
    ).toHaveLength(0);
  });

  it('gives the distance verdict and the Bluezone app rule (any record stronger than the threshold) side by side', () => {
    // -80 dBm: 56 dB → 1.7 m (close), but below Bluezone's android→ios threshold of -69 dBm.
    const sightings = [0, 5, 10, 15].flatMap((m) => scan(m, -80));
    const [s1] = dailySummaries(exposureWindows(sightings));
    expect(s1).toMatchObject({
      closeMinutes: 17,
      closeContact: true,
      bluezoneCloseMinutes: 17,
      bluezoneCloseContact: true,
    });
    const [s2] = dailySummaries(
      exposureWindows(sightings, { bluezonePlatformPair: 'android->ios' }),
    );
    expect(s2).toMatchObject({
      closeContact: true,
      bluezoneCloseMinutes: 0,
      bluezoneCloseContact: false,
    });
    const [s3] = dailySummaries(exposureWindows(sightings, { closeContactMaxDistanceM: 1 }));
    expect(s3).toMatchObject({ closeMinutes: 0, closeContact: false });
    // One record, no duration: the app's rule holds; exactly at the threshold it does not (strict >).
    const once = (rssiDbm: number): Sighting[] => [
      { scheme: 'bluezone', id: new Uint8Array(12).fill(1), timeMs: T0, rssiDbm },
    ];
    expect(
      dailySummaries(exposureWindows(once(-68), { bluezonePlatformPair: 'android->ios' }))[0]!
        .bluezoneCloseContact,
    ).toBe(true);
    expect(
      dailySummaries(exposureWindows(once(-69), { bluezonePlatformPair: 'android->ios' }))[0]!
        .bluezoneCloseContact,
    ).toBe(false);
  });

  it('refuses out-of-order streaming with a clear error', () => {
    const b = new EpisodeBuilder();
    b.add(scan(5, -60)[0]!);
    expect(() => b.add(scan(0, -60)[0]!)).toThrow(OutOfOrderError);
  });
});

describe('episode config files', () => {
  it('reads partial configs over the defaults and names bad fields', () => {
    const c = parseEpisodeConfigJson(
      '{"attenuationThresholdsDb":[50,60,70],"closeContactMinDurationS":600}',
    );
    expect(c.attenuationThresholdsDb).toEqual([50, 60, 70]);
    expect(c.closeContactMinDurationS).toBe(600);
    expect(c.maxWindowS).toBe(1800);
    expect(() =>
      parseEpisodeConfigJson('{"attenuationThresholdsDb":[70,60,50]}', 'c.json'),
    ).toThrow(/^c\.json: attenuationThresholdsDb: expected 3 numbers 0\.\.255 in ascending order/);
    expect(() => parseEpisodeConfigJson('{"closeContactMinutes":15}', 'c.json')).toThrow(
      EpisodeConfigError,
    );
    expect(() =>
      parseEpisodeConfigJson('{"pathLoss":{"a0Db":50,"pathLossExponent":0,"sigmaDb":8}}', 'c.json'),
    ).toThrow(/^c\.json: pathLoss\.pathLossExponent: expected a number 0\.1\.\.10, got 0$/);
    expect(
      parseEpisodeConfigJson('{"pathLoss":{"a0Db":45,"pathLossExponent":2,"sigmaDb":6}}').pathLoss,
    ).toEqual({ a0Db: 45, pathLossExponent: 2, sigmaDb: 6 });
    expect(() => parseEpisodeConfigJson('{"closeContactMinutes":15}', 'c.json')).toThrow(
      /unknown setting "closeContactMinutes"/,
    );
  });

  it('validates GAEN objects as GAEN does, naming the field', () => {
    const bad = (o: unknown) => () => parseEpisodeConfigJson(JSON.stringify(o), 'g.json');
    const dsc = {
      attenuationBucketThresholdDb: [55, 63, 73],
      attenuationBucketWeights: [1, 1, 0.5, 0],
    };
    expect(
      bad({ dailySummariesConfig: { ...dsc, attenuationBucketThresholdDb: [55, 55, 73] } }),
    ).toThrow(
      /^g\.json: dailySummariesConfig\.attenuationBucketThresholdDb: expected 3 integers 0\.\.255, each larger/,
    );
    expect(bad({ dailySummariesConfig: { attenuationBucketThresholdDb: [55, 63, 73] } })).toThrow(
      /dailySummariesConfig\.attenuationBucketWeights: expected 4 numbers 0\.\.2\.5 \(required\)/,
    );
    expect(bad({ dailySummariesConfig: { ...dsc, infectiousnessWeights: { HIGH: 3 } } })).toThrow(
      /dailySummariesConfig\.infectiousnessWeights: expected 3 weights 0\.\.2\.5/,
    );
    expect(bad({ dailySummariesConfig: { ...dsc, daysSinceExposureThreshold: -1 } })).toThrow(
      /daysSinceExposureThreshold: expected an integer ≥ 0/,
    );
    expect(bad({ dailySummariesConfig: dsc, minimumWindowScore: 1 })).toThrow(
      /minimumWindowScore: set it inside dailySummariesConfig or outside it, not both/,
    );
    expect(
      bad({
        diagnosisKeysDataMapping: {
          daysSinceOnsetToInfectiousness: {},
          reportTypeWhenMissing: 0,
          infectiousnessWhenDaysSinceOnsetMissing: 1,
        },
      }),
    ).toThrow(/diagnosisKeysDataMapping\.reportTypeWhenMissing: expected a report type 1\.\.5/);
    expect(
      bad({
        diagnosisKeysDataMapping: {
          daysSinceOnsetToInfectiousness: { '15': 1 },
          reportTypeWhenMissing: 1,
          infectiousnessWhenDaysSinceOnsetMissing: 1,
        },
      }),
    ).toThrow(/daysSinceOnsetToInfectiousness\["15"\]/);
    expect(
      bad({
        diagnosisKeysDataMapping: { daysSinceOnsetToInfectiousness: {}, reportTypeWhenMissing: 1 },
      }),
    ).toThrow(
      /infectiousnessWhenDaysSinceOnsetMissing: expected NONE, STANDARD, HIGH or 0\.\.2 \(required\)/,
    );
    const ok = parseEpisodeConfigJson(
      JSON.stringify({
        dailySummariesConfig: {
          ...dsc,
          reportTypeWeights: [0, 1, 1, 0.5, 0, 0],
          infectiousnessWeights: [0, 1, 1.5],
          minimumWindowScore: 60,
        },
      }),
    );
    expect(ok).toMatchObject({
      attenuationThresholdsDb: [55, 63, 73],
      reportTypeWeights: [0, 1, 1, 0.5, 0, 0],
      infectiousnessWeights: [0, 1, 1.5],
      minimumWindowScore: 60,
    });
  });
});
