/**
 * `npm run bench -- <name> [--flags]`: runs one benchmark (or all with no name).
 * Benchmarks live here, never in timed unit tests; each prints ratios to a limit or baseline measured
 * in the same run, so figures from different machines stay comparable.
 */
import { runEpisodesBench } from './episodes.js';
import { runEstimateBench } from './estimate.js';
import { runEvaluateBench } from './evaluate.js';
import { runFloodBench } from './flood.js';
import { runMatchingBench } from './matching.js';
import { runOneBench } from './one.js';
import { runSimBench } from './sim.js';
import { runSizeBench } from './size.js';
import { runStoreBench } from './store.js';
import { runSweepBench } from './sweep.js';

/** Each benchmark and the numeric flags it takes (camelCase, as its options object names them). */
const benches: Record<
  string,
  { flags: string[]; run: (flags: Record<string, number>) => unknown }
> = {
  matching: {
    flags: [
      'keys',
      'pureKeys',
      'scaleKeys',
      'sightings',
      'planted',
      'threads',
      'memoryKeys',
      'memorySightings',
      'repeats',
      'quiet',
    ],
    run: (f) => runMatchingBench(f),
  },
  episodes: { flags: ['sightings', 'objectSightings', 'quiet'], run: (f) => runEpisodesBench(f) },
  estimate: { flags: ['rows', 'quiet'], run: (f) => runEstimateBench(f) },
  sim: {
    flags: ['phones', 'series', 'maxPhones', 'durationS', 'adoption', 'bluezone', 'both', 'quiet'],
    run: (f) => runSimBench(f),
  },
  evaluate: {
    flags: ['phones', 'durationS', 'adoption', 'quiet'],
    run: (f) => runEvaluateBench(f),
  },
  sweep: {
    flags: ['workers', 'phones', 'durationS', 'runs', 'quiet'],
    run: (f) => runSweepBench(f),
  },
  one: {
    flags: ['phones', 'durationS', 'rangeM', 'side', 'rangeOnly', 'quiet'],
    run: (f) => runOneBench(f),
  },
  size: { flags: ['quiet'], run: (f) => runSizeBench(f) },
  flood: { flags: ['devices', 'rate', 'seconds', 'quiet'], run: (f) => runFloodBench(f) },
  store: { flags: ['records', 'batch', 'quiet'], run: (f) => runStoreBench(f) },
};

/** A bad command line: printed in one line, exit 2, like the CLI's usage errors. */
class FlagError extends Error {}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function parseFlags(bench: string, args: string[], known: string[]): Record<string, number> {
  const flags: Record<string, number> = {};
  const usage = `flags of ${bench}: ${known.map((f) => `--${kebab(f)} N`).join(' ')}`;
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]!);
    if (!m) throw new FlagError(`unexpected argument "${args[i]}"; ${usage}`);
    const name = m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!known.includes(name)) throw new FlagError(`unknown flag --${m[1]}; ${usage}`);
    const value = m[2] ?? args[++i];
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new FlagError(
        `--${m[1]}: expected a non-negative number, got ${value === undefined ? 'nothing' : `"${value}"`}`,
      );
    flags[name] = n;
  }
  return flags;
}

const [name, ...rest] = process.argv.slice(2);
const selected = name ? [name] : Object.keys(benches);
try {
  for (const n of selected) {
    const bench = benches[n];
    if (!bench)
      throw new FlagError(
        `unknown benchmark "${n}"; available: ${Object.keys(benches).join(', ')}`,
      );
    const flags = parseFlags(n, name ? rest : [], bench.flags);
    await bench.run(flags);
  }
} catch (error) {
  if (!(error instanceof FlagError)) throw error;
  console.error(`bench: ${error.message}`);
  process.exitCode = 2;
}
