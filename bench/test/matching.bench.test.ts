import { describe, expect, it } from 'vitest';
import { runMatchingBench } from '../matching.js';

// Not a timed test: it only checks that the benchmark runs end to end and finds what it planted.
describe('matching benchmark (smoke, tiny sizes)', () => {
  it('runs and finds every planted key', () => {
    const r = runMatchingBench({
      keys: 500,
      pureKeys: 200,
      scaleKeys: 1_500,
      sightings: 2_000,
      planted: 30,
      threads: 2,
      memoryKeys: 1_000,
      memorySightings: 5_000,
      repeats: 1,
      quiet: 1,
    });
    expect(r.scale.plantedFound).toBe(30);
    expect(r.nodeKeysPerS).toBeGreaterThan(0);
    expect(r.pureKeysPerS).toBeGreaterThan(0);
    expect(r.parallelKeysPerS).toBeGreaterThan(0);
    expect(r.boundKeysPerS).toBeGreaterThan(0);
    // Each thread configuration ran in its own process and found the same planted sightings.
    expect(r.threadsVsOne.one.matches).toBe(30);
    expect(r.threadsVsOne.many).toMatchObject({ threads: 2, matches: 30 });
    expect(r.threadsVsOne.many.peakRssMb).toBeGreaterThan(0);
    expect(r.memory.many).toMatchObject({ threads: 2, sightings: 5_000 });
    expect(r.defaultVsOne.map((d) => [d.keys, d.chosenThreads])).toEqual([[1_500, 1]]);
  });
});
