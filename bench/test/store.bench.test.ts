import { describe, expect, it } from 'vitest';
import { runStoreBench } from '../store.js';

// Not a timed test: it checks the benchmark runs end to end on a tiny input and reads everything back.
describe('store benchmark (smoke)', () => {
  it('appends in fsynced batches and measures the raw baselines in the same run', () => {
    const r = runStoreBench({ records: 500, batch: 50, quiet: 1 });
    expect(r.batches).toBe(10);
    expect(r.bytes).toBeGreaterThan(500 * 40);
    expect(r.storePerS).toBeGreaterThan(0);
    expect(r.ratioToRawSync).toBeGreaterThan(0);
    expect(r.ratioToRawNoSync).toBeGreaterThan(0);
  });
});
