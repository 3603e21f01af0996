import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '@proxsense/core';
import { proxsense, REPO } from './cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-'));

describe('proxsense calibrate fit', () => {
  it('recovers the example data\'s model (A0 48 dB, n 2.2, σ 9 dB) and writes a model file estimate reads', () => {
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
    expect(JSON.parse(readFileSync(model, 'utf8'))).toMatchObject({ a0Db: fit.model.a0Db, pathLossExponent: fit.model.pathLossExponent, sigmaDb: fit.model.sigmaDb });
    const e = proxsense('estimate', '--in', 'examples/labelled-rssi.csv', '--model', model, '--json');
    expect(e.code).toBe(0);
    const rows = JSON.parse(e.stdout);
    const inside = rows.filter((row: any) => Number(row.distance) >= row.distance_low_m && Number(row.distance) <= row.distance_high_m).length;
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
    expect(output.columns).toEqual([...input.columns, 'attenuation_db', 'distance_m', 'distance_low_m', 'distance_high_m', 'filtered_distance_m', 'filtered_distance_low_m', 'filtered_distance_high_m']);
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
    expect(proxsense('estimate', '--in', 'examples/labelled-rssi.csv', '--filter', 'magic').stderr).toMatch(/expected one of median, ewma, kalman/);
    const model = join(dir, 'm.json');
    writeFileSync(model, '{"a0Db": 50}');
    const r = proxsense('estimate', '--in', 'examples/labelled-rssi.csv', '--model', model);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/m\.json: pathLossExponent: expected a number/);
  });
});

describe('proxsense episodes', () => {
  it('finds the published contacts of the example log and gives verdicts per contact and day', () => {
    const r = proxsense('episodes', '--sightings', 'examples/sightings.jsonl', '--keys', 'examples/diagnosis-keys.zip', '--config', 'examples/episodes-config.json', '--json');
    expect(r.code).toBe(0);
    const { windows, dailySummaries, contacts } = JSON.parse(r.stdout);
    const keys = JSON.parse(readFileSync(join(REPO, 'examples/keys.json'), 'utf8')).keys.map((k: any) => k.keyData);
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) {
      expect(keys).toContain(w.contact);
      expect(w.endMs - w.startMs).toBeLessThan(1_800_000);
      // Google's ExposureWindow field names.
      expect(Object.keys(w)).toEqual(expect.arrayContaining(['dateMillisSinceEpoch', 'reportType', 'infectiousness', 'calibrationConfidence', 'scanInstances']));
      for (const si of w.scanInstances) expect(si.secondsSinceLastScan).toBeLessThanOrEqual(300);
    }
    expect(dailySummaries.length).toBeGreaterThan(0);
    for (const d of dailySummaries) expect(Object.keys(d.summaryData).sort()).toEqual(['maximumScore', 'scoreSum', 'weightedDurationSum']);
    expect(contacts.some((s: any) => s.closeContact)).toBe(true);
    for (const s of contacts) expect(s.closeContact).toBe(s.closeMinutes >= 15);
  });

  it('rejects a bad config naming the field', () => {
    const dir = tmp();
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, '{"attenuationBucketWeights": [1, 1, 3, 0]}');
    const r = proxsense('episodes', '--sightings', 'examples/sightings.jsonl', '--config', cfg);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/c\.json: attenuationBucketWeights: expected 4 numbers 0\.\.2\.5/);
  });
});
