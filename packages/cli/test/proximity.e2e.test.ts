import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '@proxsense/core';
import { proxsense, REPO } from './cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-'));

describe('proxsense calibrate fit', () => {
  it("recovers the example data's model (A0 48 dB, n 2.2, σ 9 dB) and writes a model file estimate reads", () => {
    const dir = tmp();
    const model = join(dir, 'model.json');
    const r = proxsense('calibrate', 'fit', 'examples/labelled-rssi.csv', '--out', model, '--json');
    expect(r.code).toBe(0);
    const fit = JSON.parse(r.stdout);
    expect(Math.abs(fit.model.a0Db - 48)).toBeLessThan(2);
    expect(Math.abs(fit.model.pathLossExponent - 2.2)).toBeLessThan(0.4);
    expect(Math.abs(fit.model.sigmaDb - 9)).toBeLessThan(1);
    expect(fit.intervalCoverage80).toBeGreaterThan(0.74);
    expect(fit.intervalCoverage80).toBeLessThan(0.86);
    expect(JSON.parse(readFileSync(model, 'utf8'))).toMatchObject({
      a0Db: fit.model.a0Db,
      pathLossExponent: fit.model.pathLossExponent,
      sigmaDb: fit.model.sigmaDb,
    });
    const e = proxsense(
      'estimate',
      '--in',
      'examples/labelled-rssi.csv',
      '--model',
      model,
      '--json',
    );
    expect(e.code).toBe(0);
    const rows = JSON.parse(e.stdout);
    const inside = rows.filter(
      (row: any) =>
        Number(row.distance) >= row.distance_low_m && Number(row.distance) <= row.distance_high_m,
    ).length;
    expect(inside / rows.length).toBeCloseTo(fit.intervalCoverage80, 5);
  });

  it('names bad input', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'rssi,distance\n-60,1\n-70,far\n');
    const r = proxsense('calibrate', 'fit', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv:3: column "distance": expected a number/);
    writeFileSync(bad, 'rssi\n-60\n');
    expect(proxsense('calibrate', 'fit', bad).stderr).toMatch(/missing column "distance"/);
    writeFileSync(bad, 'rssi,distance\n-60,1\n-70,1\n-65,1\n');
    expect(proxsense('calibrate', 'fit', bad).stderr).toMatch(/at one distance/);
  });
});

describe('proxsense estimate', () => {
  it('prints one CSV row per input row, in order, other columns untouched, with the contract columns', () => {
    const r = proxsense('estimate', '--in', 'examples/labelled-rssi.csv', '--filter', 'ewma');
    expect(r.code).toBe(0);
    const input = parseCsv(readFileSync(join(REPO, 'examples/labelled-rssi.csv'), 'utf8'), 'in');
    const output = parseCsv(r.stdout, 'out');
    expect(output.rows).toHaveLength(input.rows.length);
    expect(output.columns).toEqual([
      ...input.columns,
      'attenuation_db',
      'distance_m',
      'distance_low_m',
      'distance_high_m',
      'filtered_distance_m',
      'filtered_distance_low_m',
      'filtered_distance_high_m',
    ]);
    output.rows.forEach((row, i) => {
      for (const c of input.columns) expect(row[c]).toBe(input.rows[i]![c]);
      expect(Number(row['distance_low_m'])).toBeLessThanOrEqual(Number(row['distance_m']));
      expect(Number(row['distance_high_m'])).toBeGreaterThanOrEqual(Number(row['distance_m']));
    });
  });

  it('rejects bad files and options with one line', () => {
    const dir = tmp();
    const bad = join(dir, 'x.csv');
    writeFileSync(bad, 'signal\n-60\n');
    expect(proxsense('estimate', '--in', bad).stderr).toMatch(/x\.csv:1: missing column "rssi"/);
    expect(
      proxsense('estimate', '--in', 'examples/labelled-rssi.csv', '--filter', 'magic').stderr,
    ).toMatch(/expected one of median, ewma, kalman, window/);
    const model = join(dir, 'm.json');
    writeFileSync(model, '{"a0Db": 50}');
    const r = proxsense('estimate', '--in', 'examples/labelled-rssi.csv', '--model', model);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/m\.json: pathLossExponent: expected a number/);
  });
});

describe('proxsense calibrate evaluate and context-aware estimates', () => {
  it('fits, evaluates against the tuned threshold, and adds p_close as the last column', () => {
    const dir = tmp();
    const model = join(dir, 'model.json');
    expect(proxsense('calibrate', 'fit', 'examples/labelled-rssi.csv', '--out', model).code).toBe(
      0,
    );
    const file = JSON.parse(readFileSync(model, 'utf8'));
    expect(file).toMatchObject({ format: 'proxsense-path-loss', version: 2 });
    expect(Object.keys(file.contexts)).toEqual(['model']);
    const ev = proxsense(
      'calibrate',
      'evaluate',
      'examples/labelled-rssi.csv',
      '--model',
      model,
      '--close-m',
      '2',
      '--json',
    );
    expect(ev.code).toBe(0);
    const e = JSON.parse(ev.stdout);
    for (const k of ['balancedAccuracy', 'rocAuc', 'brier', 'intervalCoverage'])
      expect(e.filtered[k]).toBeGreaterThanOrEqual(0);
    expect(e.threshold.balancedAccuracy).toBeGreaterThan(0.5);
    expect(e.ratioToThreshold).toBeCloseTo(
      e.filtered.balancedAccuracy / e.threshold.balancedAccuracy,
      9,
    );
    const cv = proxsense('calibrate', 'evaluate', 'examples/labelled-rssi.csv', '--folds', '3');
    expect(cv.code).toBe(0);
    expect(cv.stdout).toMatch(/3-fold cross-validation by series/);
    expect(cv.stdout).toMatch(
      /p_close: Brier [\d.]+, ECE [\d.]+, largest gap over ten equal-count bins [\d.]+/,
    );
    expect(
      proxsense('calibrate', 'fit', 'examples/labelled-rssi.csv', '--fold-by', 'model').code,
    ).toBe(0);
    const badFold = proxsense(
      'calibrate',
      'fit',
      'examples/labelled-rssi.csv',
      '--fold-by',
      'room',
    );
    expect(badFold.code).toBe(2);
    expect(badFold.stderr).toMatch(/room/);
    const r = proxsense(
      'estimate',
      '--in',
      'examples/labelled-rssi.csv',
      '--model',
      model,
      '--close-m',
      '2',
    );
    expect(r.code).toBe(0);
    const out = parseCsv(r.stdout, 'out');
    expect(out.columns.slice(-8)).toEqual([
      'attenuation_db',
      'distance_m',
      'distance_low_m',
      'distance_high_m',
      'filtered_distance_m',
      'filtered_distance_low_m',
      'filtered_distance_high_m',
      'p_close',
    ]);
    for (const row of out.rows) expect(Number(row['p_close'])).toBeGreaterThanOrEqual(0);
  });

  it('counts unseen context values in one stderr note and still estimates them', () => {
    const dir = tmp();
    const model = join(dir, 'model.json');
    proxsense('calibrate', 'fit', 'examples/labelled-rssi.csv', '--out', model);
    const rows = join(dir, 'rows.csv');
    writeFileSync(rows, 'rssi,model\n-60,Unknown Phone\n-70,Unknown Phone\n');
    const r = proxsense('estimate', '--in', rows, '--model', model);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/2 rows with a model the model has not seen/);
    expect(parseCsv(r.stdout, 'out').rows).toHaveLength(2);
  });

  it('fails degenerate fits with one line, exit 2, and writes no model', () => {
    const dir = tmp();
    const bad = join(dir, 'flat.csv');
    const model = join(dir, 'm.json');
    writeFileSync(
      bad,
      'rssi,distance\n' + Array.from({ length: 12 }, (_, i) => `-60,${1 + i}`).join('\n') + '\n',
    );
    const r = proxsense('calibrate', 'fit', bad, '--out', model);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/same attenuation/);
    expect(() => readFileSync(model)).toThrow();
    writeFileSync(bad, 'rssi,rssi\n-60,-61\n');
    expect(proxsense('calibrate', 'fit', bad).stderr).toMatch(
      /flat\.csv:1: duplicate column "rssi"/,
    );
  });

  it('names file, line and column for a TX power or RSSI outside physical ranges', () => {
    const dir = tmp();
    const bad = join(dir, 'tx.csv');
    writeFileSync(bad, 'rssi,tx\n-60,-20\n-60,-127\n');
    const r = proxsense('estimate', '--in', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /tx\.csv:3: column "tx": expected a number ≥ -50 ≤ 20, got "-127"$/,
    );
    writeFileSync(bad, 'rssi,tx\n0x10,-20\n');
    expect(proxsense('estimate', '--in', bad).stderr).toMatch(/tx\.csv:2: column "rssi"/);
  });
});

describe('proxsense episodes', () => {
  it('finds the published contacts of the example log and gives verdicts per contact and day', () => {
    const r = proxsense(
      'episodes',
      '--sightings',
      'examples/sightings.jsonl',
      '--keys',
      'examples/diagnosis-keys.zip',
      '--config',
      'examples/episodes-config.json',
      '--json',
    );
    expect(r.code).toBe(0);
    const { windows, dailySummaries, contacts } = JSON.parse(r.stdout);
    const keys = JSON.parse(readFileSync(join(REPO, 'examples/keys.json'), 'utf8')).keys.map(
      (k: any) => k.keyData,
    );
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) {
      expect(keys).toContain(w.contact);
      expect(w.endMs - w.startMs).toBeLessThan(1_800_000);
      // Google's ExposureWindow field names.
      expect(Object.keys(w)).toEqual(
        expect.arrayContaining([
          'dateMillisSinceEpoch',
          'reportType',
          'infectiousness',
          'calibrationConfidence',
          'scanInstances',
        ]),
      );
      for (const si of w.scanInstances) expect(si.secondsSinceLastScan).toBeLessThanOrEqual(300);
    }
    expect(dailySummaries.length).toBeGreaterThan(0);
    for (const d of dailySummaries)
      expect(Object.keys(d.summaryData).sort()).toEqual([
        'maximumScore',
        'scoreSum',
        'weightedDurationSum',
      ]);
    expect(contacts.some((s: any) => s.closeContact)).toBe(true);
    for (const s of contacts) expect(s.closeContact).toBe(s.closeMinutes >= 15);
  });

  it('rejects a bad config naming the field', () => {
    const dir = tmp();
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, '{"attenuationBucketWeights": [1, 1, 3, 0]}');
    const r = proxsense('episodes', '--sightings', 'examples/sightings.jsonl', '--config', cfg);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /c\.json: attenuationBucketWeights: expected 4 numbers 0\.\.2\.5/,
    );
  });
});
