/**
 * `proxsense sim sweep`: a parameter study — the grid of `--vary` axes × `--runs` seeds over a fixed
 * base scenario, on every core (or through a job queue with `--queue`), resumable, with per-point means
 * and 95 % confidence intervals in summary.csv and report.html.
 * @module
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  createQueueExecutor,
  parseVary,
  runSweep,
  type RunExecutor,
  type SweepProgress,
  type SweepSummary,
} from '@proxsense/sim';
import { integerOption } from '../options.js';
import type { Output } from '../output.js';
import {
  addBaseScenarioOptions,
  overridesFrom,
  resolveScenario,
  type BaseScenarioOptions,
} from './sim.js';

interface SimSweepOptions extends BaseScenarioOptions {
  vary: string[];
  runs: number;
  seed: number;
  workers?: number;
  maxAttempts: number;
  out?: string;
  queue?: string;
  json?: boolean;
}

const fmt = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(3)).toString();
const collect = (value: string, previous: string[]) => [...previous, value];

function summaryTable(summary: SweepSummary, out: Output): void {
  const metrics = ['coverage', 'precision', 'recall', 'tracing.recall'];
  const head = [
    ...summary.axes.map((a) => a.name),
    'ok',
    'failed',
    ...metrics.map((m) => `${m} (95 % CI)`),
  ];
  const rows = summary.points.map((p) => [
    ...summary.axes.map((a) => String(p.params[a.name])),
    String(p.runsOk),
    String(p.failed),
    ...metrics.map((m) => {
      const s = p.metrics[m];
      return s && s.n > 0 ? `${fmt(s.mean)} (${fmt(s.ci95Low)}…${fmt(s.ci95High)})` : '–';
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  out.line(
    `sweep ${summary.sweepId}: ${summary.points.length} points × ${summary.runs} runs, seed ${summary.seed}: ${summary.ok} ok, ${summary.failed} failed of ${summary.total}`,
  );
  out.line(line(head));
  for (const r of rows) out.line(line(r));
}

/** Registers `sim sweep` under the `sim` command. */
export function registerSweepCommand(sim: Command, out: Output): void {
  const sweep = sim
    .command('sweep')
    .description(
      'parameter sweep: every --vary combination × --runs seeds over a base scenario, on every core (or a job queue), resumable, with 95 % confidence intervals',
    )
    .argument(
      '[scenario]',
      'built-in scenario name or a .json/.yaml scenario file (the fixed base)',
    )
    .option(
      '--vary <path=values>',
      'an axis: path=v1,v2,… or path=from:to:step (adoption, phones, duration, profile, or any scenario path such as scan.intervalS); repeatable',
      collect,
      [] as string[],
    )
    .option('--runs <n>', 'runs (seeds) per grid point', integerOption(1, 100_000), 1)
    .option(
      '--seed <n>',
      'sweep seed: each run is seeded from (seed, grid point, run)',
      integerOption(0, 2 ** 32 - 1),
      1,
    )
    .option('--workers <n>', 'worker threads (default: every core)', integerOption(1, 4096))
    .option(
      '--max-attempts <n>',
      'tries per run before it is recorded as failed',
      integerOption(1, 100),
      2,
    )
    .option(
      '--out <dir>',
      'ledger, runs.csv, summary.csv and report.html (default sweep-out/<scenario>); rerun with the same arguments to resume',
    )
    .option(
      '--queue <url>',
      'run through a BullMQ queue on Redis (redis://[:password@]host:port/db or rediss://) served by `proxsense sim worker`',
    )
    .option('--json', 'print the summary as JSON instead of the table');
  addBaseScenarioOptions(sweep, 'base: ')
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense sim sweep office --vary adoption=0.1:0.9:0.1 --vary profile=gaen,bluezone --runs 20\n  $ proxsense sim sweep bus --vary scan.intervalS=120,240 --runs 10 --workers 4 --out results/bus\n  $ proxsense sim sweep office --vary adoption=0.2,0.8 --runs 20 --queue redis://localhost:6379/0',
    )
    .action(async (nameOrFile: string | undefined, o: SimSweepOptions) => {
      const axes = o.vary.map(parseVary);
      const { scenario } = await resolveScenario(nameOrFile, overridesFrom(o));
      const dir = o.out ?? `sweep-out/${scenario.name}`;
      const bar =
        out.interactive && !o.json
          ? new SingleBar({
              format: 'sweep [{bar}] {value}/{total} runs | {rate} runs/s | ETA {etaText}',
              stream: process.stderr,
              hideCursor: true,
            })
          : undefined;
      const onProgress = (p: SweepProgress) => {
        const payload = {
          rate: p.ratePerS > 0 ? p.ratePerS.toFixed(2) : '–',
          etaText: Number.isFinite(p.etaS) ? `${Math.round(p.etaS)}s` : '–',
        };
        if (bar && !bar.isActive) bar.start(p.total, p.done, payload);
        else bar?.update(p.done, payload);
      };
      let summary: SweepSummary;
      let files: { runsCsv: string; summaryCsv: string; report: string };
      try {
        ({ summary, files } = await runSweep({
          scenario,
          axes,
          runs: o.runs,
          seed: o.seed,
          dir,
          ...(o.workers !== undefined ? { workers: o.workers } : {}),
          maxAttempts: o.maxAttempts,
          ...(o.queue !== undefined
            ? {
                executor: (sweepId: string): Promise<RunExecutor> =>
                  createQueueExecutor({
                    url: o.queue!,
                    sweepId,
                    maxAttempts: o.maxAttempts,
                    onLog: (l) => out.warn(l),
                  }),
              }
            : {}),
          onProgress,
        }));
      } finally {
        bar?.stop();
      }
      if (o.json) out.json(summary);
      else summaryTable(summary, out);
      out.warn(`wrote ${files.runsCsv}, ${files.summaryCsv}, ${files.report}`);
    });
}
