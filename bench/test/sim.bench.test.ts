import { describe, expect, it } from 'vitest';
import { SIM_NODE_FLAGS } from '@proxsense/sim';
import { growthExponent, runSimBench } from '../sim.js';

// Not a timed test: it checks the benchmark runs end to end on a tiny city, both profiles.
describe('sim benchmark (smoke, tiny sizes)', () => {
  it('runs GAEN and Bluezone at one size and reports every figure', () => {
    const r = runSimBench({ phones: 60, durationS: 600, both: 1, quiet: 1 });
    expect(r.points.map((p) => p.profile)).toEqual(['gaen', 'bluezone']);
    for (const p of r.points) {
      expect(p.advertsSampled).toBeGreaterThan(0);
      expect(p.sightingsStored).toBeGreaterThan(0);
      expect(p.cpuS).toBeGreaterThan(0);
      expect(p.peakRssBytes).toBeGreaterThan(0);
      // The worker runs under the flags it is given (tsx's CLI would run it in a second process without them).
      expect(p.gcBeforeBaseline).toBe(true);
      for (const flag of SIM_NODE_FLAGS) expect(p.nodeFlags).toContain(flag);
    }
    expect(r.bluezoneRatio).toBeGreaterThan(0);
  });

  it('fits the growth exponent of a power law exactly', () => {
    expect(growthExponent([1e4, 3e4, 1e5], [2, 2 * 3 ** 1.07, 2 * 10 ** 1.07])).toBeCloseTo(
      1.07,
      10,
    );
  });
});
