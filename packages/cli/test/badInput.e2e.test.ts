import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO } from './cli.js';
import { runInProcess } from './fuzz/harness.js';

// The CLI in this process (fast); the stream and pipe cases below spawn the built binary.
const proxsense = (...args: string[]) => runInProcess(args);

const BIN = fileURLToPath(new URL('../bin/proxsense.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-bad-'));
const sightingLine = (t: number, extra = '') =>
  `{"t":${t},"scheme":"gaen","id":"ae30e7c50332dc2d4ab7e75df226aa47","rssi":-60${extra}}`;

/** stderr is exactly one `proxsense:` line matching `message`. */
function oneLine(r: { code: number; stderr: string }, code: number, message: RegExp): void {
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(code);
  expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  expect(r.stderr).toMatch(/^proxsense: /);
}

describe('bad input ends in one line with exit 2, as a new user meets it', () => {
  it('--sightings DIRECTORY says "is a directory" in match and episodes', async () => {
    oneLine(
      await proxsense('match', '--keys', 'examples/diagnosis-keys.zip', '--sightings', 'examples'),
      2,
      /cannot read sightings examples: is a directory$/,
    );
    oneLine(
      await proxsense('episodes', '--sightings', 'examples'),
      2,
      /cannot read sightings examples: is a directory$/,
    );
  });

  it('a sightings file without one valid line (a key file, a CSV, random bytes) fails instead of "0 matched"', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'random.bin'),
      Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251),
    );
    for (const wrong of [
      'examples/keys.json',
      'examples/labelled-rssi.csv',
      join(dir, 'random.bin'),
    ]) {
      for (const command of [['match', '--keys', 'examples/diagnosis-keys.zip'], ['episodes']]) {
        const r = await proxsense(...command, '--sightings', wrong);
        oneLine(
          r,
          2,
          /: no valid sighting in \d+ lines \(\d+ bad; first: line 1: .*\); expected sightings JSONL/,
        );
        expect(r.stderr).toContain(wrong);
      }
    }
  });

  it('times that cannot be dates or look like seconds name the line and field; one such line is skipped, not fatal', async () => {
    const dir = tmp();
    const good = readFileSync(join(REPO, 'examples/sightings.jsonl'), 'utf8').trimEnd().split('\n');
    const file = join(dir, 's.jsonl');
    writeFileSync(
      file,
      [
        ...good.slice(0, 3),
        sightingLine(1e20),
        sightingLine(8.64e15),
        sightingLine(1595205660),
        ...good.slice(3),
      ].join('\n'),
    );
    const r = await proxsense('episodes', '--sightings', file);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /s\.jsonl:4: t: expected a time in ms since the Unix epoch within 2020-01-01\.\.2099-12-31, got 100000000000000000000/,
    );
    expect(r.stderr).toMatch(/s\.jsonl:5: t: .*got 8640000000000000/);
    expect(r.stderr).toMatch(
      /s\.jsonl:6: t: .*got 1595205660 \(that looks like seconds: multiply by 1000\)/,
    );
    expect(r.stdout).not.toMatch(/\+275760|1970-/);
    const fail = await proxsense('episodes', '--sightings', file, '--on-bad-line', 'fail');
    oneLine(fail, 2, /s\.jsonl:4: t: expected a time in ms/);
  });

  it('keys JSON with a window past any date, reversed or empty is refused by inspect and export', async () => {
    const dir = tmp();
    const key = { keyData: '00'.repeat(16), rollingStartIntervalNumber: 2_658_672 };
    const cases: [unknown, RegExp][] = [
      [
        { startTimestamp: 1e13, keys: [key] },
        /startTimestamp: expected a time in whole seconds .* got 10000000000000/,
      ],
      [
        { startTimestamp: 1595376000, endTimestamp: 1595203200, keys: [key] },
        /endTimestamp: expected a time \(Unix seconds\) not before startTimestamp 1595376000, got 1595203200/,
      ],
      [{ keys: [] }, /keys: expected at least one key object, got an empty array/],
    ];
    for (const [json, message] of cases) {
      const file = join(dir, 'k.json');
      writeFileSync(file, JSON.stringify(json));
      oneLine(await proxsense('keys', 'inspect', file), 2, message);
      oneLine(
        await proxsense('keys', 'export', '--in', file, '--out', join(dir, 'out.zip')),
        2,
        message,
      );
    }
  });

  it('--verify with the PRIVATE key is refused, never "verified: yes"', async () => {
    const r = await proxsense(
      'keys',
      'inspect',
      'examples/diagnosis-keys.zip',
      '--verify',
      'examples/signing-key.pem',
    );
    oneLine(r, 2, /signing-key\.pem: is a private key; --verify takes the public key/);
    expect(r.stdout).not.toMatch(/verified: {2}yes/);
    oneLine(
      await proxsense(
        'match',
        '--keys',
        'examples/diagnosis-keys.zip',
        '--sightings',
        'examples/sightings.jsonl',
        '--verify',
        'examples/signing-key.pem',
      ),
      2,
      /is a private key/,
    );
  });

  it('a scenario starting before 2020 is refused: its sightings and keys could not be read back', async () => {
    const dir = tmp();
    const file = join(dir, 'old.yaml');
    writeFileSync(
      file,
      readFileSync(join(REPO, 'packages/sim/scenarios/rwp.yaml'), 'utf8') +
        'start: "2019-06-01T08:00:00Z"\n',
    );
    oneLine(
      await proxsense(
        'sim',
        'run',
        file,
        '--phones',
        '4',
        '--duration',
        '10m',
        '--no-report',
        '--out',
        join(dir, 'o'),
      ),
      2,
      /old\.yaml:\d+:\d+: start: expected a time within 2020-01-01\.\.2099-11-30/,
    );
  });

  it('usage errors are one line too', async () => {
    oneLine(
      await proxsense('match', '--keys', 'examples/diagnosis-keys.zip'),
      2,
      /required option '--sightings <file\.jsonl>' not specified/,
    );
    oneLine(
      await proxsense('keys', 'derive', '--scheme', 'gaen', '--key', '00', '--interval', '1e20'),
      2,
      /--interval/,
    );
  });

  it('bad bench flags end in one line, not a stack', () => {
    const tsx = join(REPO, 'node_modules/.bin/tsx');
    for (const args of [['matching', '--threads', 'many'], ['nope']]) {
      const r = spawnSync(tsx, ['--tsconfig', 'tsconfig.build.json', 'bench/run.ts', ...args], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(
          /^bench: (--threads: expected a non-negative number, got "many"|unknown flag --bogus; flags of matching: --keys N|unknown benchmark "nope")/,
        ),
      ]);
    }
  });
});

describe('standard input and closed pipes', () => {
  it('--sightings - reads standard input, same result as the file', () => {
    const input = readFileSync(join(REPO, 'examples/sightings.jsonl'));
    for (const command of [
      ['match', '--keys', 'examples/diagnosis-keys.zip', '--json'],
      ['episodes', '--json'],
    ]) {
      const fromFile = spawnSync(
        process.execPath,
        [BIN, ...command, '--sightings', 'examples/sightings.jsonl'],
        { cwd: REPO, encoding: 'utf8', timeout: 60_000 },
      );
      const fromStdin = spawnSync(process.execPath, [BIN, ...command, '--sightings', '-'], {
        cwd: REPO,
        input,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(fromStdin.status).toBe(0);
      expect(fromStdin.stdout).toBe(fromFile.stdout);
      expect(fromStdin.stdout.length).toBeGreaterThan(1000);
    }
    const bad = spawnSync(process.execPath, [BIN, 'episodes', '--sightings', '-'], {
      cwd: REPO,
      input: 'not json\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    oneLine(
      { code: bad.status ?? -1, stderr: bad.stderr },
      2,
      /^proxsense: \(stdin\): no valid sighting in 1 lines/,
    );
  });

  it('stops cleanly when the reader closes the pipe (| head): exit 0, no EPIPE stack', () => {
    const script = `"${process.execPath}" "${BIN}" keys derive --scheme gaen --key 75c734c6dd1a782de7a965da5eb93125 --interval 2642976 --count 100000 | head -n 2; echo "rc=\${PIPESTATUS[0]}" >&2`;
    const r = spawnSync('bash', ['-c', script], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(r.stderr.trim()).toBe('rc=0');
    const episodes = spawnSync(
      'bash',
      [
        '-c',
        `cat examples/sightings.jsonl | "${process.execPath}" "${BIN}" episodes --sightings - --json | head -c 100 >/dev/null; echo "rc=\${PIPESTATUS[1]}" >&2`,
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 60_000 },
    );
    expect(episodes.stderr).not.toMatch(/EPIPE|at .*:\d+:\d+/);
    expect(episodes.stderr.trim().split('\n').at(-1)).toBe('rc=0');
  });
});
