import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  estimateRows,
  FitError,
  fitWithFilterSelection,
  modelFileObject,
  parseCsv,
  parseModelFileJson,
  ProxsenseError,
  readRowReadings,
  type EvaluationReading,
} from '@proxsense/core';

const cell = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0x10',
    'Infinity',
    '1e400',
    '-1e308',
    'NaN',
    '-127',
    '20',
    '127',
    '-40',
    '1e-320',
    '"',
    'constructor',
    '__proto__',
  ),
  fc.double().map(String),
  fc.integer({ min: -200, max: 200 }).map(String),
  fc.string({ maxLength: 6 }),
);
const header = fc.shuffledSubarray(
  ['rssi', 'tx', 'distance', 'id', 't', 'model', 'tx_model', 'position', 'manufacturer'],
  { minLength: 1 },
);
const csv = header.chain((cols) =>
  fc
    .array(fc.array(cell, { minLength: cols.length, maxLength: cols.length }), { maxLength: 30 })
    .map((rows) => [cols.join(','), ...rows.map((r) => r.join(','))].join('\n')),
);

/** Only a ProxsenseError (one line, naming the file) may escape; anything else is a crash. */
function onlyTypedErrors(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    if (!(error instanceof ProxsenseError)) throw error;
    expect(error.message).not.toMatch(/\n/);
    return true;
  }
}

describe('proximity readers under random input', () => {
  it('estimate and fit either succeed or throw a typed one-line error, on mutated CSVs and random bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          csv,
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => new TextDecoder().decode(b)),
        ),
        (text) => {
          onlyTypedErrors(() => {
            const out = estimateRows(parseCsv(text, 'f.csv'), 'f.csv', { closeM: 2 });
            for (const row of out.values)
              for (const v of row) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
          });
          onlyTypedErrors(() =>
            fitWithFilterSelection(
              readRowReadings(parseCsv(text, 'f.csv'), 'f.csv', {
                requireDistance: true,
              }) as EvaluationReading[],
            ),
          );
          onlyTypedErrors(() => parseModelFileJson(text, 'm.json'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('quotes a field holding a line break on one line (a counterexample the fuzzer found)', () => {
    const text = 't,model,tx_model,rssi,manufacturer,tx\n0,,0,",0,\n,0,,",,';
    expect(() => estimateRows(parseCsv(text, 'f.csv'), 'f.csv', { closeM: 2 })).toThrow(
      'f.csv:2: column "rssi": expected a number ≥ -127 ≤ 20, got ",0,\\n,0,,"',
    );
  });

  it('a fit on any in-range readings either fails with FitError or yields a model file that loads back', () => {
    const reading = fc.record({
      rssi: fc.integer({ min: -127, max: 20 }),
      distance: fc.double({ min: 0.01, max: 1000, noNaN: true }),
      series: fc.integer({ min: 0, max: 4 }),
      t: fc.integer({ min: 0, max: 1e6 }),
      model: fc.constantFrom('A', 'B', 'constructor'),
    });
    fc.assert(
      fc.property(fc.array(reading, { minLength: 0, maxLength: 60 }), (rows) => {
        const readings: EvaluationReading[] = rows.map((r) => ({
          rssiDbm: r.rssi,
          attenuationDb: -24 - r.rssi,
          distanceM: r.distance,
          series: String(r.series),
          timeMs: r.t,
          context: { model: r.model },
        }));
        try {
          const { fit } = fitWithFilterSelection(readings);
          const back = parseModelFileJson(JSON.stringify(modelFileObject(fit.model)), 'm.json');
          expect(back.pathLossExponent).toBe(fit.model.pathLossExponent);
        } catch (error) {
          if (!(error instanceof FitError)) throw error;
        }
      }),
      { numRuns: 200 },
    );
  });
});
