import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DISTANCE_CM, ScanTruth, ScanTruthColumns } from '../src/radio/scanTruth.js';

/**
 * A scan as the air serves it: chunks, each listing an advertiser (and so an ID) at most once; IDs from
 * a small range, so several share a table place and probing past other IDs is exercised.
 */
const chunk = fc.uniqueArray(
  fc.record({
    idIndex: fc.integer({ min: 0, max: 300 }),
    distanceM: fc.double({ min: 0, max: 800, noNaN: true }),
  }),
  { selector: (r) => r.idIndex, maxLength: 150 },
);
const scans = fc.array(fc.array(chunk, { maxLength: 6 }), { minLength: 1, maxLength: 3 });

describe('ScanTruth', () => {
  it('gives each ID of a scan one entry, with its first distance, across chunks and scans (one object reused)', () => {
    const truth = new ScanTruth(new ScanTruthColumns());
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
            expect(truth.idIndexAt(entry)).toBe(idIndex);
            expect(truth.distanceCmAt(entry)).toBe(firstCm.get(idIndex));
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
    const truth = new ScanTruth(new ScanTruthColumns());
    truth.beginChunk();
    for (let i = 0; i < 100; i++) truth.record(1000 + i, i);
    for (let i = 0; i < 100; i++) expect(truth.find(1000 + i)).toBe(i);
    // Recording again after the read hashed them keeps their entries.
    truth.beginChunk();
    expect(truth.record(1001, 5)).toBe(1);
    expect(truth.distanceCmAt(1)).toBe(100);
  });

  it('keeps scans open at once apart in the shared columns, and gives every page back when they end', () => {
    const columns = new ScanTruthColumns();
    // Per step: which of three open scans gets the next chunk, and the chunk.
    const steps = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), chunk), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(steps, fc.integer({ min: 0, max: 2 }), (stepList, ended) => {
        const open = [0, 1, 2].map(() => new ScanTruth(columns));
        const firstCm = open.map(() => new Map<number, number>());
        for (const [s, chunk] of stepList) {
          open[s]!.beginChunk();
          for (const { idIndex, distanceM } of chunk) {
            const known = firstCm[s]!.has(idIndex);
            const entry = open[s]!.record(idIndex, distanceM);
            if (!known) {
              expect(entry).toBe(firstCm[s]!.size);
              firstCm[s]!.set(idIndex, Math.min(MAX_DISTANCE_CM, Math.round(distanceM * 100)));
            }
          }
        }
        // One scan ends and its pages go to a new one, while the others stay open.
        open[ended]!.clear();
        firstCm[ended]!.clear();
        const next = new ScanTruth(columns);
        next.beginChunk();
        for (let i = 0; i < 40; i++) next.record(5000 + i, i);
        open.forEach((truth, s) => {
          expect(truth.size).toBe(firstCm[s]!.size);
          for (const [idIndex, cm] of firstCm[s]!) {
            const entry = truth.find(idIndex);
            expect(truth.idIndexAt(entry)).toBe(idIndex);
            expect(truth.distanceCmAt(entry)).toBe(cm);
          }
          expect(truth.find(5001)).toBe(-1);
        });
        for (let i = 0; i < 40; i++) expect(next.distanceCmAt(next.find(5000 + i))).toBe(100 * i);
        for (const truth of [...open, next]) truth.clear();
        expect(columns.pages.pagesInUse).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
