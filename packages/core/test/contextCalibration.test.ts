import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  balancedAccuracy,
  bestRssiThreshold,
  CalibrationTable,
  closeProbability,
  equalCountCalibration,
  estimateRows,
  fitContextModel,
  FitError,
  modelFileObject,
  parseCsv,
  parseDecimal,
  parseModelFileJson,
  rocAuc,
  rowContext,
  SeededRandom,
  WindowQuantileFilter,
  type ContextReading,
} from '@proxsense/core';

/** Synthetic series: true offsets per position, iid noise, series of 20 rows 1 s apart. */
function synthetic(
  seed: number,
  perPosition: Record<string, number>,
  seriesPerPosition: Record<string, number>,
): ContextReading[] {
  const random = new SeededRandom(seed);
  const out: ContextReading[] = [];
  let id = 0;
  for (const [position, offset] of Object.entries(perPosition)) {
    for (let s = 0; s < seriesPerPosition[position]!; s++) {
      const d = 0.3 + random.nextFloat() * 4;
      const seriesOffset = 2 * random.nextGaussian();
      for (let k = 0; k < 20; k++) {
        out.push({
          attenuationDb:
            50 + offset + 20 * Math.log10(d) + seriesOffset + 5 * random.nextGaussian(),
          distanceM: d,
          series: `s${id}`,
          timeMs: k * 1000,
          context: { position },
        });
      }
      id++;
    }
  }
  return out;
}

describe('context-aware calibration', () => {
  it('recovers per-context offsets and the pooled slope; a value seen in one series is shrunk towards the pooled fit', () => {
    const readings = synthetic(
      1,
      { Hand: -6, Pocket: 6, Rare: 12 },
      { Hand: 40, Pocket: 40, Rare: 1 },
    );
    const fit = fitContextModel(readings);
    const values = fit.model.contexts.position!.values;
    expect(fit.model.pathLossExponent).toBeGreaterThan(1.7);
    expect(fit.model.pathLossExponent).toBeLessThan(2.3);
    expect(values['Pocket']!.offsetDb - values['Hand']!.offsetDb).toBeGreaterThan(10);
    expect(values['Pocket']!.offsetDb - values['Hand']!.offsetDb).toBeLessThan(14);
    // λ = 2 series: one series keeps about a third of its own mean residual.
    const rare = values['Rare']!.offsetDb;
    expect(Math.abs(rare)).toBeLessThan(
      0.6 * (12 - (values['Hand']!.offsetDb + values['Pocket']!.offsetDb) / 2 + 3),
    );
    expect(values['Rare']!.series).toBe(1);
    // An unseen value uses the pooled fit and widens σ by the column's spread.
    const unseen = rowContext(fit.model, { position: 'Backpack' });
    expect(unseen.offsetDb).toBe(0);
    expect(unseen.unseen).toEqual(['position']);
    expect(unseen.sigmaDb).toBeGreaterThan(fit.model.sigmaDb);
    expect(rowContext(fit.model, { position: 'constructor' }).unseen).toEqual(['position']);
  });

  it('more shrinkage moves every offset towards zero', () => {
    const readings = synthetic(2, { A: -5, B: 5 }, { A: 3, B: 3 });
    const weak = fitContextModel(readings, { shrinkageSeries: 0.1 }).model.contexts.position!
      .values;
    const strong = fitContextModel(readings, { shrinkageSeries: 50 }).model.contexts.position!
      .values;
    for (const v of ['A', 'B'])
      expect(Math.abs(strong[v]!.offsetDb)).toBeLessThan(Math.abs(weak[v]!.offsetDb));
  });

  it('fails with the reason on degenerate data instead of fitting nonsense', () => {
    const rows = (rssi: (i: number) => number, d: (i: number) => number, k = 20) =>
      Array.from({ length: k }, (_, i) => ({ attenuationDb: -24 - rssi(i), distanceM: d(i) }));
    expect(() =>
      fitContextModel(
        rows(
          () => -60,
          (i) => 1 + i,
        ),
      ),
    ).toThrow(/same attenuation/);
    expect(() =>
      fitContextModel(
        rows(
          (i) => -60 - i,
          () => 2,
        ),
      ),
    ).toThrow(/one distance/);
    expect(() =>
      fitContextModel(
        rows(
          (i) => -60 - i,
          (i) => 1 + i,
          3,
        ),
      ),
    ).toThrow(/at least 10/);
    // RSSI rising with distance: a negative exponent the model file would refuse.
    expect(() =>
      fitContextModel(
        rows(
          (i) => -80 + i,
          (i) => 1 + i,
        ),
      ),
    ).toThrow(FitError);
    expect(() =>
      fitContextModel(
        rows(
          (i) => -80 + i,
          (i) => 1 + i,
        ),
      ),
    ).toThrow(/fitted n = -.* outside 0\.1\.\.10/);
  });

  it('writes a version-2 model file that loads back; version-1 files still load; newer versions are refused', () => {
    const fit = fitContextModel(synthetic(3, { Hand: 0, Pocket: 8 }, { Hand: 6, Pocket: 6 }));
    const text = JSON.stringify(modelFileObject(fit.model, { rows: fit.rows }));
    const back = parseModelFileJson(text, 'm.json');
    expect(back).toEqual(JSON.parse(JSON.stringify(fit.model)));
    expect(parseModelFileJson('{"a0Db":50,"pathLossExponent":2.5,"sigmaDb":8}')).toEqual({
      a0Db: 50,
      pathLossExponent: 2.5,
      sigmaDb: 8,
      contexts: {},
    });
    expect(() =>
      parseModelFileJson(JSON.stringify({ ...JSON.parse(text), version: 3 }), 'm.json'),
    ).toThrow(/m\.json: version: expected 1\.\.2 \(this file is from a newer proxsense\)/);
    const bad = JSON.parse(text);
    bad.contexts.position.values.Hand.offsetDb = 'x';
    expect(() => parseModelFileJson(JSON.stringify(bad), 'm.json')).toThrow(
      /contexts\.position\.values\["Hand"\]\.offsetDb: expected a number/,
    );
  });

  it('p_close falls as attenuation rises, stays in [0, 1] at extremes, and respects the distance prior', () => {
    const fit = fitContextModel(synthetic(4, { Hand: 0 }, { Hand: 30 }));
    fc.assert(
      fc.property(
        fc.double({ min: -300, max: 300, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (a, delta) => {
          const p1 = closeProbability(fit.model, a, 6, 2);
          const p2 = closeProbability(fit.model, a + delta, 6, 2);
          return p1 >= 0 && p1 <= 1 && p2 <= p1 + 1e-9;
        },
      ),
    );
  });
});

describe('window quantile filter', () => {
  it('is the median of exactly the last N seconds of readings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 30, max: 100 })), {
          minLength: 1,
          maxLength: 60,
        }),
        (steps) => {
          const f = new WindowQuantileFilter(3, 0.5);
          let t = 0;
          const seen: [number, number][] = [];
          for (const [dt, a] of steps) {
            t += dt;
            seen.push([t, a]);
            const got = f.update(t, a);
            const window = seen
              .filter(([ti]) => ti >= t - 3000)
              .map(([, v]) => v)
              .sort((x, y) => x - y);
            const m =
              window.length % 2
                ? window[window.length >> 1]!
                : (window[window.length / 2 - 1]! + window[window.length / 2]!) / 2;
            if (Math.abs(got - m) > 1e-9 || f.count !== window.length) return false;
          }
          return true;
        },
      ),
    );
  });
});

describe('classification scores', () => {
  it('computes balanced accuracy, AUC (ties half) and the tuned RSSI threshold', () => {
    const truth = [true, true, false, false];
    expect(balancedAccuracy(truth, [true, false, false, true])).toBe(0.5);
    expect(rocAuc(truth, [0.9, 0.8, 0.1, 0.2])).toBe(1);
    expect(rocAuc(truth, [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(bestRssiThreshold(truth, [-50, -60, -70, -80])).toEqual({
      rssiDbm: -60,
      balancedAccuracy: 1,
    });
  });

  it('equal-count calibration bins partition the rows, keep ties together, and weigh gaps by rows in ECE', () => {
    const p = [0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5];
    const truth = [false, false, false, true, true, true, true, false, true, false];
    const c = equalCountCalibration(truth, p, 3);
    // Cuts at rows 3 and 7 (10 · 1/3, 10 · 2/3), each moved past the run of ties it falls in.
    expect(c.bins.map((b) => b.rows)).toEqual([4, 6]);
    expect(c.bins.map((b) => b.observed)).toEqual([0.25, 4 / 6]);
    expect(c.maxGap).toBeCloseTo(0.15, 12);
    expect(c.ece).toBeCloseTo((4 * 0.15 + 6 * Math.abs(4.6 / 6 - 4 / 6)) / 10, 12);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 12 }),
        (rows, bins) => {
          const r = equalCountCalibration(
            rows.map(([t]) => t),
            rows.map(([, q]) => q),
            bins,
          );
          expect(r.bins.reduce((a, b) => a + b.rows, 0)).toBe(rows.length);
          expect(r.bins.length).toBeLessThanOrEqual(bins);
          for (let i = 1; i < r.bins.length; i++)
            expect(r.bins[i]!.low).toBeGreaterThan(r.bins[i - 1]!.high);
          expect(r.ece).toBeLessThanOrEqual(r.maxGap + 1e-12);
        },
      ),
    );
  });
});

describe('nested (out-of-fold) calibration of p_close', () => {
  it('widens the filter σ of a new series beyond the in-sample one when series offsets are large, and stays monotone', () => {
    // Strong series offsets (6 dB) and a context column with few series per value: in-sample the
    // offsets absorb part of each series' own deviation.
    const random = new SeededRandom(7);
    const rows: ContextReading[] = [];
    for (let s = 0; s < 40; s++) {
      const d = 0.3 + random.nextFloat() * 4;
      const seriesOffset = 6 * random.nextGaussian();
      for (let k = 0; k < 30; k++)
        rows.push({
          attenuationDb: 50 + 20 * Math.log10(d) + seriesOffset + 4 * random.nextGaussian(),
          distanceM: d,
          series: `s${s}`,
          timeMs: k * 1000,
          context: { model: `m${s % 13}` },
        });
    }
    const filters = [{ kind: 'window' as const, windowS: 10 }];
    const nested = fitContextModel(rows, { filters }).model;
    const inSample = fitContextModel(rows, { filters, calibrationFolds: 0 }).model;
    const last = (m: typeof nested) => m.filteredSigmaDb!['window:10s']!.at(-1)!;
    expect(last(nested)).toBeGreaterThan(last(inSample));
    expect(nested.closeCalibration!.byFilter['window:10s']!.slope).toBeGreaterThan(0);
    expect(Object.keys(nested.closeCalibration!.byFilter).sort()).toEqual(['row', 'window:10s']);
    expect(() => fitContextModel(rows, { filters, calibrationFolds: 1 })).toThrow(
      /calibration folds/,
    );
  });
});

describe('input strictness (issue 10)', () => {
  it('reads only plain decimal numbers', () => {
    for (const bad of [
      '0x10',
      '',
      ' ',
      'Infinity',
      '-Infinity',
      'NaN',
      '1e400',
      '0b1',
      '1_000',
      '--1',
    ])
      expect(parseDecimal(bad)).toBeUndefined();
    for (const [ok, v] of [
      ['-60', -60],
      [' 2.5 ', 2.5],
      ['1e3', 1000],
      ['.5', 0.5],
      ['+3', 3],
    ] as const)
      expect(parseDecimal(ok)).toBe(v);
  });

  it('rejects a duplicate header naming the column', () => {
    expect(() => parseCsv('rssi,rssi\n-60,-70\n', 'x.csv')).toThrow(
      /x\.csv:1: duplicate column "rssi"/,
    );
  });

  it('rejects tx and rssi outside physical ranges, naming file, line and column', () => {
    expect(() => estimateRows(parseCsv('rssi,tx\n-60,-20\n-60,-127\n', 'x.csv'), 'x.csv')).toThrow(
      /x\.csv:3: column "tx": expected a number ≥ -50 ≤ 20, got "-127"/,
    );
    expect(() => estimateRows(parseCsv('rssi,tx\n-60,100\n', 'x.csv'), 'x.csv')).toThrow(
      /x\.csv:2: column "tx"/,
    );
    expect(() => estimateRows(parseCsv('rssi\n0x10\n', 'x.csv'), 'x.csv')).toThrow(
      /x\.csv:2: column "rssi"/,
    );
    expect(() => estimateRows(parseCsv('rssi,id,t\n-60,a,1e300\n', 'x.csv'), 'x.csv')).toThrow(
      /x\.csv:2: column "t"/,
    );
  });

  it("gives rows with a model and no manufacturer the model's correction (any manufacturer)", () => {
    const table = new CalibrationTable([
      { manufacturer: 'Google', model: 'Pixel 4a', txPowerDbm: -27, rssiCorrectionDb: 5 },
      { manufacturer: '*', model: '*', txPowerDbm: -30, rssiCorrectionDb: 0 },
    ]);
    expect(table.lookup(undefined, 'Pixel 4a').rssiCorrectionDb).toBe(5);
    expect(table.lookup('', 'pixel 4a').rssiCorrectionDb).toBe(5);
    expect(table.lookup(undefined, 'Other').rssiCorrectionDb).toBe(0);
    const out = estimateRows(parseCsv('rssi,model\n-60,Pixel 4a\n', 'x.csv'), 'x.csv', {
      calibration: table,
    });
    expect(out.values[0]![out.columns.indexOf('attenuation_db')]).toBe(-30 - (-60 + 5));
  });
});
