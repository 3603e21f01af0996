/**
 * A whole sweep: the jobs of the grid, the ledger (skipping what is done), the runs through an executor
 * (a local pool or a job queue), each record appended durably as it arrives, and the tables and report
 * written from the ledger at the end, so the files are the same however the runs were spread or resumed.
 * @module
 */
import { createHash } from 'node:crypto';
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_VERSION } from '../run/evaluate.js';
import type { Scenario } from '../scenario/schema.js';
import { expandGrid, sweepJobs } from './grid.js';
import { SweepLedger, type SweepIdentity } from './ledger.js';
import { LocalPoolExecutor } from './pool.js';
import { renderSweepReport } from './report.js';
import { runsCsv, summarize, summaryCsv, type SweepSummary } from './summary.js';
import type { RunExecutor, RunRecord, VaryAxis } from './types.js';

/** The identity of a sweep (what `sweep.json` holds). */
export function sweepIdentity(
  scenario: Scenario,
  axes: readonly VaryAxis[],
  runs: number,
  seed: number,
): SweepIdentity {
  return {
    version: SIM_VERSION,
    scenario,
    axes: axes.map((a) => ({ name: a.name, path: a.path, values: [...a.values] })),
    runs,
    seed,
  };
}

/** A short, stable id of a sweep: 12 hex digits of the SHA-256 of its identity (queue name, job ids). */
export function sweepIdOf(identity: SweepIdentity): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 12);
}

/** Progress of a running sweep. */
export interface SweepProgress {
  /** Runs done, those from earlier sessions included. */
  done: number;
  total: number;
  failed: number;
  /** Runs per second in this session (0 before the first). */
  ratePerS: number;
  /** Seconds left at that rate (NaN before the first run). */
  etaS: number;
}

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** The fixed base scenario (validated, overrides applied). */
  scenario: Scenario;
  axes: readonly VaryAxis[];
  /** Runs per grid point. */
  runs: number;
  /** Sweep seed: run seeds derive from (seed, point, run). */
  seed: number;
  /** Output directory: ledger, sweep.json, runs.csv, summary.csv, report.html. */
  dir: string;
  /**
   * Where runs execute (the caller closes it), or a factory given the sweep id (closed by runSweep).
   * Default: a {@link LocalPoolExecutor} with `workers` threads.
   */
  executor?: RunExecutor | ((sweepId: string) => RunExecutor | Promise<RunExecutor>);
  /** Worker threads of the default executor (default: available parallelism). */
  workers?: number;
  /** Tries per run of the default executor (default 2). */
  maxAttempts?: number;
  /** Called once at the start and after every run. */
  onProgress?: (progress: SweepProgress) => void;
}

/** Paths written by a sweep. */
export interface SweepFiles {
  ledger: string;
  identity: string;
  runsCsv: string;
  summaryCsv: string;
  report: string;
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/**
 * Runs (or resumes) a sweep and writes its tables and report. Runs already in the ledger are skipped;
 * a directory holding another sweep fails with {@link SweepMismatchError} before anything runs.
 */
export async function runSweep(
  options: RunSweepOptions,
): Promise<{ summary: SweepSummary; files: SweepFiles }> {
  const { scenario, axes, runs, seed, dir } = options;
  const jobs = sweepJobs(scenario, axes, runs, seed);
  const identity = sweepIdentity(scenario, axes, runs, seed);
  const sweepId = sweepIdOf(identity);
  const ledger = SweepLedger.open(dir, identity);
  try {
    const todo = jobs.filter((j) => !ledger.has(j.runId));
    const wanted = new Set(todo.map((j) => j.runId));
    const total = jobs.length;
    let failed = [...ledger.records.values()].filter((r) => r.status !== 'ok').length;
    const doneBefore = ledger.records.size;
    const startMs = performance.now();
    const progress = (): SweepProgress => {
      const doneNow = ledger.records.size - doneBefore;
      const elapsedS = (performance.now() - startMs) / 1000;
      const ratePerS = doneNow > 0 && elapsedS > 0 ? doneNow / elapsedS : 0;
      return {
        done: ledger.records.size,
        total,
        failed,
        ratePerS,
        etaS: ratePerS > 0 ? (total - ledger.records.size) / ratePerS : NaN,
      };
    };
    options.onProgress?.(progress());
    if (todo.length > 0) {
      const given = options.executor;
      const owned = given === undefined || typeof given === 'function';
      const executor =
        given === undefined
          ? new LocalPoolExecutor({ workers: options.workers, maxAttempts: options.maxAttempts })
          : typeof given === 'function'
            ? await given(sweepId)
            : given;
      try {
        await executor.execute(todo, (record: RunRecord) => {
          // A record for a run this sweep does not have, or already has, is not counted (at-least-once delivery).
          if (!wanted.has(record.runId)) return;
          if (ledger.append(record)) {
            if (record.status !== 'ok') failed++;
            options.onProgress?.(progress());
          }
        });
      } finally {
        if (owned) await executor.close();
      }
    }
    const pointParams = expandGrid(axes);
    const summary = summarize(ledger.records.values(), pointParams, {
      sweepId,
      dir,
      axes: identity.axes,
      runs,
      seed,
      total,
    });
    const files: SweepFiles = {
      ledger: join(dir, 'runs.jsonl'),
      identity: join(dir, 'sweep.json'),
      runsCsv: join(dir, 'runs.csv'),
      summaryCsv: join(dir, 'summary.csv'),
      report: join(dir, 'report.html'),
    };
    writeAtomic(files.runsCsv, runsCsv(ledger.records.values(), axes));
    writeAtomic(files.summaryCsv, summaryCsv(summary));
    writeAtomic(
      files.report,
      await renderSweepReport(summary, {
        scenarioName: scenario.name,
        baseAdoption: scenario.people.adoption,
      }),
    );
    return { summary, files };
  } finally {
    ledger.close();
  }
}
