import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attenuationDb,
  CalibrationTable,
  CsvFormatError,
  DEFAULT_PATH_LOSS_MODEL,
  estimateDistance,
  estimateRowObjects,
  estimateRows,
  EwmaFilter,
  expectedAttenuationDb,
  fitPathLoss,
  FitError,
  KalmanFilter,
  MedianFilter,
  ModelFileError,
  normalQuantile,
  parseCalibrationCsv,
  parseCsv,
  parsePathLossModelJson,
  SeededRandom,
  type LabelledReading,
} from '@proxsense/core';

describe('attenuation and distance', () => {
  it('follows GAEN: attenuation = TX power − (RSSI + correction)', () => {
    expect(attenuationDb(-24, -80, 3)).toBe(53);
  });

  it('lower RSSI never yields a smaller distance, and the interval always brackets the estimate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -127, max: 0 }),
        fc.integer({ min: -127, max: 0 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        (r1, r2, coverage) => {
          const [lo, hi] = r1 < r2 ? [r1, r2] : [r2, r1];
          const far = estimateDistance(DEFAULT_PATH_LOSS_MODEL, attenuationDb(-24, lo), {
            coverage,
          });
          const near = estimateDistance(DEFAULT_PATH_LOSS_MODEL, attenuationDb(-24, hi), {
            coverage,
          });
          expect(far.distanceM).toBeGreaterThanOrEqual(near.distanceM);
          expect(far.lowM).toBeLessThanOrEqual(far.distanceM);
          expect(far.highM).toBeGreaterThanOrEqual(far.distanceM);
        },
      ),
    );
  });

  it('intervals hold the true distance about as often as they claim when the model holds', () => {
    const random = new SeededRandom(42);
    for (const coverage of [0.5, 0.8, 0.95]) {
      let inside = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        const d = 0.3 + random.nextFloat() * 10;
        const a =
          expectedAttenuationDb(DEFAULT_PATH_LOSS_MODEL, d) +
          DEFAULT_PATH_LOSS_MODEL.sigmaDb * random.nextGaussian();
        const e = estimateDistance(DEFAULT_PATH_LOSS_MODEL, a, { coverage });
        if (d >= e.lowM && d <= e.highM) inside++;
      }
      expect(Math.abs(inside / n - coverage)).toBeLessThan(0.015);
    }
  });

  it('computes normal quantiles', () => {
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815516, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
});

describe('fitting the path-loss model', () => {
  function synthetic(
    n: number,
    truth = { a0Db: 45, pathLossExponent: 2.2, sigmaDb: 10 },
    seed = 1,
  ): LabelledReading[] {
    const random = new SeededRandom(seed);
    return Array.from({ length: n }, () => {
      const distanceM = 0.5 + random.nextFloat() * 6;
      const a = expectedAttenuationDb(truth, distanceM) + truth.sigmaDb * random.nextGaussian();
      return { distanceM, rssiDbm: -24 - a };
    });
  }

  it('recovers A0, n and σ from noisy labelled rows, with honest interval coverage', () => {
    const fit = fitPathLoss(synthetic(4000));
    expect(fit.model.a0Db).toBeCloseTo(45, 0);
    expect(Math.abs(fit.model.pathLossExponent - 2.2)).toBeLessThan(0.15);
    expect(Math.abs(fit.model.sigmaDb - 10)).toBeLessThan(0.4);
    expect(Math.abs(fit.intervalCoverage80 - 0.8)).toBeLessThan(0.03);
    expect(fit.rows).toBe(4000);
  });

  it('refuses fits it cannot make', () => {
    expect(() => fitPathLoss(synthetic(2))).toThrow(FitError);
    expect(() => fitPathLoss([1, 2, 3].map((i) => ({ distanceM: 2, rssiDbm: -70 - i })))).toThrow(
      /at one distance/,
    );
  });
});

describe('calibration tables', () => {
  const csv =
    'manufacturer,device,model,tx,rssi_correction,calibration_confidence\nGoogle,sunfish,Pixel 4a,-27,5,3\nSamsung,*,*,-25,2,1\n*,*,*,-30,0,0\n';
  it('reads the GAEN table shape and looks up with fallbacks', () => {
    const t = parseCalibrationCsv(csv, 'cal.csv');
    expect(t.lookup('google', 'pixel 4a')).toMatchObject({
      txPowerDbm: -27,
      rssiCorrectionDb: 5,
      confidence: 3,
    });
    expect(t.lookup('Samsung', 'SM-G991B')).toMatchObject({ txPowerDbm: -25 });
    expect(t.lookup('Nokia', '3.4')).toMatchObject({ txPowerDbm: -30 });
    expect(new CalibrationTable().lookup('x', 'y').txPowerDbm).toBe(-24);
    const merged = t.merge(
      new CalibrationTable([
        { manufacturer: 'Google', model: 'Pixel 4a', txPowerDbm: -20, rssiCorrectionDb: 1 },
      ]),
    );
    expect(merged.lookup('Google', 'Pixel 4a').txPowerDbm).toBe(-20);
  });

  it('names the line and column of a bad cell', () => {
    expect(() =>
      parseCalibrationCsv('manufacturer,model,tx,rssi_correction\nA,B,loud,0\n', 'cal.csv'),
    ).toThrow(/^cal\.csv:2: column "tx": expected a number/);
    expect(() => parseCalibrationCsv('manufacturer,model,rssi_correction\n', 'cal.csv')).toThrow(
      /missing column "tx"/,
    );
    expect(() => parseCsv('a,b\n1\n', 'x.csv')).toThrow(CsvFormatError);
  });
});

describe('filters', () => {
  it('median ignores a single deep fade', () => {
    const f = new MedianFilter(5);
    [50, 51, 49, 90, 50].forEach((a, i) => f.update(i * 1000, a));
    expect(f.update(5000, 50)).toBe(50);
  });

  it('ewma and kalman keep a constant series constant and reduce noise', () => {
    const random = new SeededRandom(3);
    const e = new EwmaFilter(60);
    const k = new KalmanFilter({ measurementSigmaDb: 8 });
    let errE = 0;
    let errK = 0;
    for (let i = 0; i < 400; i++) {
      const a = 60 + 8 * random.nextGaussian();
      const fe = e.update(i * 10_000, a);
      const fk = k.update(i * 10_000, a);
      if (i > 50) {
        errE += (fe - 60) ** 2;
        errK += (fk - 60) ** 2;
      }
    }
    expect(Math.sqrt(errE / 349)).toBeLessThan(4);
    expect(Math.sqrt(errK / 349)).toBeLessThan(4);
    expect(new EwmaFilter().update(0, 55)).toBe(55);
  });
});

describe('model files', () => {
  it('round-trips and names bad fields', () => {
    expect(parsePathLossModelJson(JSON.stringify(DEFAULT_PATH_LOSS_MODEL))).toEqual(
      DEFAULT_PATH_LOSS_MODEL,
    );
    expect(() =>
      parsePathLossModelJson('{"a0Db":50,"pathLossExponent":"x","sigmaDb":8}', 'm.json'),
    ).toThrow(ModelFileError);
    expect(() =>
      parsePathLossModelJson('{"a0Db":50,"pathLossExponent":"x","sigmaDb":8}', 'm.json'),
    ).toThrow(/^m\.json: pathLossExponent: expected a number/);
  });
});

describe('estimateRows', () => {
  it('keeps every row and column in order and adds estimates; filtered ones per ID in time order', () => {
    const table = parseCsv(
      't,id,rssi,note\n3000,a,-70,x\n1000,a,-60,"y,z"\n2000,b,-80,\n',
      'in.csv',
    );
    const result = estimateRows(table, 'in.csv', { filter: 'median' });
    const { columns } = result;
    const rows = estimateRowObjects(result);
    expect(columns).toEqual([
      't',
      'id',
      'rssi',
      'note',
      'attenuation_db',
      'distance_m',
      'distance_low_m',
      'distance_high_m',
      'filtered_distance_m',
      'filtered_distance_low_m',
      'filtered_distance_high_m',
    ]);
    expect(rows.map((r) => r['note'])).toEqual(['x', 'y,z', '']);
    expect(rows[0]!['attenuation_db']).toBe(46);
    // Row 2 (t=1000) is the first of "a": its filtered estimate equals its own; row 1 (t=3000) is the median of both.
    expect(rows[1]!['filtered_distance_m']).toBe(rows[1]!['distance_m']);
    const both = estimateDistance(DEFAULT_PATH_LOSS_MODEL, (36 + 46) / 2);
    expect(rows[0]!['filtered_distance_m']).toBeCloseTo(both.distanceM, 3);
  });

  it('omits filtered columns without id and t, and rejects a missing rssi column', () => {
    expect(estimateRows(parseCsv('rssi\n-60\n', 'a.csv'), 'a.csv').columns).toEqual([
      'rssi',
      'attenuation_db',
      'distance_m',
      'distance_low_m',
      'distance_high_m',
    ]);
    expect(() => estimateRows(parseCsv('rsi\n-60\n', 'a.csv'), 'a.csv')).toThrow(
      /a\.csv:1: missing column "rssi"/,
    );
    expect(() => estimateRows(parseCsv('rssi\nloud\n', 'a.csv'), 'a.csv')).toThrow(
      /a\.csv:2: column "rssi"/,
    );
  });
});
