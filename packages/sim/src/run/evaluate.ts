/**
 * After a run: verdicts against truth, distance errors, the threshold sweep, tracing, and the results
 * object that `results.json` holds. Everything derives from the seed; nothing from the wall clock.
 * @module
 */
import type { RangeContactSummary } from '../truth/rangeContacts.js';
import { detectVerdicts, type VerdictTable } from '../metrics/detection.js';
import {
  countTrueContacts,
  coverage,
  detectionLatency,
  distanceErrors,
  score,
  scoreOf,
  type ContactCounts,
  type DistanceErrors,
  type Scores,
} from '../metrics/score.js';
import { RunStreams } from '../random/streams.js';
import type { Scenario } from '../scenario/schema.js';
import { runTracing, type TracingResult } from '../tracing/tracing.js';
import type { AirCounters } from '../radio/air.js';
import type { Simulation } from './simulation.js';

export const SIM_VERSION = '0.1.0';

/** Distances (m) at which the threshold sweep re-evaluates the distance rule. */
export const SWEEP_THRESHOLDS_M = [0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 7, 10];

export interface ThresholdPoint {
  thresholdM: number;
  precision: number;
  recall: number;
  f1: number;
}

/** What results.json holds (NaN is written as null: a ratio with nothing to count). */
export interface SimulationResults {
  version: string;
  seed: number;
  scenario: string;
  profile: Scenario['profile'];
  phones: number;
  appPhones: number;
  adoption: number;
  measuredAdoption: number;
  durationS: number;
  trueContacts: number;
  appPairsTrueContacts: number;
  detectedContacts: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  coverage: number;
  bluezoneRule: Scores & { coverage: number };
  distanceMaeM: number;
  distanceMedianAbsErrorM: number;
  distanceIntervalCoverage: number;
  sightingsStored: number;
  detectionLatency: { medianS: number; meanS: number; count: number };
  tracing: Omit<TracingResult, 'keyFile'> & { trueF1: number; keyFile: string };
  thresholdSweep: ThresholdPoint[];
  air: AirCounters;
  firmware: Record<string, number>;
  parameters: Scenario;
  /** With `--range-contacts`: The ONE-style range-only links (see truth/rangeContacts.ts). */
  rangeContacts?: RangeContactSummary;
}

export interface Evaluation {
  results: SimulationResults;
  /** Every observer's verdict about every contact per day, in columns. */
  verdicts: VerdictTable;
  counts: ContactCounts;
  distance: DistanceErrors;
  tracing: TracingResult;
}

export interface EvaluateOptions {
  /** Re-run the distance rule at SWEEP_THRESHOLDS_M (default true; the report's precision/recall chart needs it). */
  thresholdSweep?: boolean;
  /**
   * Called as the evaluation goes: `done` of `total` steps (one per person for the verdicts, then one
   * per person for tracing). For a progress bar; never changes a result.
   */
  onProgress?: (done: number, total: number) => void;
}

export function evaluate(sim: Simulation, options: EvaluateOptions = {}): Evaluation {
  const total = 2 * sim.people;
  const configuredM = sim.scenario.rule.closeContactMaxDistanceM;
  const sweepOn = options.thresholdSweep ?? true;
  const { verdicts, sweep: sweepCounts } = detectVerdicts(sim, {
    // The configured distance is the rule itself: its point is the main verdict's score.
    sweepThresholdsM: sweepOn ? SWEEP_THRESHOLDS_M.filter((t) => t !== configuredM) : [],
    ...(options.onProgress ? { onObserver: (done) => options.onProgress!(done, total) } : {}),
  });
  const counts = countTrueContacts(sim);
  const distanceRule = score(verdicts, verdicts.closeContact, sim.truth, counts);
  const bluezone = score(verdicts, verdicts.bluezoneCloseContact, sim.truth, counts);
  const distance = distanceErrors(sim);
  const sweep: ThresholdPoint[] = [];
  if (sweepOn) {
    for (const thresholdM of SWEEP_THRESHOLDS_M) {
      const counted = sweepCounts.find((c) => c.thresholdM === thresholdM);
      const s = counted ? scoreOf(counted.detected, counted.truePositives, counts) : distanceRule;
      sweep.push({ thresholdM, precision: s.precision, recall: s.recall, f1: s.f1 });
    }
  }
  const tracing = runTracing(
    sim,
    new RunStreams(sim.seed).single('tracing'),
    options.onProgress && ((done) => options.onProgress!(sim.people + done, total)),
  );
  const firmware: Record<string, number> = {};
  for (const fw of sim.firmware)
    if (fw)
      for (const [k, v] of Object.entries(fw.counters) as [string, number][])
        firmware[k] = (firmware[k] ?? 0) + v;
  const appPhones = sim.population.appCount;
  const { keyFile, ...tracingCounts } = tracing;
  const results: SimulationResults = {
    version: SIM_VERSION,
    seed: sim.seed,
    scenario: sim.scenario.name,
    profile: sim.scenario.profile,
    phones: sim.people,
    appPhones,
    adoption: sim.scenario.people.adoption,
    measuredAdoption: appPhones / sim.people,
    durationS: sim.durationS,
    trueContacts: counts.trueContacts,
    appPairsTrueContacts: counts.appPairsTrueContacts,
    detectedContacts: distanceRule.detected,
    truePositives: distanceRule.truePositives,
    precision: distanceRule.precision,
    recall: distanceRule.recall,
    f1: distanceRule.f1,
    coverage: coverage(distanceRule.truePositives, counts),
    bluezoneRule: { ...bluezone, coverage: coverage(bluezone.truePositives, counts) },
    distanceMaeM: distance.maeM,
    distanceMedianAbsErrorM: distance.medianAbsErrorM,
    distanceIntervalCoverage: distance.intervalCoverage,
    sightingsStored: distance.sightings,
    detectionLatency: detectionLatency(sim, verdicts),
    tracing: { ...tracingCounts, keyFile: keyFile.name },
    thresholdSweep: sweep,
    air: { ...sim.air.counters },
    firmware,
    parameters: sim.scenario,
  };
  return { results, verdicts, counts, distance, tracing };
}
