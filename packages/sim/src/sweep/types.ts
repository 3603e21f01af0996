/**
 * The shapes a sweep passes around: a run to do (a job, serialisable so a worker process or another
 * machine can take it) and what came of it (a record, one line of the sweep's ledger).
 * @module
 */
import type { Scenario } from '../scenario/schema.js';

/** A parameter value on a sweep axis. */
export type AxisValue = number | string;

/** One `--vary path=values` axis. */
export interface VaryAxis {
  /** Scenario path as written on the command line (`adoption`, `people.iosShare`, `scan.intervalS`). */
  name: string;
  /** Dotted path into the scenario it sets. */
  path: string;
  values: AxisValue[];
}

/** One run of a sweep. JSON-serialisable: it travels to worker threads and through the job queue. */
export interface RunJob {
  /** `p<point>-r<run>`: unique within the sweep, the key results are stored under. */
  runId: string;
  /** Index of the grid point (axes in order, the first varying slowest). */
  point: number;
  /** Index of the run at that point, 0-based. */
  run: number;
  /** The run's seed, from (sweep seed, point, run): `proxsense sim run --seed` with it reproduces the run. */
  seed: number;
  /** The axis values of the grid point, by axis name. */
  params: Record<string, AxisValue>;
  /** The fully validated scenario of the run. */
  scenario: Scenario;
}

/** Scalar results of a run: every number or string of its results.json, nested fields dotted. */
export type RunScalars = Record<string, number | string | null>;

/** What became of one run: a ledger line. */
export interface RunRecord {
  runId: string;
  point: number;
  run: number;
  seed: number;
  params: Record<string, AxisValue>;
  status: 'ok' | 'failed';
  /** When failed: the last error's message. */
  error?: string;
  /** Tries it took (1 when it worked first time). */
  attempts: number;
  results?: RunScalars;
}

/** Where runs are executed: a local worker pool, or a job queue served by workers on other machines. */
export interface RunExecutor {
  /**
   * Runs every job and calls `onRecord` once per job, when it finished or finally failed, in any order.
   * Resolves when every job has its record.
   */
  execute(
    jobs: readonly RunJob[],
    onRecord: (record: RunRecord) => void | Promise<void>,
  ): Promise<void>;
  /** Releases threads, connections and queues. */
  close(): Promise<void>;
}
