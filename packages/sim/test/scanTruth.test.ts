import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DISTANCE_CM, ScanTruth } from '../src/radio/scanTruth.js';

/**
 * A scan as the air serves it: chunks, each listing an advertiser (and so an ID) at most once; IDs from
 * a small range, so several share a table place and probing past other IDs is exercised.
 */
const scans = fc.array(
  fc.array(
    fc.uniqueArray(
      fc.record({
        idIndex: fc.integer({ min: 0, max: 300 }),
        distanceM: fc.double({ min: 0, max: 800, noNaN: true }),
      }),
      { selector: (r) => r.idIndex, maxLength: 150 },
    ),
    { maxLength: 6 },
  ),
  { minLength: 1, maxLength: 3 },
);

describe('ScanTruth', () => {
  it('gives each ID of a scan one entry, with its first distance, across chunks and scans (one object reused)', () => {
    const truth = new ScanTruth();
    fc.assert(
      fc.property(scans, (scanList) => {
        for (const chunks of scanList) {
          truth.clear();
          const entryOf = new Map<number, number>();
          const firstCm = new Map<number, number>();
          for (const chunk of chunks) {
            truth.beginChunk();
            for (const { idIndex, distanceM } of chunk) {
              const entry = truth.record(idIndex, distanceM);
              if (entryOf.has(idIndex)) expect(entry).toBe(entryOf.get(idIndex));
              else {
                expect(entry).toBe(entryOf.size);
                entryOf.set(idIndex, entry);
                firstCm.set(idIndex, Math.min(MAX_DISTANCE_CM, Math.round(distanceM * 100)));
              }
            }
          }
          expect(truth.size).toBe(entryOf.size);
          for (const [idIndex, entry] of entryOf) {
            expect(truth.idIndex[entry]).toBe(idIndex);
            expect(truth.distanceCm[entry]).toBe(firstCm.get(idIndex));
            expect(truth.find(idIndex)).toBe(entry);
          }
          // IDs the scan never heard are not found.
          for (const idIndex of [301, 302, 1e6]) expect(truth.find(idIndex)).toBe(-1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds the IDs of a scan still in its first chunk, which it has not hashed yet', () => {
    const truth = new ScanTruth();
    truth.beginChunk();
    for (let i = 0; i < 100; i++) truth.record(1000 + i, i);
    for (let i = 0; i < 100; i++) expect(truth.find(1000 + i)).toBe(i);
    // Recording again after the read hashed them keeps their entries.
    truth.beginChunk();
    expect(truth.record(1001, 5)).toBe(1);
    expect(truth.distanceCm[1]).toBe(100);
  });
});
