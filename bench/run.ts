/**
 * `npm run bench -- <name> [--flags]`: runs one benchmark (or all with no name).
 * Benchmarks live here, never in timed unit tests; each prints ratios to a limit or baseline measured
 * in the same run, so figures from different machines stay comparable.
 */
import { runEpisodesBench } from './episodes.js';
import { runEstimateBench } from './estimate.js';
import { runFloodBench } from './flood.js';
import { runMatchingBench } from './matching.js';
import { runSimBench } from './sim.js';
import { runStoreBench } from './store.js';
import { runSweepBench } from './sweep.js';

const benches: Record<string, (args: string[]) => Promise<unknown> | unknown> = {
  matching: (args) => runMatchingBench(parseFlags(args)),
  episodes: (args) => runEpisodesBench(parseFlags(args)),
  estimate: (args) => runEstimateBench(parseFlags(args)),
  flood: (args) => runFloodBench(parseFlags(args)),
  sim: (args) => runSimBench(parseFlags(args)),
  store: (args) => runStoreBench(parseFlags(args)),
  sweep: (args) => runSweepBench(parseFlags(args)),
};

function parseFlags(args: string[]): Record<string, number> {
  const flags: Record<string, number> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]!);
    if (!m) throw new Error(`unexpected argument ${args[i]}; flags look like --keys=200000`);
    const value = m[2] ?? args[++i];
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`--${m[1]}: expected a number, got ${value}`);
    flags[m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = n;
  }
  return flags;
}

const [name, ...rest] = process.argv.slice(2);
const selected = name ? [name] : Object.keys(benches);
for (const n of selected) {
  const bench = benches[n];
  if (!bench) {
    console.error(`unknown benchmark "${n}"; available: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  await bench(name ? rest : []);
}
