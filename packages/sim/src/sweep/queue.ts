/**
 * Sweep runs through a BullMQ job queue on Redis, served by `proxsense sim worker` processes on any
 * number of machines.
 *
 * Naming: one queue per sweep, `proxsense-sweep-<sweepId>` (the sweep id is a hash of the sweep's
 * identity, so the same arguments always land on the same queue), and every live sweep's id in the Redis
 * set {@link SWEEP_REGISTRY_KEY}. Workers are started without a sweep name: they watch that set and run
 * one BullMQ `Worker` per sweep queue listed there. A queue per sweep keeps sweeps apart (their jobs,
 * results and clean-up) without any filtering by us; the set is how a worker finds them.
 *
 * Delivery: job ids are `<sweepId>-<runId>`, so enqueuing a sweep again after a resume adds nothing that
 * is already there; results stay in Redis (for a week) until the sweep has all of them, then the queue is
 * removed. Completed and failed jobs are found both from QueueEvents and by asking each pending job's
 * state (at start, and every few seconds), so an event missed while disconnected delays a record, never
 * loses it; each run id gets exactly one record.
 * @module
 */
import type { Job, JobsOptions, Queue, QueueEvents, RedisClient } from 'bullmq';
import { InputError, ProxsenseError } from '@proxsense/core';
import {
  parseRedisUrl,
  redisConnectionOptions,
  redisTargetLabel,
  type RedisConnectionOptions,
} from './redisUrl.js';
import { failedRecord, jobIdentity } from './run.js';
import type { RunExecutor, RunJob, RunRecord, RunScalars } from './types.js';

/** Redis set of the ids of the sweeps that have work (or results not yet collected) on a queue. */
export const SWEEP_REGISTRY_KEY = 'proxsense:sweeps';

const REGISTRY_COMMAND = 'proxsenseSweepRegistry';
const registryReady = new WeakSet<RedisClient>();

/**
 * Adds a sweep id to the registry, or removes it. BullMQ's client interface has no SADD/SREM (it spans
 * several Redis client libraries), but it runs named Lua scripts on any of them.
 */
export async function updateSweepRegistry(
  client: RedisClient,
  op: 'SADD' | 'SREM',
  sweepId: string,
): Promise<void> {
  if (!registryReady.has(client)) {
    client.defineCommand(REGISTRY_COMMAND, {
      numberOfKeys: 1,
      lua: 'return redis.call(ARGV[1], KEYS[1], ARGV[2])',
    });
    registryReady.add(client);
  }
  await client.runCommand(REGISTRY_COMMAND, [SWEEP_REGISTRY_KEY, op, sweepId]);
}

/** The BullMQ queue of a sweep. */
export function sweepQueueName(sweepId: string): string {
  // The id becomes part of Redis keys (`bull:<queue>:…`): no `:`, no spaces, bounded.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(sweepId))
    throw new InputError('sweepId', 'letters, digits, _ or - (1–64)', JSON.stringify(sweepId));
  return `proxsense-sweep-${sweepId}`;
}

/** The BullMQ job id of a run: stable, so adding it again is a no-op (BullMQ forbids `:` in custom ids). */
export function sweepJobId(sweepId: string, runId: string): string {
  return `${sweepId}-${runId}`;
}

/** What a queue worker returns for a job: the run's scalars and which try produced them. */
export interface QueueRunResult {
  results: RunScalars;
  /** 1 + the tries that threw before (a try lost to a killed worker is not counted, as in a local sweep). */
  attempts: number;
}

/** Options of {@link createQueueExecutor}. */
export interface QueueExecutorOptions {
  /** `redis://[:password@]host[:port][/db]` or `rediss://…` (TLS). */
  url: string;
  /** The sweep's id (`sweepIdOf`): names the queue and prefixes job ids. */
  sweepId: string;
  /** Tries per run before it is recorded as failed (default 3). */
  maxAttempts?: number;
  /** First retry delay; doubles per try (default 1000 ms). */
  backoffMs?: number;
  /** How long to wait for Redis at start before giving up (default 15 000 ms). */
  connectTimeoutMs?: number;
  /** How often pending jobs' states are checked besides the events (default 5000 ms). */
  reconcileIntervalMs?: number;
  /** Diagnostics, one line each (the URL always with its password masked). */
  onLog?: (line: string) => void;
}

/** Finished jobs are kept this long for a resumed sweep to collect (7 days); a finished sweep removes its queue. */
const KEEP_FINISHED_S = 7 * 86_400;
/** Jobs per round trip when adding and checking states. */
const BATCH = 200;

/** Waits for a BullMQ connection, or fails naming the masked URL and the last Redis error. */
export async function waitForRedis(
  ready: Promise<unknown>,
  label: string,
  timeoutMs: number,
  lastError: () => string | undefined,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const why = lastError();
      reject(
        new ProxsenseError(
          `cannot reach Redis at ${label} within ${Math.round(timeoutMs / 1000)} s${why ? `: ${why}` : ''}`,
        ),
      );
    }, timeoutMs);
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Logs a connection error once per distinct message, and remembers the last one for a timeout message. */
export function errorLogger(
  label: string,
  onLog: ((line: string) => void) | undefined,
): { onError: (error: Error) => void; last: () => string | undefined } {
  let last: string | undefined;
  return {
    onError: (error) => {
      // ioredis messages name host and port (ECONNREFUSED 127.0.0.1:6379) or the auth failure, never the password.
      if (error.message !== last) onLog?.(`redis ${label}: ${error.message}`);
      last = error.message;
    },
    last: () => last,
  };
}

/** Runs sweep jobs through the sweep's BullMQ queue; see the module comment for the design. */
class QueueExecutor implements RunExecutor {
  private finished = false;
  private closed = false;
  private abort: ((error: Error) => void) | undefined;

  constructor(
    private readonly jobs: typeof Job,
    private readonly queue: Queue<RunJob, QueueRunResult>,
    private readonly events: QueueEvents,
    private readonly sweepId: string,
    private readonly jobOptions: JobsOptions,
    private readonly reconcileIntervalMs: number,
    private readonly onLog: ((line: string) => void) | undefined,
  ) {}

  async execute(
    jobs: readonly RunJob[],
    onRecord: (record: RunRecord) => void | Promise<void>,
  ): Promise<void> {
    if (this.closed) throw new ProxsenseError('queue executor already closed');
    const pending = new Map<string, RunJob>();
    for (const job of jobs) pending.set(sweepJobId(this.sweepId, job.runId), job);
    if (pending.size === 0) return;

    let resolveDone!: () => void;
    let rejectDone!: (error: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    this.abort = rejectDone;
    // Records go out one at a time, in arrival order: the driver appends each to its ledger.
    let chain = Promise.resolve();
    const deliver = (jobId: string, record: RunRecord): void => {
      if (!pending.delete(jobId)) return;
      chain = chain
        .then(() => onRecord(record))
        .catch((error: unknown) => rejectDone(error as Error));
      if (pending.size === 0) void chain.then(resolveDone);
    };
    const settle = async (jobId: string): Promise<void> => {
      const runJob = pending.get(jobId);
      if (!runJob) return;
      // State first, then the job: a job read before it completes and checked after would look completed
      // without its return value (BullMQ writes both in one step, so this order always sees them together).
      const state = await this.queue.getJobState(jobId);
      if (state !== 'completed' && state !== 'failed') return;
      const job = await this.jobs.fromId<RunJob, QueueRunResult>(this.queue, jobId);
      if (!job) return;
      if (state === 'completed') deliver(jobId, completedRecord(runJob, job.returnvalue));
      else if (state === 'failed')
        deliver(
          jobId,
          failedRecord(runJob, job.failedReason || 'failed', Math.max(1, job.attemptsMade)),
        );
    };
    const settleAll = async (): Promise<void> => {
      const ids = [...pending.keys()];
      for (let i = 0; i < ids.length && pending.size > 0; i += BATCH)
        await Promise.all(ids.slice(i, i + BATCH).map(settle));
    };
    const onEvent = ({ jobId }: { jobId: string }): void => {
      if (pending.has(jobId))
        settle(jobId).catch((error: unknown) =>
          this.onLog?.(`checking job ${jobId}: ${(error as Error).message}`),
        );
    };
    this.events.on('completed', onEvent);
    this.events.on('failed', onEvent);
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.enqueue([...pending.entries()]);
      // Jobs that finished before we listened (a resume, or a fast worker) are only found by asking.
      await settleAll();
      const reconcile = (): void => {
        timer = setTimeout(() => {
          settleAll().then(
            () => {
              if (pending.size > 0 && !this.closed) reconcile();
            },
            (error: unknown) => {
              this.onLog?.(`checking job states: ${(error as Error).message}`);
              if (!this.closed) reconcile();
            },
          );
        }, this.reconcileIntervalMs);
      };
      if (pending.size > 0) reconcile();
      await done;
      await chain;
      this.finished = true;
    } finally {
      clearTimeout(timer);
      this.events.off('completed', onEvent);
      this.events.off('failed', onEvent);
      this.abort = undefined;
    }
  }

  /** Adds the jobs; ids already in the queue are left alone, except runs that failed for good, which get a fresh set of tries. */
  private async enqueue(entries: [string, RunJob][]): Promise<void> {
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      const states = await Promise.all(batch.map(([jobId]) => this.queue.getJobState(jobId)));
      // A failed job still in Redis is one whose record never reached the ledger (the sweep was killed):
      // a resumed local sweep would run it again, so the queue does too.
      await Promise.all(
        batch.filter((_, k) => states[k] === 'failed').map(([jobId]) => this.queue.remove(jobId)),
      );
      await this.queue.addBulk(
        batch.map(([jobId, job]) => ({
          name: 'run',
          data: job,
          opts: { ...this.jobOptions, jobId },
        })),
      );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort?.(new ProxsenseError('queue executor closed before every run finished'));
    try {
      if (this.finished) {
        // Every record is with the caller: the queue's results are no longer needed by anyone.
        const client = await this.queue.client;
        await updateSweepRegistry(client, 'SREM', this.sweepId);
        await this.queue.obliterate({ force: true });
      }
    } catch (error) {
      this.onLog?.(`removing queue ${this.queue.name}: ${(error as Error).message}`);
    } finally {
      await Promise.allSettled([this.events.close(), this.queue.close()]);
    }
  }
}

/** An ok record from a completed job's return value (checked: a worker of another version may differ). */
function completedRecord(job: RunJob, value: unknown): RunRecord {
  const v = value as Partial<QueueRunResult> | null | undefined;
  if (
    !v ||
    typeof v !== 'object' ||
    !v.results ||
    typeof v.results !== 'object' ||
    typeof v.attempts !== 'number'
  ) {
    return failedRecord(
      job,
      new Error('the worker returned no results (is it the same proxsense version?)'),
      1,
    );
  }
  return {
    ...jobIdentity(job),
    status: 'ok',
    attempts: v.attempts,
    results: v.results,
  };
}

/**
 * Connects to Redis, registers the sweep for workers to find, and returns an executor that runs jobs on
 * the sweep's queue. Throws {@link InputError} for a bad URL and a {@link ProxsenseError} when Redis
 * cannot be reached in time.
 */
export async function createQueueExecutor(options: QueueExecutorOptions): Promise<RunExecutor> {
  const target = parseRedisUrl(options.url);
  const label = redisTargetLabel(target);
  const name = sweepQueueName(options.sweepId);
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 3));
  const connection: RedisConnectionOptions = redisConnectionOptions(target);
  const log = errorLogger(label, options.onLog);
  const timeoutMs = options.connectTimeoutMs ?? 15_000;
  // Imported here, not at the top: BullMQ takes a third of a second to load, which only sweeps on Redis need.
  const bullmq = await import('bullmq');
  const queue = new bullmq.Queue<RunJob, QueueRunResult>(name, { connection });
  queue.on('error', log.onError);
  // QueueEvents only once Redis answered: closing one that never connected waits forever (BullMQ 5.81).
  let events: QueueEvents | undefined;
  try {
    await waitForRedis(queue.waitUntilReady(), label, timeoutMs, log.last);
    events = new bullmq.QueueEvents(name, { connection });
    events.on('error', log.onError);
    await waitForRedis(events.waitUntilReady(), label, timeoutMs, log.last);
    await updateSweepRegistry(await queue.client, 'SADD', options.sweepId);
  } catch (error) {
    await Promise.allSettled([events?.close(), queue.close()]);
    throw error;
  }
  options.onLog?.(
    `sweep ${options.sweepId}: queue ${name} on ${label}; start workers with: proxsense sim worker --queue ${label}`,
  );
  const jobOptions: JobsOptions = {
    attempts: maxAttempts,
    backoff: { type: 'exponential', delay: Math.max(0, options.backoffMs ?? 1000) },
    removeOnComplete: { age: KEEP_FINISHED_S },
    removeOnFail: { age: KEEP_FINISHED_S },
  };
  return new QueueExecutor(
    bullmq.Job,
    queue,
    events,
    options.sweepId,
    jobOptions,
    options.reconcileIntervalMs ?? 5000,
    options.onLog,
  );
}
