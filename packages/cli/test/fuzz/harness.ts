/**
 * One fuzz harness for every CLI command: each command declares the inputs it reads (by role) and how
 * its arguments are built from input files; the harness feeds it random bytes, truncated, byte-flipped
 * and number-mutated versions of valid files, extreme numbers in every numeric field, and files of
 * another role in the wrong place (swapped arguments), runs the CLI in-process through `run(argv, out)`
 * and checks the contract: exit 0 with sane output, or exit 2 (1 for a failed signature check) with one
 * `proxsense:` line naming the file — never 70, never a stack trace, never a hang.
 * @module
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { run } from '../../src/main.js';
import type { Output } from '../../src/output.js';
import { REPO } from '../cli.js';

/** What an in-process run printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process (no spawn: ~100× faster), bounded by `timeoutMs`. */
export async function runInProcess(args: string[], timeoutMs = 20_000): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const out: Output = {
    line: (text) => void (stdout += `${text}\n`),
    text: (text) => void (stdout += text),
    json: (value) => void (stdout += `${JSON.stringify(value, null, 2)}\n`),
    warn: (text) => void (stderr += `${text}\n`),
    interactive: false,
  };
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`hang: proxsense ${args.join(' ')} still running after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const code = await Promise.race([run(['node', 'proxsense', ...args], out), hang]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** The kinds of file the commands read. */
export type Role =
  | 'sightings'
  | 'keysZip'
  | 'keysJson'
  | 'bluezoneF0'
  | 'episodesConfig'
  | 'labelledCsv'
  | 'calibrationCsv'
  | 'model'
  | 'windows'
  | 'publicKey'
  | 'privateKey'
  | 'scenario';

/** File name (its extension matters to nobody: formats are sniffed from the bytes) per role. */
const FILE_NAMES: Record<Role, string> = {
  sightings: 'sightings.jsonl',
  keysZip: 'keys.zip',
  keysJson: 'keys.json',
  bluezoneF0: 'f0.json',
  episodesConfig: 'episodes-config.json',
  labelledCsv: 'labelled.csv',
  calibrationCsv: 'calibration.csv',
  model: 'model.json',
  windows: 'windows.json',
  publicKey: 'key.pub.pem',
  privateKey: 'key.pem',
  scenario: 'scenario.yaml',
};

const example = (name: string) => new Uint8Array(readFileSync(join(REPO, 'examples', name)));
const text = (s: string) => new TextEncoder().encode(s);
const firstLines = (bytes: Uint8Array, n: number) =>
  text(new TextDecoder().decode(bytes).split('\n').slice(0, n).join('\n') + '\n');

/** Valid inputs, small enough that one run takes milliseconds. `windows` is made by `episodes --json`. */
export async function validSeeds(): Promise<Record<Role, Uint8Array>> {
  const sightings = firstLines(example('sightings.jsonl'), 80);
  const episodes = await runInProcess([
    'episodes',
    '--sightings',
    join(REPO, 'examples/sightings.jsonl'),
    '--keys',
    join(REPO, 'examples/diagnosis-keys.zip'),
    '--json',
  ]);
  if (episodes.code !== 0) throw new Error(`seed windows: ${episodes.stderr}`);
  const windows = (JSON.parse(episodes.stdout) as { windows: unknown[] }).windows.slice(0, 6);
  return {
    sightings,
    keysZip: example('diagnosis-keys.zip'),
    keysJson: example('keys.json'),
    bluezoneF0: example('bluezone-f0.json'),
    episodesConfig: example('episodes-config.json'),
    labelledCsv: firstLines(example('labelled-rssi.csv'), 60),
    calibrationCsv: text(
      'manufacturer,device,model,tx,rssi_correction,calibration_confidence\nGoogle,Pixel 4a,Pixel 4a,-24,5,3\n*,*,*,-24,0,1\n',
    ),
    model: text('{"a0Db": 50, "pathLossExponent": 2.5, "sigmaDb": 8}\n'),
    windows: text(JSON.stringify({ windows })),
    publicKey: example('signing-key.pub.pem'),
    privateKey: example('signing-key.pem'),
    scenario: new Uint8Array(readFileSync(join(REPO, 'packages/sim/scenarios/rwp.yaml'))),
  };
}

/**
 * Numbers at and past every range edge a field might have: Date limits, seconds for ms, RSSI/TX
 * edges, 32/53-bit limits, and tokens that are not numbers where a number stood.
 */
export const EXTREME_TOKENS = [
  '1e20',
  '-1e20',
  '8.64e15',
  '8640000000000001',
  '1e308',
  '-1e308',
  '0',
  '-0',
  '-1',
  '1595205660',
  '1595205660154000',
  '-127',
  '-128',
  '20',
  '21',
  '127',
  '128',
  '-147',
  '100',
  '1e-300',
  '0.5',
  '4294967296',
  '2147483648',
  '9007199254740993',
  '0x10',
  '1e',
  '"1"',
  '""',
  'null',
  'true',
  '[]',
  '{}',
  'NaN',
  'Infinity',
  '-Infinity',
];

const NUMBER_TOKEN = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** One way to spoil an input. */
export type Mutation =
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; flips: [number, number][] }
  | { kind: 'extreme'; which: number; token: string; all: boolean }
  /** The `nth` number of every line: one field (a CSV column, a JSONL key) extreme in every record. */
  | { kind: 'column'; nth: number; token: string }
  | { kind: 'lines'; a: number; b: number; op: 'swap' | 'drop' | 'dup' }
  | { kind: 'swap'; role: Role };

/** Every kind of mutation, weighted towards the structured ones that get past the first parser. */
export function mutationArbitrary(roles: readonly Role[]): fc.Arbitrary<Mutation> {
  return fc.oneof(
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 1500 })
        .map((bytes): Mutation => ({ kind: 'random', bytes })),
    },
    { weight: 1, arbitrary: fc.nat().map((at): Mutation => ({ kind: 'truncate', at })) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
        .map((flips): Mutation => ({ kind: 'flip', flips })),
    },
    {
      weight: 5,
      arbitrary: fc
        .record({ which: fc.nat(), token: fc.constantFrom(...EXTREME_TOKENS), all: fc.boolean() })
        .map((m): Mutation => ({ kind: 'extreme', ...m })),
    },
    {
      weight: 4,
      arbitrary: fc
        .record({ nth: fc.nat({ max: 8 }), token: fc.constantFrom(...EXTREME_TOKENS) })
        .map((m): Mutation => ({ kind: 'column', ...m })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          a: fc.nat(),
          b: fc.nat(),
          op: fc.constantFrom('swap' as const, 'drop' as const, 'dup' as const),
        })
        .map((m): Mutation => ({ kind: 'lines', ...m })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...roles).map((role): Mutation => ({ kind: 'swap', role })),
    },
  );
}

/** Applies a mutation to a valid input. */
export function mutate(seed: Uint8Array, m: Mutation, seeds: Record<Role, Uint8Array>): Uint8Array {
  switch (m.kind) {
    case 'random':
      return m.bytes;
    case 'truncate':
      return seed.slice(0, seed.length === 0 ? 0 : m.at % seed.length);
    case 'flip': {
      const out = seed.slice();
      for (const [at, byte] of m.flips) if (out.length) out[at % out.length] = byte;
      return out;
    }
    case 'extreme': {
      const source = new TextDecoder().decode(seed);
      const count = source.match(NUMBER_TOKEN)?.length ?? 0;
      if (count === 0) return seed;
      const target = m.which % count;
      let i = 0;
      return text(
        source.replace(NUMBER_TOKEN, (token) => (m.all || i++ === target ? m.token : token)),
      );
    }
    case 'column': {
      const lines = new TextDecoder().decode(seed).split('\n');
      return text(
        lines
          .map((line) => {
            const count = line.match(NUMBER_TOKEN)?.length ?? 0;
            if (count === 0) return line;
            const target = m.nth % count;
            let i = 0;
            return line.replace(NUMBER_TOKEN, (token) => (i++ === target ? m.token : token));
          })
          .join('\n'),
      );
    }
    case 'lines': {
      const lines = new TextDecoder().decode(seed).split('\n');
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      if (m.op === 'swap') [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      else if (m.op === 'drop') lines.splice(a, 1);
      else lines.splice(b, 0, lines[a]!);
      return text(lines.join('\n'));
    }
    case 'swap':
      return seeds[m.role];
  }
}

/** A command under test: the inputs it reads and how its argv is built from their paths. */
export interface CommandSpec {
  name: string;
  /** Roles of the files it reads; one of them is spoilt per run. */
  reads: Role[];
  /** Argument lists to pick from, given each role's file path and a scratch directory. */
  argv: (files: Record<Role, string>, scratch: string) => string[][];
  /** Extra checks of a successful run's stdout. */
  checkOutput?: (stdout: string, args: string[]) => void;
  /** Cases to run (default 45). */
  numRuns?: number;
  /** Output copies input cells untouched (estimate): only `checkOutput` judges it, not {@link LIES}. */
  passesInputThrough?: boolean;
}

/** Text that shows a number or date went wrong somewhere: never acceptable in output. */
const LIES =
  /\bNaN\b|Infinity|Invalid Date|[+-]\d{6}-\d\d-\d\d|\b(?:19[0-9]\d|2[1-9]\d\d)-\d\d-\d\dT/;

/** The CLI contract for one run (see the module comment). */
export function checkContract(
  r: RunResult,
  args: string[],
  spoilt: string,
  spec: CommandSpec,
): void {
  const context = `proxsense ${args.join(' ')}\nexit ${r.code}\nstderr:\n${r.stderr}`;
  expect(r.stderr, context).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
  const verifying = args.includes('--verify');
  expect(verifying ? [0, 1, 2] : [0, 2], context).toContain(r.code);
  if (r.code === 0) {
    if (!spec.passesInputThrough) expect(r.stdout, context).not.toMatch(LIES);
    if (args.includes('--json')) expect(() => JSON.parse(r.stdout), context).not.toThrow();
    spec.checkOutput?.(r.stdout, args);
    return;
  }
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('proxsense: '));
  expect(errors, context).toHaveLength(1);
  expect(r.stderr.trimEnd().split('\n').at(-1), context).toBe(errors[0]);
  // The line names the file that was spoilt (or, for a swapped argument, a file it was given).
  const named = args.filter((a) => a.startsWith('/'));
  expect(
    named.some((path) => errors[0]!.includes(path)) || errors[0]!.includes(spoilt),
    context,
  ).toBe(true);
}

/**
 * Runs `numRuns` fuzz cases of a command: each writes valid inputs to a fresh directory, spoils one of
 * them, picks an argument list and checks the contract.
 */
export async function fuzzCommand(
  spec: CommandSpec,
  seeds: Record<Role, Uint8Array>,
  numRuns = spec.numRuns ?? 45,
  seed = Number(process.env['PROXSENSE_FUZZ_SEED'] ?? 10),
): Promise<void> {
  const allRoles = Object.keys(FILE_NAMES) as Role[];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...spec.reads),
      mutationArbitrary(allRoles),
      fc.nat(),
      async (role, mutation, pick) => {
        const dir = mkdtempSync(join(tmpdir(), `proxsense-fuzz-${spec.name.replace(/\W/g, '-')}-`));
        const files = {} as Record<Role, string>;
        for (const r of allRoles) {
          files[r] = join(dir, FILE_NAMES[r]);
          writeFileSync(files[r], r === role ? mutate(seeds[r], mutation, seeds) : seeds[r]);
        }
        const choices = spec.argv(files, dir);
        const args = choices[pick % choices.length]!;
        const r = await runInProcess(args);
        checkContract(r, args, files[role], spec);
      },
    ),
    { numRuns, seed, endOnFailure: true },
  );
}
