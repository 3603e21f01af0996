/**
 * Sweep throughput on every core: the same small sweep (office, adoption × profile × runs) once on one
 * worker and once on N worker threads (the local piscina pool), records checked equal. Prints runs/s of
 * each and the speed-up as a ratio to N (the issue asks ≥ 0.8 × workers up to the cores available).
 */
import { availableParallelism } from 'node:os';
import {
  applyOverrides,
  builtinScenarioPath,
  LocalPoolExecutor,
  loadScenarioFile,
  parseVary,
  ScenarioSchema,
  sweepJobs,
  type RunRecord,
} from '@proxsense/sim';

export interface SweepBenchOptions {
  /** Worker threads of the parallel pass (default: available parallelism). */
  workers?: number;
  /** People per run (default 100). */
  phones?: number;
  /**
   * Simulated seconds per run (default 3 h). Each worker thread JIT-compiles the simulator afresh, which
   * costs about a second; runs of realistic length (the default office is 8 h) amortise it, 1 h toy runs do not.
   */
  durationS?: number;
  /** Runs per grid point (default 2; the grid is 5 adoptions × 2 profiles). */
  runs?: number;
  quiet?: number;
}

export interface SweepBenchResult {
  jobs: number;
  workers: number;
  oneWorkerRunsPerS: number;
  parallelRunsPerS: number;
  speedUp: number;
  /** speedUp ÷ workers: ≥ 0.8 is the target. */
  efficiency: number;
}

async function timed(
  workers: number,
  jobs: Parameters<LocalPoolExecutor['execute']>[0],
): Promise<{ wallS: number; records: RunRecord[] }> {
  const pool = new LocalPoolExecutor({ workers });
  const records: RunRecord[] = [];
  const start = performance.now();
  try {
    await pool.execute(jobs, (r) => void records.push(r));
  } finally {
    await pool.close();
  }
  return {
    wallS: (performance.now() - start) / 1000,
    records: records.sort((a, b) => a.point - b.point || a.run - b.run),
  };
}

export async function runSweepBench(options: SweepBenchOptions = {}): Promise<SweepBenchResult> {
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const base = applyOverrides(
    await loadScenarioFile(builtinScenarioPath('office'), ScenarioSchema),
    { phones: options.phones ?? 100, durationS: options.durationS ?? 10_800 },
  );
  const axes = [parseVary('adoption=0.1:0.9:0.2'), parseVary('profile=gaen,bluezone')];
  const jobs = sweepJobs(base, axes, options.runs ?? 2, 1);
  log(
    `sweep: office, ${base.people.count} phones, ${base.durationS / 3600} h, ${jobs.length} runs (5 adoptions × 2 profiles × ${options.runs ?? 2}), ${availableParallelism()} cores available`,
  );
  const one = await timed(1, jobs);
  const many = await timed(workers, jobs);
  if (JSON.stringify(one.records) !== JSON.stringify(many.records))
    throw new Error('sweep bench: records differ between 1 and N workers');
  const oneWorkerRunsPerS = jobs.length / one.wallS;
  const parallelRunsPerS = jobs.length / many.wallS;
  const speedUp = parallelRunsPerS / oneWorkerRunsPerS;
  const efficiency = speedUp / workers;
  log(`  1 worker: ${one.wallS.toFixed(2)} s, ${oneWorkerRunsPerS.toFixed(2)} runs/s`);
  log(
    `  ${workers} workers: ${many.wallS.toFixed(2)} s, ${parallelRunsPerS.toFixed(2)} runs/s, speed-up ${speedUp.toFixed(2)} = ${efficiency.toFixed(2)} × workers (target ≥ 0.8)`,
  );
  return { jobs: jobs.length, workers, oneWorkerRunsPerS, parallelRunsPerS, speedUp, efficiency };
}
