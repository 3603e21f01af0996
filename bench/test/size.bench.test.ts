import { describe, expect, it } from 'vitest';
import { runSizeBench } from '../size.js';

// Sizes are deterministic (same sources, same esbuild), so unlike timings they can be checked here.
describe('size benchmark (bundles the built package)', () => {
  it('keeps each use under its gzip limit and pulls only the libraries it needs', async () => {
    const results = await runSizeBench({ quiet: 1 });
    expect(results.map((r) => r.name)).toEqual([
      'derive + match',
      'advert codec alone',
      'read a key export',
    ]);
    for (const r of results) {
      expect(r.gzipBytes, r.name).toBeLessThan(r.minifiedBytes);
      expect(r.ratioToLimit, r.name).toBeLessThan(1);
    }
    const [deriveMatch, advert, keyExport] = results;
    expect(deriveMatch!.gzipBytes).toBeLessThan(15 * 1024);
    expect(deriveMatch!.packages).toEqual(['@noble/ciphers', '@noble/hashes']);
    expect(advert!.packages).toEqual([]);
    expect(keyExport!.packages).toContain('@bufbuild/protobuf');
    expect(keyExport!.packages).not.toContain('papaparse');
  });
});
