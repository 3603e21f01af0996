import { describe, expect, it } from 'vitest';
import {
  bluezoneIdsFrom,
  bytesToHex,
  Matcher,
  pureCryptoProvider,
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  SeededRandom,
  type DiagnosisKey,
  type Match,
  type Sighting,
} from '@proxsense/core';
import { matchInParallel } from '@proxsense/core/node';

const DAY = 2_900_016;

function scenario(keyCount: number) {
  const random = new SeededRandom(11);
  const keys: DiagnosisKey[] = [];
  const sightings: Sighting[] = [];
  for (let k = 0; k < keyCount; k++) {
    const keyData = random.randomBytes(16);
    keys.push({ scheme: 'gaen', keyData, rollingStartIntervalNumber: DAY, rollingPeriod: 144 });
    if (k % 37 === 0) {
      const interval = DAY + (k % 144);
      const id = rollingProximityIdentifiers(pureCryptoProvider, rollingProximityIdentifierKey(pureCryptoProvider, keyData), interval, 1);
      sightings.push({ scheme: 'gaen', id, timeMs: interval * 600_000 + k, rssiDbm: -60 }, { scheme: 'gaen', id, timeMs: interval * 600_000 + 9 * 3_600_000, rssiDbm: -61 });
    }
  }
  const dailyKey = random.randomBytes(32);
  keys.splice(5, 0, { scheme: 'bluezone', dailyKey, timeDkS: DAY * 600, maxRoll: 96, timeTeS: DAY * 600 + 86_399 });
  sightings.push({ scheme: 'bluezone', id: bluezoneIdsFrom(pureCryptoProvider, dailyKey, 96, 3, 1), timeMs: DAY * 600_000 + 3 * 900_000 + 5, rssiDbm: -70 });
  for (let s = 0; s < 500; s++) sightings.push({ scheme: 'gaen', id: random.randomBytes(16), timeMs: DAY * 600_000 + s * 1000, rssiDbm: -80 });
  return { keys, sightings };
}

const describeMatch = (m: Match) => `${bytesToHex(m.key.scheme === 'gaen' ? m.key.keyData : m.key.dailyKey)}/${m.interval}/${bytesToHex(m.id)}/${m.sighting.timeMs}`;

async function checkAgainstSingleThread(run: typeof matchInParallel) {
  const { keys, sightings } = scenario(3000);
  const expected: string[] = [];
  new Matcher(sightings).matchAll(keys).forEach((m) => expected.push(describeMatch(m)));
  expect(expected.length).toBeGreaterThan(50);
  const got: string[] = [];
  const progress: number[] = [];
  const stats = await run(keys, sightings, (m) => got.push(describeMatch(m)), { threads: 2, batchSize: 256, onProgress: (n) => progress.push(n) });
  // Same matches in the same order as one thread gives.
  expect(got).toEqual(expected);
  expect(stats.keys).toBe(keys.length);
  expect(stats.matches).toBe(expected.length);
  expect(progress.at(-1)).toBe(keys.length);
}

describe('matchInParallel', () => {
  it('gives exactly the single-threaded matches, in order (source build)', async () => {
    await checkAgainstSingleThread(matchInParallel);
  });

  it('works from the built package too (worker file located next to dist/node/index.js)', async () => {
    const built = await import('../dist/node/index.js');
    await checkAgainstSingleThread(built.matchInParallel as typeof matchInParallel);
  });

  it('handles no keys', async () => {
    expect(await matchInParallel([], [], () => {}, { threads: 2 })).toMatchObject({ keys: 0, matches: 0 });
  });
});
