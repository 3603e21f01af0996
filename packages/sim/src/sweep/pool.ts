/**
 * Sweep runs on every core of this machine: a piscina pool of worker threads, each run a task. A run
 * that throws is tried again (up to `maxAttempts`), then recorded as failed, so one bad point never
 * stops a sweep.
 * @module
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { SIM_WORKER_YOUNG_GENERATION_MB } from '../run/engineSettings.js';
import { failedRecord, runToRecord } from './run.js';
import type { PoolTask } from './poolWorker.js';
import type { RunExecutor, RunJob, RunRecord } from './types.js';

/** Options of {@link LocalPoolExecutor}. */
export interface LocalPoolOptions {
  /** Worker threads (default: the machine's available parallelism). 1 runs in this thread. */
  workers?: number;
  /** Tries per run before it is recorded as failed (default 2). */
  maxAttempts?: number;
}

/** Where the sweep worker script is and what a thread needs to load it (tsx's loader when it is TypeScript); the queue worker's pool uses it too. */
export function poolWorkerLocation(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // From TypeScript source (tests, tsx): the worker is TypeScript too and needs tsx's loader.
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { filename: new URL('./poolWorker.ts', here).href, execArgv: ['--import', tsx] };
  }
  // Built: tsup emits the worker as its own entry next to index.js / index.cjs.
  return {
    filename: new URL(here.endsWith('.cjs') ? './sweepWorker.cjs' : './sweepWorker.js', here).href,
    execArgv: [],
  };
}

/** Runs sweep jobs on a local worker-thread pool (piscina). */
export class LocalPoolExecutor implements RunExecutor {
  readonly workers: number;
  readonly maxAttempts: number;
  private pool: Piscina | undefined;

  constructor(options: LocalPoolOptions = {}) {
    this.workers = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 2));
  }

  private runner(): (task: PoolTask) => Promise<RunRecord> {
    if (this.workers === 1) {
      // In this thread; the yield between runs lets progress output and signals through.
      return async (task) => {
        await new Promise((resolve) => setImmediate(resolve));
        return runToRecord(task.job, task.attempt);
      };
    }
    if (!this.pool) {
      const { filename, execArgv } = poolWorkerLocation();
      this.pool = new Piscina({
        filename,
        execArgv,
        minThreads: this.workers,
        maxThreads: this.workers,
        idleTimeout: 60_000,
        resourceLimits: { maxYoungGenerationSizeMb: SIM_WORKER_YOUNG_GENERATION_MB },
      });
    }
    const pool = this.pool;
    return (task) => pool.run(task) as Promise<RunRecord>;
  }

  async execute(
    jobs: readonly RunJob[],
    onRecord: (record: RunRecord) => void | Promise<void>,
  ): Promise<void> {
    const run = this.runner();
    // Longest first (Graham's LPT rule): a heavy run started last would leave the other threads idle at the
    // end. Records are keyed by run id, so the order never shows in the outputs.
    const order = jobs
      .map((job, i) => ({ job, i, cost: estimatedCost(job) }))
      .sort((a, b) => b.cost - a.cost || a.i - b.i);
    jobs = order.map((o) => o.job);
    // piscina hands queued runs to free threads. With one worker they run one by one.
    const limit = this.workers === 1 ? 1 : jobs.length;
    let next = 0;
    const one = async (job: RunJob): Promise<void> => {
      let lastError: unknown;
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        let record: RunRecord | undefined;
        try {
          record = await run({ job, attempt });
        } catch (error) {
          lastError = error;
          continue;
        }
        await onRecord(record);
        return;
      }
      await onRecord(failedRecord(job, lastError, this.maxAttempts));
    };
    const lane = async (): Promise<void> => {
      while (next < jobs.length) await one(jobs[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane));
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}

/**
 * Relative cost of a run, for ordering only: steps × people, times the share of pairs in which both carry
 * the app (the air and the firmware work scale with those), never zero (truth and mobility cost anyway).
 */
function estimatedCost(job: RunJob): number {
  const { people, durationS, stepS } = job.scenario;
  return ((people.count * durationS) / stepS) * (0.05 + people.adoption) ** 2;
}
