import { describe, expect, it } from 'vitest';
import { runFloodBench } from '../flood.js';

// Not a timed test: it checks the benchmark runs end to end on a small flood and accounts for it.
describe('flood benchmark (smoke)', () => {
  it('floods, stores and reports the rate ratio measured in the same run', async () => {
    const r = await runFloodBench({ devices: 1_200, rate: 3_000, seconds: 6, quiet: 1 });
    expect(r.advertsSent).toBeGreaterThan(15_000);
    expect(r.stored).toBe(r.sightingsStored);
    expect(r.ratioToFloodRate).toBeGreaterThan(0);
  }, 120_000);
});
