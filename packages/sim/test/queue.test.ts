import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@proxsense/core';
import { applyOverrides } from '../src/scenario/overrides.js';
import { builtinScenarioPath } from '../src/scenario/builtin.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { ScenarioSchema, type Scenario } from '../src/scenario/schema.js';
import { parseVary, sweepJobs } from '../src/sweep/grid.js';
import { createQueueExecutor, sweepQueueName } from '../src/sweep/queue.js';
import { runQueueWorker } from '../src/sweep/queueWorker.js';
import {
  maskRedisUrl,
  parseRedisUrl,
  redisConnectionOptions,
  redisTargetLabel,
} from '../src/sweep/redisUrl.js';
import { runToRecord } from '../src/sweep/run.js';
import type { RunJob, RunRecord } from '../src/sweep/types.js';
import { startRedis, type RedisServer } from './redisServer.js';

const SECRET = 'pa ss/w@rd#1';

describe('redis URLs', () => {
  it('parses redis:// and rediss:// into connection options', () => {
    expect(parseRedisUrl('redis://localhost')).toEqual({
      tls: false,
      host: 'localhost',
      port: 6379,
      db: 0,
    });
    const t = parseRedisUrl(`redis://:${encodeURIComponent(SECRET)}@10.0.0.5:6380/2`);
    expect(t).toEqual({ tls: false, host: '10.0.0.5', port: 6380, db: 2, password: SECRET });
    const tls = parseRedisUrl('rediss://lab:s3cret@[::1]/3');
    expect(tls).toEqual({
      tls: true,
      host: '::1',
      port: 6379,
      db: 3,
      username: 'lab',
      password: 's3cret',
    });
    expect(redisConnectionOptions(tls)).toEqual({
      host: '::1',
      port: 6379,
      db: 3,
      username: 'lab',
      password: 's3cret',
      tls: { servername: '::1' },
      maxRetriesPerRequest: null,
    });
    expect(redisConnectionOptions(parseRedisUrl('redis://h:1/0'))).toEqual({
      host: 'h',
      port: 1,
      db: 0,
      maxRetriesPerRequest: null,
    });
  });

  it('masks the password for logs', () => {
    expect(
      redisTargetLabel(parseRedisUrl(`redis://:${encodeURIComponent(SECRET)}@host:6380/2`)),
    ).toBe('redis://:***@host:6380/2');
    expect(redisTargetLabel(parseRedisUrl('rediss://lab:s3cret@[::1]/3'))).toBe(
      'rediss://lab:***@[::1]:6379/3',
    );
    expect(redisTargetLabel(parseRedisUrl('redis://localhost'))).toBe('redis://localhost:6379/0');
    expect(maskRedisUrl('redis://:se/cr@t@host:1/0')).toBe('redis://:***@host:1/0');
    expect(maskRedisUrl('redis://user:secret@host')).toBe('redis://user:***@host');
    expect(maskRedisUrl('secret@host')).toBe('***@host');
    expect(maskRedisUrl('redis://host:6379/0')).toBe('redis://host:6379/0');
  });

  it.each([
    'http://:secret@host:6379/0',
    'redis://:secret@host:99999/0',
    'redis://:secret@host/abc',
    'not a url :secret@x',
    'redis://:se/cret@',
    'redis://:secret@host/0?tls=1',
    'redis://:%E0%A4%Asecret@host',
  ])('rejects %s without printing the password', (url) => {
    let error: unknown;
    try {
      parseRedisUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^--queue: expected redis:\/\//);
    expect((error as Error).message).not.toMatch(/secret|cret/);
  });

  it('keeps sweep ids out of Redis key syntax', () => {
    expect(sweepQueueName('0123456789ab')).toBe('proxsense-sweep-0123456789ab');
    expect(() => sweepQueueName('a:b')).toThrow(InputError);
  });
});

/** A tiny office sweep: 2 adoption values × `runs` runs, about 30 ms each. */
async function tinyJobs(runs: number, seed: number): Promise<RunJob[]> {
  const base = applyOverrides(
    await loadScenarioFile(builtinScenarioPath('office'), ScenarioSchema),
    { phones: 20, durationS: 600 },
  );
  return sweepJobs(base, [parseVary('adoption=0.2,0.8')], runs, seed);
}

/** Runs jobs through a fresh executor; the records by run id, failing the test on a duplicate. */
async function runThroughQueue(
  url: string,
  sweepId: string,
  jobs: readonly RunJob[],
  maxAttempts = 3,
  logs: string[] = [],
): Promise<Map<string, RunRecord>> {
  const executor = await createQueueExecutor({
    url,
    sweepId,
    maxAttempts,
    backoffMs: 50,
    reconcileIntervalMs: 500,
    onLog: (l) => logs.push(l),
  });
  const records = new Map<string, RunRecord>();
  try {
    await executor.execute(jobs, (r) => {
      if (records.has(r.runId)) throw new Error(`second record for ${r.runId}`);
      records.set(r.runId, r);
    });
  } finally {
    await executor.close();
  }
  return records;
}

describe('queue sweeps on a real redis-server', () => {
  let redis: RedisServer | undefined;
  const stop = new AbortController();
  const workerLogs: string[] = [];
  let workers: Promise<void>[] = [];
  /** Runs the in-process workers executed, per `<queue> <runId>`. */
  const executed = (sweepId: string): Map<string, number> => {
    const counts = new Map<string, number>();
    const prefix = `${sweepQueueName(sweepId)} `;
    for (const line of workerLogs) {
      const m = / (\S+): ok in /.exec(line);
      if (line.startsWith(prefix) && m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
    }
    return counts;
  };

  beforeAll(async () => {
    redis = await startRedis();
    const url = redis.url;
    // Two workers of one thread each, as two machines would be.
    workers = [0, 1].map(() =>
      runQueueWorker({
        url,
        concurrency: 1,
        signal: stop.signal,
        registryPollMs: 100,
        onLog: (l) => workerLogs.push(l),
      }),
    );
    for (const w of workers) w.catch(() => undefined);
  }, 30_000);

  afterAll(async () => {
    stop.abort();
    await Promise.allSettled(workers);
    await redis?.stop();
  }, 30_000);

  it('gives every run exactly one record, with the same scalars as a local run', async () => {
    const jobs = await tinyJobs(3, 1);
    const records = await runThroughQueue(redis!.url, 'same0000aaaa', jobs);
    expect([...records.keys()].sort()).toEqual(jobs.map((j) => j.runId).sort());
    for (const job of jobs) expect(records.get(job.runId)).toEqual(runToRecord(job, 1));
    expect([...executed('same0000aaaa').values()].every((n) => n === 1)).toBe(true);
  });

  it('records a run that always throws as failed after maxAttempts, and the rest still finish', async () => {
    const jobs = await tinyJobs(2, 2);
    const bad: RunJob = { ...jobs[0]!, runId: 'p9-r0', point: 9, scenario: {} as Scenario };
    let localError = '';
    try {
      runToRecord(bad);
    } catch (error) {
      localError = (error as Error).message;
    }
    expect(localError).not.toBe('');
    const records = await runThroughQueue(redis!.url, 'fail0000bbbb', [...jobs, bad], 2);
    expect(records.size).toBe(jobs.length + 1);
    expect(records.get('p9-r0')).toMatchObject({
      runId: 'p9-r0',
      status: 'failed',
      attempts: 2,
      error: localError,
    });
    for (const job of jobs)
      expect(records.get(job.runId)).toMatchObject({ status: 'ok', attempts: 1 });
  });

  it('resumes: a second executor for the same sweep collects finished runs without running them again', async () => {
    const jobs = await tinyJobs(4, 3);
    const sweepId = 'resume00cccc';
    const first = await createQueueExecutor({ url: redis!.url, sweepId, reconcileIntervalMs: 500 });
    const early: RunRecord[] = [];
    // Like a sweep killed after two records: the executor goes away with jobs queued and running.
    const interrupted = first.execute(jobs, async (r) => {
      early.push(r);
      if (early.length === 2) await first.close();
    });
    await expect(interrupted).rejects.toThrow(/closed before every run finished/);
    expect(early.length).toBeGreaterThanOrEqual(2);
    const records = await runThroughQueue(redis!.url, sweepId, jobs);
    expect([...records.keys()].sort()).toEqual(jobs.map((j) => j.runId).sort());
    for (const job of jobs) expect(records.get(job.runId)).toEqual(runToRecord(job, 1));
    const counts = executed(sweepId);
    expect(counts.size).toBe(jobs.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('a password-protected redis-server', () => {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await startRedis({ password: SECRET });
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  }, 30_000);

  it('works with the password and never prints it', async () => {
    const stop = new AbortController();
    const logs: string[] = [];
    const worker = runQueueWorker({
      url: redis!.url,
      signal: stop.signal,
      registryPollMs: 100,
      onLog: (l) => logs.push(l),
    });
    try {
      const [job] = await tinyJobs(1, 4);
      const records = await runThroughQueue(redis!.url, 'auth0000dddd', [job!], 3, logs);
      expect(records.get(job!.runId)).toEqual(runToRecord(job!, 1));
    } finally {
      stop.abort();
      await worker;
    }
    expect(logs.some((l) => l.includes(`127.0.0.1:${redis!.port}/0`) && l.includes(':***@'))).toBe(
      true,
    );
    expect(logs.join('\n')).not.toContain('pa ss');
    expect(logs.join('\n')).not.toContain(encodeURIComponent(SECRET));
  });

  it('fails in bounded time with a wrong password, naming the URL masked', async () => {
    const logs: string[] = [];
    const url = `redis://:wrong-secret@127.0.0.1:${redis!.port}/0`;
    const error = await createQueueExecutor({
      url,
      sweepId: 'auth0000eeee',
      connectTimeoutMs: 2000,
      onLog: (l) => logs.push(l),
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0/);
    expect(`${error?.message}\n${logs.join('\n')}`).not.toContain('wrong-secret');
    const workerError = await runQueueWorker({
      url,
      connectTimeoutMs: 2000,
      onLog: (l) => logs.push(l),
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(workerError?.message).toMatch(/cannot reach Redis/);
    expect(`${workerError?.message}\n${logs.join('\n')}`).not.toContain('wrong-secret');
  });
});
