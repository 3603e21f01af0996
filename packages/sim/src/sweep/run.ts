/**
 * One sweep run, the same in a worker thread, a queue worker on another machine or the main thread: the
 * simulation and its evaluation (no threshold sweep: a sweep's report draws its own curves), flattened to
 * the scalars of results.json. `proxsense sim run --no-report --seed <seed>` with the run's parameters
 * writes the same results.json.
 * @module
 */
import { evaluate, type SimulationResults } from '../run/evaluate.js';
import { Simulation } from '../run/simulation.js';
import type { RunJob, RunRecord, RunScalars } from './types.js';

/** Every number and string of results.json, nested objects dotted; arrays and the parameters left out. */
export function flattenResults(results: SimulationResults): RunScalars {
  const out: RunScalars = {};
  const walk = (value: unknown, prefix: string) => {
    if (typeof value === 'number') out[prefix] = Number.isFinite(value) ? value : null;
    else if (typeof value === 'string') out[prefix] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value))
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  const { parameters: _parameters, thresholdSweep: _sweep, ...scalars } = results;
  walk(scalars, '');
  return out;
}

/** Runs one job; an exception is the caller's to retry or record. */
export function executeRun(job: RunJob): RunScalars {
  const sim = new Simulation({ scenario: job.scenario, seed: job.seed, trackPeople: 0 }).run();
  return flattenResults(evaluate(sim, { thresholdSweep: false }).results);
}

/** What every record of a job repeats from it, in the ledger's field order. */
export function jobIdentity(
  job: RunJob,
): Pick<RunRecord, 'runId' | 'point' | 'run' | 'seed' | 'params'> {
  return { runId: job.runId, point: job.point, run: job.run, seed: job.seed, params: job.params };
}

/** Runs a job into a ledger record (status ok), the form every executor hands back. */
export function runToRecord(job: RunJob, attempts = 1): RunRecord {
  return {
    ...jobIdentity(job),
    status: 'ok',
    attempts,
    results: executeRun(job),
  };
}

/** The record of a job that failed for good. */
export function failedRecord(job: RunJob, error: unknown, attempts: number): RunRecord {
  const message = error instanceof Error ? error.message : String(error);
  return {
    ...jobIdentity(job),
    status: 'failed',
    error: message,
    attempts,
  };
}
