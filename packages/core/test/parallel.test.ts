import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  associatedEncryptedMetadata,
  associatedEncryptedMetadataKey,
  bluezoneIdsFrom,
  encodeGaenMetadata,
  SightingIndex,
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
import { chooseMatchThreads, matchInParallel, MIN_KEYS_PER_THREAD } from '@proxsense/core/node';

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
      const id = rollingProximityIdentifiers(
        pureCryptoProvider,
        rollingProximityIdentifierKey(pureCryptoProvider, keyData),
        interval,
        1,
      );
      sightings.push(
        { scheme: 'gaen', id, timeMs: interval * 600_000 + k, rssiDbm: -60 },
        { scheme: 'gaen', id, timeMs: interval * 600_000 + 9 * 3_600_000, rssiDbm: -61 },
      );
      // Every third planted key also left an AEM, which the workers must decrypt from the shared index.
      if (k % 3 === 0) {
        const aem = associatedEncryptedMetadata(
          pureCryptoProvider,
          associatedEncryptedMetadataKey(pureCryptoProvider, keyData),
          id,
          encodeGaenMetadata({ txPowerDbm: -(k % 40), calibrationConfidence: k % 4 }),
        );
        sightings.push({
          scheme: 'gaen',
          id,
          aem,
          timeMs: interval * 600_000 + 1000 + k,
          rssiDbm: -62,
        });
      }
    }
  }
  const dailyKey = random.randomBytes(32);
  keys.splice(5, 0, {
    scheme: 'bluezone',
    dailyKey,
    timeDkS: DAY * 600,
    maxRoll: 96,
    timeTeS: DAY * 600 + 86_399,
  });
  sightings.push({
    scheme: 'bluezone',
    id: bluezoneIdsFrom(pureCryptoProvider, dailyKey, 96, 3, 1),
    timeMs: DAY * 600_000 + 3 * 900_000 + 5,
    rssiDbm: -70,
  });
  for (let s = 0; s < 500; s++)
    sightings.push({
      scheme: 'gaen',
      id: random.randomBytes(16),
      timeMs: DAY * 600_000 + s * 1000,
      rssiDbm: -80,
    });
  return { keys, sightings };
}

const describeMatch = (m: Match) =>
  `${bytesToHex(m.key.scheme === 'gaen' ? m.key.keyData : m.key.dailyKey)}/${m.interval}/${bytesToHex(m.id)}/${m.sighting.timeMs}/${m.decryptedTxPowerDbm}/${m.decryptedCalibrationConfidence}`;

async function checkAgainstSingleThread(run: typeof matchInParallel) {
  const { keys, sightings } = scenario(3000);
  const expected: string[] = [];
  new Matcher(sightings).matchAll(keys).forEach((m) => expected.push(describeMatch(m)));
  expect(expected.length).toBeGreaterThan(50);
  const got: string[] = [];
  const progress: number[] = [];
  const stats = await run(keys, sightings, (m) => got.push(describeMatch(m)), {
    threads: 2,
    batchSize: 256,
    onProgress: (n) => progress.push(n),
  });
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

  it('works under require() (CommonJS build: the worker is found although the code sits in a dist/ chunk)', () => {
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    const script = `
      const core = require(${JSON.stringify(`${dist}index.cjs`)});
      const { matchInParallel } = require(${JSON.stringify(`${dist}node/index.cjs`)});
      const random = new core.SeededRandom(3);
      const keys = [];
      const sightings = [];
      for (let k = 0; k < 400; k++) {
        const keyData = random.randomBytes(16);
        keys.push({ scheme: 'gaen', keyData, rollingStartIntervalNumber: ${DAY}, rollingPeriod: 144 });
        if (k % 9 === 0) {
          const id = core.rollingProximityIdentifiers(core.pureCryptoProvider, core.rollingProximityIdentifierKey(core.pureCryptoProvider, keyData), ${DAY} + 5, 1);
          sightings.push({ scheme: 'gaen', id, timeMs: (${DAY} + 5) * 600000 + k, rssiDbm: -60 });
        }
      }
      const expected = core.matchDiagnosisKeys(keys, sightings).map((m) => m.sighting.timeMs);
      const got = [];
      matchInParallel(keys, sightings, (m) => got.push(m.sighting.timeMs), { threads: 2, batchSize: 64 }).then((stats) => {
        console.log(JSON.stringify({ expected, got, keys: stats.keys }));
      }, (error) => { console.error(error); process.exit(1); });
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { expected: number[]; got: number[]; keys: number };
    expect(out.expected).toHaveLength(45);
    expect(out.got).toEqual(out.expected);
    expect(out.keys).toBe(400);
  });

  it('shares the index: parts on SharedArrayBuffers, and an index rebuilt from them finds the same sightings', () => {
    const { sightings } = scenario(400);
    const local = new SightingIndex('gaen', sightings);
    const shared = new SightingIndex('gaen', sightings, { memory: 'shared' });
    const parts = shared.parts();
    for (const array of [
      parts.ids,
      parts.order,
      parts.timeMs,
      parts.table,
      parts.prefilter,
      parts.aem,
      parts.hasAem,
      parts.groupStart,
    ]) {
      expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    expect(local.parts().ids.buffer).toBeInstanceOf(ArrayBuffer);
    const rebuilt = SightingIndex.fromParts(structuredClone(parts));
    // A structured clone of SharedArrayBuffer views is a view on the same memory, not a copy.
    parts.timeMs[0] = -1;
    expect(rebuilt.timeAt(0)).toBe(-1);
    parts.timeMs[0] = local.timeAt(0);
    sightings.forEach((s, i) => {
      if (s.scheme !== 'gaen') return;
      const g = rebuilt.findGroup(s.id);
      expect(g).toBe(local.findGroup(s.id));
      const [from, to] = rebuilt.groupRange(g);
      const positions = Array.from({ length: to - from }, (_, j) =>
        rebuilt.sourceIndexAt(from + j),
      );
      expect(positions).toContain(i);
    });
    expect(() => rebuilt.sightingAt(0)).toThrow(/sourceIndexAt/);
  });

  it('chooses threads only when there is enough work for them', () => {
    const { keys, sightings } = scenario(10);
    const keyData = new Uint8Array(16);
    const many = (n: number, start = DAY): DiagnosisKey[] =>
      Array.from({ length: n }, () => ({
        scheme: 'gaen',
        keyData,
        rollingStartIntervalNumber: start,
        rollingPeriod: 144,
      }));
    expect(chooseMatchThreads(keys, sightings, 16)).toBe(1);
    expect(chooseMatchThreads(many(2 * MIN_KEYS_PER_THREAD - 1), sightings, 16)).toBe(1);
    expect(chooseMatchThreads(many(2 * MIN_KEYS_PER_THREAD), sightings, 16)).toBe(2);
    expect(chooseMatchThreads(many(16 * MIN_KEYS_PER_THREAD), sightings, 16)).toBe(16);
    expect(chooseMatchThreads(many(16 * MIN_KEYS_PER_THREAD), sightings, 1)).toBe(1);
    // Keys a week away from every sighting cost no crypto: they do not count.
    expect(chooseMatchThreads(many(16 * MIN_KEYS_PER_THREAD, DAY + 7 * 144), sightings, 16)).toBe(
      1,
    );
    expect(chooseMatchThreads(many(16 * MIN_KEYS_PER_THREAD), [], 16)).toBe(1);
  });

  it('handles no keys', async () => {
    expect(await matchInParallel([], [], () => {}, { threads: 2 })).toMatchObject({
      keys: 0,
      matches: 0,
    });
  });
});
