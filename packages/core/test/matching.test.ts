import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bluezoneIdsFrom,
  bytesToHex,
  type DiagnosisKey,
  Matcher,
  matchDiagnosisKeys,
  pureCryptoProvider,
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  associatedEncryptedMetadata,
  associatedEncryptedMetadataKey,
  encodeGaenMetadata,
  SeededRandom,
  type Sighting,
  SightingIndex,
} from '@proxsense/core';
import { nodeCryptoProvider } from '@proxsense/core/node';

const DAY_START_INTERVAL = 2_900_016; // a multiple of 144 (2025-02-20)
const I_MS = 600_000;
const TOL_MS = 7_200_000;

/** Naive reference: every ID of every key against every sighting. */
function referenceMatches(keys: DiagnosisKey[], sightings: Sighting[]): string[] {
  const out: string[] = [];
  for (const key of keys) {
    if (key.scheme === 'gaen') {
      const rpis = rollingProximityIdentifiers(
        pureCryptoProvider,
        rollingProximityIdentifierKey(pureCryptoProvider, key.keyData),
        key.rollingStartIntervalNumber,
        key.rollingPeriod,
      );
      for (let i = 0; i < key.rollingPeriod; i++) {
        const interval = key.rollingStartIntervalNumber + i;
        const rpi = bytesToHex(rpis.subarray(i * 16, i * 16 + 16));
        for (const s of sightings) {
          if (
            s.scheme === 'gaen' &&
            bytesToHex(s.id) === rpi &&
            s.timeMs >= interval * I_MS - TOL_MS &&
            s.timeMs < (interval + 1) * I_MS + TOL_MS
          )
            out.push(`${bytesToHex(key.keyData)}/${interval}/${s.timeMs}`);
        }
      }
    } else {
      const slotMs = Math.floor(86_400_000 / key.maxRoll);
      const n = Math.floor(((key.timeTeS - key.timeDkS) * 1000) / slotMs) + 1;
      const ids = bluezoneIdsFrom(pureCryptoProvider, key.dailyKey, key.maxRoll, 0, n);
      for (let i = 0; i < n; i++) {
        const start = key.timeDkS * 1000 + i * slotMs;
        for (const s of sightings) {
          if (
            s.scheme === 'bluezone' &&
            bytesToHex(s.id) === bytesToHex(ids.subarray(i * 12, i * 12 + 12)) &&
            s.timeMs >= start &&
            s.timeMs <= start + slotMs
          )
            out.push(`${bytesToHex(key.dailyKey)}/${i}/${s.timeMs}`);
        }
      }
    }
  }
  return out.sort();
}

function keyName(m: { key: DiagnosisKey; interval: number; sighting: Sighting }): string {
  return `${bytesToHex(m.key.scheme === 'gaen' ? m.key.keyData : m.key.dailyKey)}/${m.interval}/${m.sighting.timeMs}`;
}

/** Keys of both schemes plus sightings: some of their IDs at offsets around the valid windows, some noise. */
const scenario = fc
  .record({
    seed: fc.integer(),
    gaenKeys: fc.integer({ min: 1, max: 4 }),
    bzKeys: fc.integer({ min: 0, max: 2 }),
    plants: fc.array(
      fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -3 * TOL_MS, max: 3 * TOL_MS })),
      { maxLength: 25 },
    ),
  })
  .map(({ seed, gaenKeys, bzKeys, plants }) => {
    const random = new SeededRandom(seed);
    const keys: DiagnosisKey[] = [];
    for (let k = 0; k < gaenKeys; k++)
      keys.push({
        scheme: 'gaen',
        keyData: random.randomBytes(16),
        rollingStartIntervalNumber: DAY_START_INTERVAL + 144 * (k % 2),
        rollingPeriod: 144 - (k % 3) * 40,
      });
    const dayS = DAY_START_INTERVAL * 600;
    for (let k = 0; k < bzKeys; k++)
      keys.push({
        scheme: 'bluezone',
        dailyKey: random.randomBytes(32),
        timeDkS: dayS,
        maxRoll: 96,
        timeTeS: dayS + 86_400 + 3_600 * k,
      });
    const sightings: Sighting[] = [];
    for (const [keyPick, intervalPick, offsetMs] of plants) {
      const key = keys[keyPick % keys.length]!;
      if (key.scheme === 'gaen') {
        const interval = key.rollingStartIntervalNumber + (intervalPick % key.rollingPeriod);
        const rpi = rollingProximityIdentifiers(
          pureCryptoProvider,
          rollingProximityIdentifierKey(pureCryptoProvider, key.keyData),
          interval,
          1,
        );
        sightings.push({
          scheme: 'gaen',
          id: rpi,
          timeMs: Math.max(0, interval * I_MS + offsetMs),
          rssiDbm: -60,
        });
      } else {
        const slot = intervalPick % 100;
        const id = bluezoneIdsFrom(pureCryptoProvider, key.dailyKey, 96, slot, 1);
        sightings.push({
          scheme: 'bluezone',
          id,
          timeMs: key.timeDkS * 1000 + slot * 900_000 + (offsetMs % 1_800_000),
          rssiDbm: -70,
        });
      }
    }
    sightings.push({
      scheme: 'gaen',
      id: random.randomBytes(16),
      timeMs: DAY_START_INTERVAL * I_MS,
      rssiDbm: -50,
    });
    sightings.push({
      scheme: 'bluezone',
      id: random.randomBytes(12),
      timeMs: DAY_START_INTERVAL * I_MS,
      rssiDbm: -50,
    });
    return { keys, sightings };
  });

describe('matching', () => {
  it('never matches RECURSIVE (4) or REVOKED (5) GAEN keys, as GAEN; other report types match', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 143 }),
        fc.constantFrom(undefined, 0, 1, 2, 3, 4, 5),
        (keyData, interval, reportType) => {
          const start = 2_650_000 - (2_650_000 % 144);
          const rpi = rollingProximityIdentifiers(
            pureCryptoProvider,
            rollingProximityIdentifierKey(pureCryptoProvider, keyData),
            start + interval,
            1,
          );
          const key: DiagnosisKey = {
            scheme: 'gaen',
            keyData,
            rollingStartIntervalNumber: start,
            rollingPeriod: 144,
            ...(reportType === undefined ? {} : { reportType }),
          };
          const matcher = new Matcher([
            { scheme: 'gaen', id: rpi, rssiDbm: -60, timeMs: (start + interval) * 600_000 },
          ]);
          const found = matcher.matchAll([key]).length;
          expect(found).toBe(reportType === 4 || reportType === 5 ? 0 : 1);
          expect(matcher.stats.keysIgnoredReportType).toBe(
            reportType === 4 || reportType === 5 ? 1 : 0,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds exactly what the naive reference finds, with either provider, in any key order', () => {
    fc.assert(
      fc.property(scenario, ({ keys, sightings }) => {
        const expected = referenceMatches(keys, sightings);
        for (const crypto of [pureCryptoProvider, nodeCryptoProvider]) {
          expect(matchDiagnosisKeys(keys, sightings, { crypto }).map(keyName).sort()).toEqual(
            expected,
          );
        }
        expect(
          matchDiagnosisKeys([...keys].reverse(), sightings)
            .map(keyName)
            .sort(),
        ).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('applies GAEN tolerance of ± 2 hours around the RPI interval, edges included and excluded', () => {
    const keyData = new SeededRandom(1).randomBytes(16);
    const key: DiagnosisKey = {
      scheme: 'gaen',
      keyData,
      rollingStartIntervalNumber: DAY_START_INTERVAL,
      rollingPeriod: 144,
    };
    const interval = DAY_START_INTERVAL + 50;
    const rpi = rollingProximityIdentifiers(
      pureCryptoProvider,
      rollingProximityIdentifierKey(pureCryptoProvider, keyData),
      interval,
      1,
    );
    const at = (timeMs: number): Sighting => ({ scheme: 'gaen', id: rpi, timeMs, rssiDbm: -55 });
    const times = [
      interval * I_MS - TOL_MS - 1,
      interval * I_MS - TOL_MS,
      (interval + 1) * I_MS + TOL_MS - 1,
      (interval + 1) * I_MS + TOL_MS,
    ];
    const matched = matchDiagnosisKeys([key], times.map(at)).map((m) => m.sighting.timeMs);
    expect(matched).toEqual([times[1], times[2]]);
  });

  it('decrypts the AEM of matched sightings to recover TX power', () => {
    const keyData = new SeededRandom(2).randomBytes(16);
    const interval = DAY_START_INTERVAL + 7;
    const rpi = rollingProximityIdentifiers(
      pureCryptoProvider,
      rollingProximityIdentifierKey(pureCryptoProvider, keyData),
      interval,
      1,
    );
    const aem = associatedEncryptedMetadata(
      pureCryptoProvider,
      associatedEncryptedMetadataKey(pureCryptoProvider, keyData),
      rpi,
      encodeGaenMetadata({ txPowerDbm: -12 }),
    );
    const [m] = matchDiagnosisKeys(
      [
        {
          scheme: 'gaen',
          keyData,
          rollingStartIntervalNumber: DAY_START_INTERVAL,
          rollingPeriod: 144,
        },
      ],
      [{ scheme: 'gaen', id: rpi, aem, timeMs: interval * I_MS + 5, rssiDbm: -70 }],
    );
    expect(m?.decryptedTxPowerDbm).toBe(-12);
    expect(m?.interval).toBe(interval);
  });

  it('skips keys whose window misses every stored sighting without deriving IDs', () => {
    const random = new SeededRandom(3);
    const matcher = new Matcher([
      {
        scheme: 'gaen',
        id: random.randomBytes(16),
        timeMs: DAY_START_INTERVAL * I_MS,
        rssiDbm: -60,
      },
    ]);
    matcher.matchKey(
      {
        scheme: 'gaen',
        keyData: random.randomBytes(16),
        rollingStartIntervalNumber: DAY_START_INTERVAL - 1440,
        rollingPeriod: 144,
      },
      () => {},
    );
    matcher.matchKey(
      {
        scheme: 'gaen',
        keyData: random.randomBytes(16),
        rollingStartIntervalNumber: DAY_START_INTERVAL,
        rollingPeriod: 144,
      },
      () => {},
    );
    expect(matcher.stats).toMatchObject({ keys: 2, keysOutsideSightings: 1, matches: 0 });
    // Only intervals whose ± 2 h window reaches the single sighting are derived: 12 before it, itself, 12 after → but clipped at key start.
    expect(matcher.stats.idsDerived).toBe(13);
  });

  it('indexes many sightings of the same ID into one group', () => {
    const id = new SeededRandom(4).randomBytes(16);
    const index = new SightingIndex(
      'gaen',
      Array.from({ length: 50 }, (_, i) => ({
        scheme: 'gaen' as const,
        id,
        timeMs: i,
        rssiDbm: -40,
      })),
    );
    expect(index.distinctIds).toBe(1);
    const g = index.findGroup(id);
    expect(index.groupRange(g)).toEqual([0, 50]);
    expect(index.findGroup(new Uint8Array(16))).toBe(-1);
  });
});
