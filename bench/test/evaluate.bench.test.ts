import { describe, expect, it } from 'vitest';
import { LIMIT_EVALUATION_TO_ENGINE, runEvaluateBench } from '../evaluate.js';

// Not a timed test: it checks the benchmark runs end to end on a small city and accounts for it.
describe('evaluate benchmark (smoke)', () => {
  it('splits engine, evaluation and writing CPU and prints the ratio to the limit', async () => {
    const r = await runEvaluateBench({ phones: 300, durationS: 600, quiet: 1 });
    expect(r.sightings).toBeGreaterThan(1000);
    expect(r.verdicts).toBeGreaterThan(100);
    expect(r.engineCpuS).toBeGreaterThan(0);
    expect(r.verdictsCpuS).toBeGreaterThan(0);
    expect(r.verdictsCpuS).toBeLessThanOrEqual(r.evaluationCpuS);
    expect(r.ratioToLimit).toBeCloseTo(r.evaluationToEngine / LIMIT_EVALUATION_TO_ENGINE, 9);
    expect(r.peakRssBytes).toBeGreaterThanOrEqual(r.rssAfterEngineBytes * 0.5);
  }, 60_000);
});
