/**
 * Worker-thread side of {@link LocalPoolExecutor}: piscina calls the default export with one job.
 * Loaded only by piscina (a separate tsup entry, `dist/sweepWorker.js`).
 * @module
 */
import { runToRecord } from './run.js';
import type { RunJob, RunRecord } from './types.js';

/** One task: the job and which try this is (recorded in the ledger). */
export interface PoolTask {
  job: RunJob;
  attempt: number;
}

export default function runTask(task: PoolTask): RunRecord {
  return runToRecord(task.job, task.attempt);
}
