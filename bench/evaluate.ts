/**
 * What a `city` run costs after the engine: the evaluation (verdicts through core's episode functions,
 * the threshold sweep, distance errors, tracing through the real key file) and writing the files
 * (results, contacts.csv, report.html, key file), against the engine's own CPU time measured in the
 * same run. The limit is the evaluation issue's: evaluation well under the engine (≤ 0.25 × its CPU).
 * CPU seconds, not wall: the machine may be shared. Peak RSS of the whole run, and the RSS the engine
 * left, say whether evaluation grows memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyOverrides,
  builtinScenarioPath,
  evaluate,
  loadScenarioFile,
  ScenarioSchema,
  Simulation,
  writeRunFiles,
} from '@proxsense/sim';

export interface EvaluateBenchOptions {
  /** People, every one with the app unless --adoption (default 10 000). */
  phones?: number;
  /** Simulated seconds (default 3600). */
  durationS?: number;
  adoption?: number;
  quiet?: number;
}

/** Evaluation CPU ÷ engine CPU that the evaluation issue allows. */
export const LIMIT_EVALUATION_TO_ENGINE = 0.25;

export interface EvaluateBenchResult {
  phones: number;
  durationS: number;
  sightings: number;
  verdicts: number;
  engineCpuS: number;
  verdictsCpuS: number;
  /** Everything else of `evaluate()`: scores, sweep, distance errors, tracing. */
  restOfEvaluationCpuS: number;
  evaluationCpuS: number;
  writingCpuS: number;
  evaluationToEngine: number;
  ratioToLimit: number;
  rssAfterEngineBytes: number;
  peakRssBytes: number;
}

const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export async function runEvaluateBench(
  options: EvaluateBenchOptions = {},
): Promise<EvaluateBenchResult> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const phones = options.phones ?? 10_000;
  const durationS = options.durationS ?? 3600;
  const scenario = applyOverrides(
    await loadScenarioFile(builtinScenarioPath('city'), ScenarioSchema),
    { phones, durationS, adoption: options.adoption ?? 1 },
  );
  let t = cpuS();
  const sim = new Simulation({ scenario, seed: 1 }).run();
  const engineCpuS = cpuS() - t;
  const rssAfterEngineBytes = process.memoryUsage().rss;
  t = cpuS();
  let verdictsCpuS = NaN;
  const evaluation = evaluate(sim, {
    onProgress: (done, total) => {
      if (done === total / 2 && Number.isNaN(verdictsCpuS)) verdictsCpuS = cpuS() - t;
    },
  });
  const evaluationCpuS = cpuS() - t;
  const dir = mkdtempSync(join(tmpdir(), 'proxsense-bench-evaluate-'));
  t = cpuS();
  try {
    await writeRunFiles(sim, evaluation, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const writingCpuS = cpuS() - t;
  const evaluationToEngine = evaluationCpuS / engineCpuS;
  const r: EvaluateBenchResult = {
    phones,
    durationS,
    sightings: evaluation.results.sightingsStored,
    verdicts: evaluation.verdicts.length,
    engineCpuS,
    verdictsCpuS,
    restOfEvaluationCpuS: evaluationCpuS - verdictsCpuS,
    evaluationCpuS,
    writingCpuS,
    evaluationToEngine,
    ratioToLimit: evaluationToEngine / LIMIT_EVALUATION_TO_ENGINE,
    rssAfterEngineBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  log(
    `evaluate: city ${phones} phones × ${durationS / 60} min, ${r.sightings} sightings, ${r.verdicts} verdicts`,
  );
  log(
    `  CPU s: engine ${engineCpuS.toFixed(2)}, evaluation ${evaluationCpuS.toFixed(2)} (verdicts ${verdictsCpuS.toFixed(2)}, rest ${r.restOfEvaluationCpuS.toFixed(2)}), writing ${writingCpuS.toFixed(2)}`,
  );
  log(
    `  evaluation ÷ engine = ${evaluationToEngine.toFixed(3)} = ${r.ratioToLimit.toFixed(2)} × the ${LIMIT_EVALUATION_TO_ENGINE} limit; RSS after the engine ${mib(rssAfterEngineBytes)}, peak ${mib(r.peakRssBytes)}`,
  );
  return r;
}
