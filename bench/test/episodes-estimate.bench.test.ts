import { describe, expect, it } from 'vitest';
import { runEpisodesBench } from '../episodes.js';
import { runEstimateBench } from '../estimate.js';

// Not timed tests: they check the benchmarks run end to end on tiny inputs and produce sane figures.
describe('episodes and estimate benchmarks (smoke)', () => {
  it('episodes builds windows from the synthetic log', () => {
    const r = runEpisodesBench({ sightings: 20_000, objectSightings: 5_000, quiet: 1 });
    // 20 scans of 100 IDs, IDs rotating every 2 scans: 10 generations × 100 IDs → one window each.
    expect(r.windows).toBe(1000);
    expect(r.indexedPerS).toBeGreaterThan(0);
  });
  it('estimate runs every filter', () => {
    const r = runEstimateBench({ rows: 2_000, quiet: 1 });
    expect(r.kalman).toBeGreaterThan(0);
    expect(r.median).toBeGreaterThan(0);
  });
});
