import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { proxsense } from './cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-sim-'));

describe('proxsense sim run', () => {
  it('runs a built-in scenario with overrides, prints the summary and writes every file; the sightings match the published keys', () => {
    const dir = tmp();
    const r = proxsense(
      'sim',
      'run',
      'office',
      '--phones',
      '40',
      '--duration',
      '1h',
      '--adoption',
      '0.6',
      '--seed',
      '3',
      '--out',
      dir,
      '--sightings',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/office: seed 3/);
    expect(r.stdout).toMatch(/distance rule: precision \/ recall \/ F1/);
    expect(r.stdout).toMatch(/coverage of all true close contacts/);
    expect(r.stdout.trim().split('\n').pop()).toBe(`report: ${join(dir, 'report.html')}`);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results).toMatchObject({
      seed: 3,
      scenario: 'office',
      phones: 40,
      adoption: 0.6,
      durationS: 3600,
      profile: 'gaen',
    });
    for (const field of [
      'trueContacts',
      'appPairsTrueContacts',
      'detectedContacts',
      'truePositives',
      'precision',
      'recall',
      'f1',
      'coverage',
      'distanceMaeM',
      'version',
      'parameters',
    ])
      expect(results).toHaveProperty(field);
    expect(results.tracing).toHaveProperty('notifiedF1');
    expect(readFileSync(join(dir, 'contacts.csv'), 'utf8')).toMatch(
      /^day,person_a,person_b,app_a,app_b,true_minutes/,
    );
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    // The run's own files go through the other commands: the export verifies and explains sightings.
    const m = proxsense(
      'match',
      '--keys',
      join(dir, 'diagnosis-keys.zip'),
      '--verify',
      join(dir, 'signing-key.pub.pem'),
      '--sightings',
      join(dir, 'sightings.jsonl'),
      '--json',
    );
    expect(m.code, m.stderr).toBe(0);
    if (results.tracing.f0WithApp > 0) expect(JSON.parse(m.stdout).length).toBeGreaterThan(0);
  });

  it('--json prints results.json; same seed, same bytes', () => {
    const a = tmp();
    const b = tmp();
    const ra = proxsense(
      'sim',
      'run',
      'rwp',
      '--phones',
      '60',
      '--area',
      '80x80',
      '--duration',
      '20m',
      '--json',
      '--out',
      a,
      '--no-report',
    );
    const rb = proxsense(
      'sim',
      'run',
      'rwp',
      '--phones',
      '60',
      '--area',
      '80x80',
      '--duration',
      '20m',
      '--json',
      '--out',
      b,
      '--no-report',
    );
    expect(ra.code, ra.stderr).toBe(0);
    expect(JSON.parse(ra.stdout)).toMatchObject({ scenario: 'rwp', phones: 60, durationS: 1200 });
    expect(ra.stdout).toBe(rb.stdout);
    expect(
      readFileSync(join(a, 'contacts.csv')).equals(readFileSync(join(b, 'contacts.csv'))),
    ).toBe(true);
    expect(existsSync(join(a, 'report.html'))).toBe(false);
  });

  it('reads a scenario file and a position trace', () => {
    const dir = tmp();
    const file = join(dir, 'pair.yaml');
    writeFileSync(
      file,
      'name: pair\ndurationS: 1800\npeople:\n  count: 2\n  adoption: 1\nworld:\n  kind: rwp\n  widthM: 20\n  heightM: 20\n',
    );
    const trace = join(dir, 'trace.csv');
    // Two people 1.5 m apart for 30 minutes: one true close contact, seen by both phones.
    writeFileSync(
      trace,
      't,person,x,y\n0,alice,5,5\n1800,alice,5,5\n0,bob,6.5,5\n1800,bob,6.5,5\n',
    );
    const r = proxsense(
      'sim',
      'run',
      file,
      '--trace',
      trace,
      '--out',
      dir,
      '--json',
      '--no-report',
    );
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results).toMatchObject({
      phones: 2,
      appPhones: 2,
      trueContacts: 1,
      appPairsTrueContacts: 1,
    });
    expect(results.sightingsStored).toBeGreaterThan(0);
  });

  it('--range-contacts and --range-only: The ONE link log on a trace and on rwp, same links with or without radios', () => {
    const dir = tmp();
    // Node 2 stands at (0, 0); node 0 walks from x = 20 to x = -20 in 40 s; node 1 stands 10 m north of
    // node 2 from t = 5 to t = 25 (names as The ONE numbers its nodes, listed out of order).
    const trace = join(dir, 'one.csv');
    writeFileSync(
      trace,
      't,person,x,y\n0,2,0,0\n40,2,0,0\n0,0,20,0\n40,0,-20,0\n5,1,0,10\n25,1,0,10\n',
    );
    const only = proxsense(
      'sim',
      'run',
      'rwp',
      '--trace',
      trace,
      '--range-only',
      '--out',
      join(dir, 'only'),
    );
    expect(only.code, only.stderr).toBe(0);
    expect(only.stdout).toMatch(/links within 10 m: 3 up, 3 distinct pairs, 43 s of contact/);
    const log = [
      '5.00 CONN 1 2 up',
      '10.00 CONN 0 2 up',
      '20.00 CONN 0 1 up',
      '21.00 CONN 0 1 down',
      '26.00 CONN 1 2 down',
      '31.00 CONN 0 2 down',
    ];
    expect(readFileSync(join(dir, 'only', 'range-contacts.txt'), 'utf8')).toBe(
      `${log.join('\n')}\n`,
    );
    expect(JSON.parse(readFileSync(join(dir, 'only', 'results.json'), 'utf8'))).toMatchObject({
      rangeOnly: true,
      phones: 3,
      durationS: 40,
      rangeContacts: { rangeM: 10, linkUps: 3, pairs: 3, contactS: 43 },
    });

    const args = [
      'sim',
      'run',
      'rwp',
      '--phones',
      '40',
      '--area',
      '60x60',
      '--duration',
      '10m',
      '--range-contacts',
      '8',
      '--no-report',
    ];
    const full = proxsense(...args, '--adoption', '1', '--json', '--out', join(dir, 'full'));
    expect(full.code, full.stderr).toBe(0);
    const results = JSON.parse(full.stdout);
    expect(results.rangeContacts.rangeM).toBe(8);
    expect(results.rangeContacts.linkUps).toBeGreaterThan(0);
    expect(results.sightingsStored).toBeGreaterThan(0);
    const fullLog = readFileSync(join(dir, 'full', 'range-contacts.txt'), 'utf8');
    expect(fullLog.split('\n').filter((l) => / up$/.test(l)).length).toBe(
      results.rangeContacts.linkUps,
    );
    const bare = proxsense(...args, '--range-only', '--json', '--out', join(dir, 'bare'));
    expect(bare.code, bare.stderr).toBe(0);
    expect(JSON.parse(bare.stdout).rangeContacts).toEqual(results.rangeContacts);
    expect(readFileSync(join(dir, 'bare', 'range-contacts.txt'), 'utf8')).toBe(fullLog);
    expect(existsSync(join(dir, 'bare', 'contacts.csv'))).toBe(false);
    expect(proxsense('sim', 'run', 'rwp', '--range-contacts', '0').stderr).toMatch(
      /expected a range in metres above 0/,
    );
    const both = proxsense('sim', 'run', 'rwp', '--range-only', '--sightings');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--sightings: expected a run with phones, got --range-only/);
  });

  it('fails with exit 2 and a located message on bad input', () => {
    const dir = tmp();
    const bad = join(dir, 'office.yaml');
    writeFileSync(bad, 'name: x\nworld:\n  kind: office\npeople:\n  adoption: 1.3\n');
    const r = proxsense('sim', 'run', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /office\.yaml:5:\d+: people\.adoption: expected a number in \[0, 1\], got 1\.3/,
    );
    writeFileSync(bad, 'name: x\nworld:\n  kind: office\n  desks: 3\n');
    expect(proxsense('sim', 'run', bad).stderr).toMatch(
      /office\.yaml:4:\d+: .*unknown setting "desks"/,
    );
    const unknown = proxsense('sim', 'run', 'stadium');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /unknown scenario "stadium": expected one of office, bus, market, rwp, city/,
    );
    expect(proxsense('sim', 'run', '--adoption', '1.3').stderr).toMatch(
      /expected a number in \[0, 1\], got "1\.3"/,
    );
    expect(proxsense('sim', 'run', '--duration', 'soon').code).toBe(2);
    expect(proxsense('sim', 'run', 'office', '--area', '10x10').stderr).toMatch(
      /--area: expected a scenario of kind rwp/,
    );
    expect(proxsense('sim', 'run', '--help').stdout).toMatch(/Examples:/);
  });
});
