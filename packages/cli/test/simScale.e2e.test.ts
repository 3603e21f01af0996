import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { proxsense, REPO } from './cli.js';

const BIN = fileURLToPath(new URL('../bin/proxsense.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-sim-scale-'));

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a user at a terminal would. */
function onTty(args: string[]): { code: number; output: string } {
  const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, COLUMNS: '160' },
  });
  return { code: r.status ?? -1, output: r.stdout };
}

describe('proxsense sim run at scale', () => {
  it('city, 1,500 phones, 10 min, adoption 1: two runs of one seed write byte-identical files', () => {
    const args = (out: string) => [
      'sim',
      'run',
      'city',
      '--phones',
      '1500',
      '--duration',
      '10m',
      '--adoption',
      '1',
      '--seed',
      '11',
      '--sightings',
      '--json',
      '--out',
      out,
    ];
    const a = tmp();
    const b = tmp();
    const ra = proxsense(...args(a));
    const rb = proxsense(...args(b));
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(ra.stdout).toBe(rb.stdout);
    const files = readdirSync(a).sort();
    expect(files).toEqual([
      'contacts.csv',
      'diagnosis-keys.zip',
      'report.html',
      'results.json',
      'sightings.jsonl',
      'signing-key.pub.pem',
    ]);
    expect(readdirSync(b).sort()).toEqual(files);
    for (const f of files)
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    const results = JSON.parse(ra.stdout) as { phones: number; sightingsStored: number };
    expect(results.phones).toBe(1500);
    expect(results.sightingsStored).toBeGreaterThan(10_000);
    // One line per stored sighting, and every verdict or true pair has its contacts row.
    const lines = readFileSync(join(a, 'sightings.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(results.sightingsStored);
  });

  it('shows the progress bar on a terminal (simulating, evaluating, writing), none with --json or off a terminal', () => {
    const out = tmp();
    const base = ['sim', 'run', 'office', '--phones', '30', '--duration', '20m', '--out', out];
    const tty = onTty(base);
    expect(tty.code, tty.output).toBe(0);
    for (const phase of ['simulating', 'evaluating: verdicts', 'evaluating: tracing', 'writing'])
      expect(tty.output).toContain(`${phase} [`);
    expect(tty.output).toMatch(/office: seed 1/);
    const json = onTty([...base, '--json']);
    expect(json.code, json.output).toBe(0);
    expect(json.output).not.toMatch(/(simulating|evaluating|writing) \[/);
    const piped = proxsense(...base);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toMatch(/(simulating|evaluating|writing) \[/);
    expect(piped.stdout).not.toMatch(/(simulating|evaluating|writing) \[/);
  });
});
