import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fuzzCommand,
  runInProcess,
  validSeeds,
  type CommandSpec,
  type Role,
} from './fuzz/harness.js';

// Runs per command: the whole file stays within ~60 s on a loaded 2-core machine.
const RUNS = Number(process.env['PROXSENSE_FUZZ_RUNS'] ?? 45);

/** Every added column of `estimate` is a finite, non-negative number, the interval around the median. */
function checkEstimateCsv(stdout: string, args: string[]): void {
  if (args.includes('--json')) {
    for (const row of JSON.parse(stdout) as Record<string, unknown>[]) checkDistances(row);
    return;
  }
  const [header, ...rows] = stdout.trimEnd().split('\n');
  const columns = header!.split(',');
  for (const line of rows) {
    // Quoted cells of pass-through columns may hold commas; the added columns are the last ones.
    const cells = line.split(',');
    const row: Record<string, unknown> = {};
    columns.forEach((c, i) => (row[c] = cells[cells.length - columns.length + i]));
    checkDistances(row);
  }
}

function checkDistances(row: Record<string, unknown>): void {
  const num = (name: string) =>
    row[name] === undefined || row[name] === '' ? undefined : Number(row[name]);
  for (const prefix of ['distance', 'filtered_distance']) {
    const [m, lo, hi] = [num(`${prefix}_m`), num(`${prefix}_low_m`), num(`${prefix}_high_m`)];
    if (m === undefined) continue;
    for (const x of [m, lo!, hi!])
      expect(Number.isFinite(x) && x >= 0, JSON.stringify(row)).toBe(true);
    expect(lo! <= m && m <= hi!, JSON.stringify(row)).toBe(true);
    // A distance of 0 m with an interval [0, 0] (issue 10: tx −127) is no estimate; nor is 25 km.
    expect(m > 0 && hi! > lo! && m < 10_000, JSON.stringify(row)).toBe(true);
  }
  const att = num('attenuation_db');
  if (att !== undefined) expect(Number.isFinite(att), JSON.stringify(row)).toBe(true);
}

const gaenKeyFiles: Role[] = ['keysZip', 'keysJson', 'bluezoneF0'];

/** Every command and each input it reads. */
const COMMANDS: CommandSpec[] = [
  {
    name: 'keys inspect',
    reads: gaenKeyFiles,
    argv: (f) => [
      ['keys', 'inspect', f.keysZip],
      ['keys', 'inspect', f.keysZip, '--json'],
      ['keys', 'inspect', f.keysZip, '--verify', f.publicKey],
      ['keys', 'inspect', f.keysJson],
      ['keys', 'inspect', f.keysJson, '--json'],
      ['keys', 'inspect', f.bluezoneF0],
    ],
  },
  {
    name: 'keys export',
    reads: ['keysJson', 'privateKey'],
    argv: (f, dir) => [
      ['keys', 'export', '--in', f.keysJson, '--out', join(dir, 'out.zip')],
      [
        'keys',
        'export',
        '--in',
        f.keysJson,
        '--out',
        join(dir, 'out.zip'),
        '--sign',
        f.privateKey,
        '--json',
      ],
    ],
  },
  {
    name: 'match',
    reads: ['sightings', ...gaenKeyFiles, 'publicKey'],
    argv: (f) => [
      ['match', '--keys', f.keysZip, '--sightings', f.sightings],
      ['match', '--keys', f.keysZip, '--sightings', f.sightings, '--json'],
      ['match', '--keys', f.keysZip, '--sightings', f.sightings, '--verify', f.publicKey],
      ['match', '--keys', f.keysJson, '--sightings', f.sightings, '--crypto', 'pure'],
      ['match', '--keys', f.bluezoneF0, '--sightings', f.sightings, '--json'],
      ['match', '--keys', f.keysZip, '--sightings', f.sightings, '--threads', '2', '--json'],
    ],
  },
  {
    name: 'episodes',
    reads: ['sightings', 'keysZip', 'episodesConfig'],
    argv: (f) => [
      ['episodes', '--sightings', f.sightings],
      ['episodes', '--sightings', f.sightings, '--json'],
      ['episodes', '--sightings', f.sightings, '--keys', f.keysZip],
      [
        'episodes',
        '--sightings',
        f.sightings,
        '--keys',
        f.keysZip,
        '--config',
        f.episodesConfig,
        '--json',
      ],
      ['episodes', '--sightings', f.sightings, '--config', f.episodesConfig],
    ],
  },
  {
    name: 'risk',
    reads: ['windows', 'episodesConfig'],
    argv: (f) => [
      ['risk', '--windows', f.windows, '--rules', 'gaen', '--today', '2020-07-23'],
      [
        'risk',
        '--windows',
        f.windows,
        '--rules',
        'gaen',
        '--config',
        f.episodesConfig,
        '--today',
        '2020-07-23',
        '--json',
      ],
      ['risk', '--windows', f.windows, '--rules', 'cwa', '--today', '2020-07-23'],
      ['risk', '--windows', f.windows, '--rules', 'cwa', '--today', '2020-07-23', '--json'],
      ['risk', '--windows', f.windows, '--rules', 'bluezone', '--json'],
    ],
  },
  {
    name: 'calibrate fit',
    reads: ['labelledCsv', 'calibrationCsv'],
    argv: (f, dir) => [
      ['calibrate', 'fit', f.labelledCsv],
      ['calibrate', 'fit', f.labelledCsv, '--json'],
      [
        'calibrate',
        'fit',
        f.labelledCsv,
        '--calibration',
        f.calibrationCsv,
        '--out',
        join(dir, 'fitted.json'),
      ],
    ],
  },
  {
    name: 'estimate',
    reads: ['labelledCsv', 'model', 'calibrationCsv'],
    argv: (f) => [
      ['estimate', '--in', f.labelledCsv],
      ['estimate', '--in', f.labelledCsv, '--model', f.model, '--filter', 'median'],
      [
        'estimate',
        '--in',
        f.labelledCsv,
        '--model',
        f.model,
        '--calibration',
        f.calibrationCsv,
        '--json',
      ],
    ],
    checkOutput: checkEstimateCsv,
    passesInputThrough: true,
  },
  {
    name: 'sim run',
    reads: ['scenario'],
    // A few phones for ten minutes: a mutated scenario that still validates must not run for an hour.
    argv: (f, dir) => [
      [
        'sim',
        'run',
        f.scenario,
        '--phones',
        '4',
        '--duration',
        '10m',
        '--no-report',
        '--out',
        join(dir, 'sim'),
        '--json',
      ],
    ],
    numRuns: Math.ceil(RUNS / 3),
  },
];

describe('every command under fuzzed input: exit 0 with sane output or 2 with one line, never a crash', () => {
  let seeds: Awaited<ReturnType<typeof validSeeds>>;
  beforeAll(async () => {
    seeds = await validSeeds();
  });

  it('the valid seeds themselves pass', () => {
    expect(seeds.sightings.length).toBeGreaterThan(1000);
    expect(new TextDecoder().decode(seeds.windows)).toMatch(/scanInstances/);
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s', async (_name, spec) => {
    await fuzzCommand(spec, seeds, spec.numRuns ?? RUNS);
  });

  it('keys derive under extreme and swapped arguments', async () => {
    const { default: fc } = await import('fast-check');
    const { checkContract, EXTREME_TOKENS } = await import('./fuzz/harness.js');
    const arg = fc.oneof(
      fc.constantFrom(...EXTREME_TOKENS),
      fc.constantFrom('75c734c6dd1a782de7a965da5eb93125', '00'.repeat(32), 'zz', ''),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('gaen', 'bluezone', 'x'),
        arg,
        arg,
        arg,
        fc.boolean(),
        async (scheme, key, interval, count, json) => {
          const args = [
            'keys',
            'derive',
            '--scheme',
            scheme,
            '--key',
            key,
            '--interval',
            interval,
            '--count',
            count,
            ...(json ? ['--json'] : []),
          ];
          const r = await runInProcess(args);
          // Options are named in commander's errors ("option '--count <k>' argument …").
          checkContract(r, args, '--', { name: 'keys derive', reads: [], argv: () => [] });
        },
      ),
      { numRuns: RUNS, seed: 10 },
    );
  });
});
