import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { proxsense, REPO } from './cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-'));

describe('proxsense match', () => {
  it('matches the example export against the example sightings (JSON contract)', () => {
    const r = proxsense(
      'match',
      '--keys',
      'examples/diagnosis-keys.zip',
      '--sightings',
      'examples/sightings.jsonl',
      '--verify',
      'examples/signing-key.pub.pem',
      '--json',
    );
    expect(r.code).toBe(0);
    const matches = JSON.parse(r.stdout);
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches) {
      expect(Object.keys(m).slice(0, 6)).toEqual(['scheme', 'key', 'interval', 'id', 't', 'rssi']);
      expect(m.scheme).toBe('gaen');
      // The ID really is the key's RPI for that interval, checked through the derive command.
    }
    const first = matches[0];
    const derived = JSON.parse(
      proxsense(
        'keys',
        'derive',
        '--scheme',
        'gaen',
        '--key',
        first.key,
        '--interval',
        String(first.interval),
        '--json',
      ).stdout,
    );
    expect(derived[0].id).toBe(first.id);
    expect(Math.abs(first.t - first.interval * 600_000)).toBeLessThan(3 * 3_600_000);
    // The TX power comes from decrypting each sighting's AEM with the published key.
    expect(typeof first.tx).toBe('number');
    expect(r.stderr).toMatch(/\d+ matched sightings from 46 keys/);
  });

  it('gives the same matches from the zip, the keys JSON, pure-TS crypto and worker threads', () => {
    const a = proxsense(
      'match',
      '--keys',
      'examples/diagnosis-keys.zip',
      '--sightings',
      'examples/sightings.jsonl',
      '--json',
    );
    const b = proxsense(
      'match',
      '--keys',
      'examples/keys.json',
      '--sightings',
      'examples/sightings.jsonl',
      '--json',
      '--crypto',
      'pure',
    );
    const c = proxsense(
      'match',
      '--keys',
      'examples/keys.json',
      '--sightings',
      'examples/sightings.jsonl',
      '--json',
      '--threads',
      '2',
    );
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(a.stdout);
    expect(c.stderr).toMatch(/on 2 threads/);
  });

  it('matches Bluezone F0 keys only inside each ID slot', () => {
    const r = proxsense(
      'match',
      '--keys',
      'examples/bluezone-f0.json',
      '--sightings',
      'examples/sightings.jsonl',
      '--json',
    );
    expect(r.code).toBe(0);
    const matches = JSON.parse(r.stdout);
    expect(matches.length).toBeGreaterThan(0);
    const f0 = JSON.parse(readFileSync(join(REPO, 'examples/bluezone-f0.json'), 'utf8'));
    for (const m of matches) {
      const entry = f0.data.find((e: any) => e.daily_key === m.key);
      const slotStart = entry.time_start * 1000 + m.interval * 900_000;
      expect(m.t).toBeGreaterThanOrEqual(slotStart);
      // The slot end is inclusive, as in the Bluezone app.
      expect(m.t).toBeLessThanOrEqual(slotStart + 900_000);
    }
  });

  it('reports bad sighting lines by number: skipped by default, fatal with --on-bad-line fail', () => {
    const dir = tmp();
    const file = join(dir, 's.jsonl');
    const good = readFileSync(join(REPO, 'examples/sightings.jsonl'), 'utf8')
      .split('\n')
      .slice(0, 5);
    writeFileSync(
      file,
      [
        ...good.slice(0, 2),
        '{"t": 1595205660154, "scheme": "gaen"}',
        ...good.slice(2),
        'not json',
      ].join('\n'),
    );
    const skip = proxsense('match', '--keys', 'examples/keys.json', '--sightings', file);
    expect(skip.code).toBe(0);
    expect(skip.stderr).toMatch(/skipped .*s\.jsonl:3: id: expected 32 hex digits/);
    expect(skip.stderr).toMatch(/skipped .*s\.jsonl:7: not valid JSON/);
    expect(skip.stderr).toMatch(/2 bad lines skipped/);
    const fail = proxsense(
      'match',
      '--keys',
      'examples/keys.json',
      '--sightings',
      file,
      '--on-bad-line',
      'fail',
    );
    expect(fail.code).toBe(2);
    expect(fail.stderr).toMatch(/s\.jsonl:3: id: expected/);
  });

  it('refuses keys whose signature does not verify, and missing files, with one line', () => {
    const dir = tmp();
    const unsigned = join(dir, 'u.zip');
    proxsense('keys', 'export', '--in', 'examples/keys.json', '--out', unsigned);
    const r = proxsense(
      'match',
      '--keys',
      unsigned,
      '--sightings',
      'examples/sightings.jsonl',
      '--verify',
      'examples/signing-key.pub.pem',
    );
    expect(r.code).toBe(1);
    const missing = proxsense(
      'match',
      '--keys',
      'nope.zip',
      '--sightings',
      'examples/sightings.jsonl',
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('proxsense: cannot read key file nope.zip: no such file');
    const noSightings = proxsense(
      'match',
      '--keys',
      'examples/keys.json',
      '--sightings',
      join(dir, 'none.jsonl'),
    );
    expect(noSightings.stderr).toMatch(/cannot read sightings .*none\.jsonl: no such file/);
  });
});
