/**
 * The worker side of queue sweeps (`proxsense sim worker`): watches the sweep registry in Redis, runs a
 * BullMQ `Worker` on every listed sweep queue, and runs each job's simulation in a worker thread.
 *
 * Why threads even for one job at a time: BullMQ renews a job's lock from this thread's event loop
 * (every `lockDuration / 2`); a simulation run on it would block renewal for the whole run, other workers
 * would see the job as stalled and run it a second time. In a thread pool (piscina, the pool the local
 * sweep uses) the loop stays free, so locks can be short and a worker killed mid-run (SIGKILL, a lost
 * machine) has its job taken over by another worker within `lockDuration + stalledInterval`.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Piscina } from 'piscina';
import { SIM_WORKER_YOUNG_GENERATION_MB } from '../run/engineSettings.js';
import type { Job, Worker } from 'bullmq';
import { InputError } from '@proxsense/core';
import { poolWorkerLocation } from './pool.js';
import type { PoolTask } from './poolWorker.js';
import {
  errorLogger,
  SWEEP_REGISTRY_KEY,
  sweepQueueName,
  waitForRedis,
  type QueueRunResult,
} from './queue.js';
import { parseRedisUrl, redisConnectionOptions, redisTargetLabel } from './redisUrl.js';
import type { RunJob, RunRecord } from './types.js';

/** Options of {@link runQueueWorker}. */
export interface QueueWorkerOptions {
  /** `redis://[:password@]host[:port][/db]` or `rediss://…` (TLS). */
  url: string;
  /** Runs at once, each on its own thread (default 1; one per core is the most that helps). */
  concurrency?: number;
  /** Diagnostics and one line per run, the URL always with its password masked. */
  onLog?: (line: string) => void;
  /** Abort to stop: no new jobs are taken, running ones finish, then the promise resolves. */
  signal?: AbortSignal;
  /**
   * A job's lock lifetime (default 10 000 ms). A dead worker's job is retried once this has run out and
   * the next stalled check comes; the lock is renewed every half of it while the job runs.
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs of its sweeps (default 5000 ms). */
  stalledIntervalMs?: number;
  /** How often the sweep registry is read (default 1000 ms). */
  registryPollMs?: number;
  /** How long to wait for Redis at start (default 15 000 ms). */
  connectTimeoutMs?: number;
  /**
   * Stop (resolve) after this long with no sweep listed and no job running: for batch schedulers
   * (a Kubernetes Job completes when its pods exit). Default: run until `signal` aborts.
   */
  idleExitMs?: number;
}

/**
 * Times one job may be found stalled before BullMQ fails it for good. 2: a run survives its worker being
 * killed twice; a run that kills every worker it lands on (out of memory) still ends, as a failed record.
 */
const MAX_STALLED_COUNT = 2;

/**
 * Serves every sweep queue listed in the registry until `signal` aborts. Throws {@link InputError} for a
 * bad URL, or a `ProxsenseError` when Redis cannot be reached at start.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const target = parseRedisUrl(options.url);
  const label = redisTargetLabel(target);
  const connection = redisConnectionOptions(target);
  const concurrency = Math.floor(options.concurrency ?? 1);
  if (!(concurrency >= 1 && concurrency <= 1024))
    throw new InputError('--concurrency', 'an integer from 1 to 1024', String(options.concurrency));
  const onLog = options.onLog;
  const signal = options.signal;
  const lockDuration = options.lockDurationMs ?? 10_000;
  const stalledInterval = options.stalledIntervalMs ?? 5000;
  const log = errorLogger(label, onLog);

  // Imported here, not at the top: BullMQ takes a third of a second to load, which only Redis sweeps need.
  const bullmq = await import('bullmq');
  const registry = new bullmq.RedisConnection(connection, { shared: false, blocking: false });
  registry.on('error', log.onError);
  let pool: Piscina | undefined;
  const served = new Map<string, Worker<RunJob, QueueRunResult>>();
  try {
    // The client promise settles once the connection is ready, which may be never (wrong host or password).
    const ready = registry.client;
    ready.catch(() => undefined);
    await waitForRedis(ready, label, options.connectTimeoutMs ?? 15_000, log.last);
    const client = await ready;
    const { filename, execArgv } = poolWorkerLocation();
    pool = new Piscina({
      filename,
      execArgv,
      minThreads: concurrency,
      maxThreads: concurrency,
      idleTimeout: 60_000,
      resourceLimits: { maxYoungGenerationSizeMb: SIM_WORKER_YOUNG_GENERATION_MB },
    });
    const threads = pool;
    onLog?.(
      `worker on ${label}: ${concurrency} thread${concurrency === 1 ? '' : 's'}, serving the sweeps listed in ${SWEEP_REGISTRY_KEY}`,
    );

    const processor = async (job: Job<RunJob, QueueRunResult>): Promise<QueueRunResult> => {
      // attemptsMade counts tries that ended (threw); a try lost with a killed worker is not one.
      const attempts = job.attemptsMade + 1;
      const startMs = performance.now();
      onLog?.(`${job.queueName} ${job.data.runId}: running (try ${attempts})`);
      const task: PoolTask = { job: job.data, attempt: attempts };
      const record = (await threads.run(task)) as RunRecord;
      onLog?.(
        `${job.queueName} ${job.data.runId}: ok in ${((performance.now() - startMs) / 1000).toFixed(1)} s (try ${attempts})`,
      );
      return { results: record.results ?? {}, attempts };
    };

    const serve = (sweepId: string): void => {
      const name = sweepQueueName(sweepId);
      const worker = new bullmq.Worker<RunJob, QueueRunResult>(name, processor, {
        connection,
        concurrency,
        lockDuration,
        stalledInterval,
        maxStalledCount: MAX_STALLED_COUNT,
      });
      worker.on('error', log.onError);
      worker.on('failed', (job, error) => {
        if (job)
          onLog?.(`${name} ${job.data.runId}: try ${job.attemptsMade} failed: ${error.message}`);
      });
      worker.on('stalled', (jobId) =>
        onLog?.(`${name}: job ${jobId} stalled (its worker stopped), back in the queue`),
      );
      served.set(sweepId, worker);
      onLog?.(`serving ${name}`);
    };
    const skipped = new Set<string>();
    const sync = async (): Promise<void> => {
      const ids = new Set(await client.smembers(SWEEP_REGISTRY_KEY));
      for (const id of ids) {
        if (served.has(id) || skipped.has(id)) continue;
        try {
          serve(id);
        } catch (error) {
          // Not a sweep id (someone else's member of the set): say so once and leave it alone.
          skipped.add(id);
          onLog?.(
            `ignoring ${JSON.stringify(id)} in ${SWEEP_REGISTRY_KEY}: ${(error as Error).message}`,
          );
        }
      }
      for (const [id, worker] of served) {
        if (ids.has(id)) continue;
        // The sweep collected all its results and removed its queue.
        served.delete(id);
        onLog?.(`${worker.name} finished, no longer served`);
        await worker.close();
      }
    };

    let busySinceMs = performance.now();
    while (!signal?.aborted) {
      try {
        await sync();
      } catch (error) {
        log.onError(error as Error);
      }
      if (served.size > 0) busySinceMs = performance.now();
      else if (
        options.idleExitMs !== undefined &&
        performance.now() - busySinceMs >= options.idleExitMs
      ) {
        onLog?.(`no sweep for ${Math.round(options.idleExitMs / 1000)} s: exiting`);
        break;
      }
      try {
        await sleep(options.registryPollMs ?? 1000, undefined, { signal });
      } catch {
        // Aborted: leave the loop.
      }
    }
    onLog?.(`stopping: ${served.size > 0 ? 'letting running jobs finish' : 'no jobs running'}`);
  } finally {
    // Closing a BullMQ Worker waits for its running jobs; their results are then saved before we leave.
    await Promise.allSettled([...served.values()].map((w) => w.close()));
    await pool?.destroy();
    await registry.close();
  }
}
