import { describe, expect, it } from 'vitest';
import { runSweepBench } from '../sweep.js';

// Not a timed test: it checks the benchmark runs end to end on a tiny sweep and the pools agree.
describe('sweep benchmark (smoke, tiny sizes)', () => {
  it('runs the sweep on 1 and 2 workers', async () => {
    const r = await runSweepBench({ workers: 2, phones: 10, durationS: 300, runs: 1, quiet: 1 });
    expect(r.jobs).toBe(10);
    expect(r.oneWorkerRunsPerS).toBeGreaterThan(0);
    expect(r.parallelRunsPerS).toBeGreaterThan(0);
    expect(r.efficiency).toBeCloseTo(r.speedUp / 2, 12);
  });
});
