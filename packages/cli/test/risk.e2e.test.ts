import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { proxsense } from './cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-risk-'));

describe('proxsense risk', () => {
  const dir = tmp();
  const windowsFile = join(dir, 'w.json');
  const episodes = proxsense(
    'episodes',
    '--sightings',
    'examples/sightings.jsonl',
    '--keys',
    'examples/diagnosis-keys.zip',
    '--json',
  );
  writeFileSync(windowsFile, episodes.stdout);

  it('evaluates the example windows with each rule set', () => {
    expect(episodes.code).toBe(0);
    const cwa = proxsense(
      'risk',
      '--windows',
      windowsFile,
      '--rules',
      'cwa',
      '--today',
      '2020-07-23',
      '--json',
    );
    expect(cwa.code).toBe(0);
    const r = JSON.parse(cwa.stdout);
    expect([1, 2]).toContain(r.totalRiskLevel);
    for (const k of [
      'ageOfMostRecentDateWithLowRisk',
      'ageOfMostRecentDateWithHighRisk',
      'numberOfDaysWithLowRisk',
      'numberOfDaysWithHighRisk',
      'totalMinimumDistinctEncountersWithLowRisk',
      'totalMinimumDistinctEncountersWithHighRisk',
      'days',
      'windows',
    ])
      expect(r).toHaveProperty(k);
    expect(r.numberOfDaysWithLowRisk + r.numberOfDaysWithHighRisk).toBe(r.days.length);
    const gaen = proxsense('risk', '--windows', windowsFile, '--rules', 'gaen', '--json');
    expect(gaen.code).toBe(0);
    expect(JSON.parse(gaen.stdout).dailySummaries.length).toBeGreaterThan(0);
    const bz = proxsense('risk', '--windows', windowsFile, '--rules', 'bluezone');
    expect(bz.code).toBe(0);
    expect(bz.stdout.split('\n')[0]).toBe(
      'date\tcontact\tplatformPair\tthresholdDbm\tmaxRssiDbm\tcloseContact',
    );
    expect(proxsense('risk', '--help').stdout).toMatch(/Examples:\n {2}\$ proxsense episodes/);
  });

  it('fails in one line with exit 2 naming the file and field', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      '{"windows": [{"dateMillisSinceEpoch": 1595203200000, "reportType": 1, "infectiousness": 7, "scanInstances": []}]}',
    );
    const r = proxsense('risk', '--windows', bad, '--rules', 'cwa');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^proxsense: .*bad\.json: windows\[0\]\.infectiousness: expected an integer 0\.\.2, got 7$/,
    );
    const cfg = join(dir, 'cwa.json');
    writeFileSync(cfg, '{"trlEncoding": {"infectiousnessOffsetStandard": "one"}}');
    const c = proxsense('risk', '--windows', windowsFile, '--rules', 'cwa', '--config', cfg);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(
      /cwa\.json: trlEncoding\.infectiousnessOffsetStandard: expected a number/,
    );
    expect(
      proxsense('risk', '--windows', windowsFile, '--rules', 'cwa', '--today', '23.07.2020').stderr,
    ).toMatch(/--today: expected a date YYYY-MM-DD/);
    expect(proxsense('risk', '--windows', windowsFile, '--rules', 'nz').code).toBe(2);
  });
});
