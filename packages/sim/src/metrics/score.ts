/**
 * Verdicts against ground truth. Contacts are counted per (observer, contact, day): a phone is warned
 * about a contact from its own log, so each direction of a pair is one chance to warn one person.
 * - precision = true verdicts / all positive verdicts; recall = true verdicts / (2 × true close pairs in
 *   which both carry the app);
 * - coverage = true verdicts / (2 × all true close pairs): the share of (person, contact) relations in
 *   which the person would be warned if the contact were diagnosed — with random adoption a, about a² × recall.
 * @module
 */
import {
  DEFAULT_PATH_LOSS_MODEL,
  estimateDistance,
  type DistanceEstimate,
  type PathLossModel,
} from '@proxsense/core';
import type { Simulation } from '../run/simulation.js';
import { episodeConfigFor } from '../run/simulation.js';
import type { VerdictTable } from './detection.js';
import { SightingColumns } from '../store/sightingArena.js';

const CM_PER_M = 100;

export interface Scores {
  detected: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ContactCounts {
  /** Unordered (pair, day) true close contacts, everyone. */
  trueContacts: number;
  /** … in which both people carry the app. */
  appPairsTrueContacts: number;
}

export function countTrueContacts(sim: Simulation): ContactCounts {
  const { truth, population } = sim;
  let trueContacts = 0;
  let appPairs = 0;
  for (let i = 0; i < truth.length; i++) {
    if (!truth.isClose(i)) continue;
    trueContacts++;
    if (population.app[truth.pairAAt(i)] && population.app[truth.pairBAt(i)]) appPairs++;
  }
  return { trueContacts, appPairsTrueContacts: appPairs };
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : NaN;
}

/** Scores of one verdict column (`picked`: 1 where the verdict is positive) over all verdicts. */
export function score(
  verdicts: VerdictTable,
  picked: Uint8Array,
  truth: Simulation['truth'],
  counts: ContactCounts,
): Scores {
  let detected = 0;
  let tp = 0;
  for (let v = 0; v < verdicts.length; v++) {
    if (picked[v] !== 1) continue;
    detected++;
    const i = verdicts.truthIndex[v]!;
    if (i >= 0 && truth.isClose(i)) tp++;
  }
  return scoreOf(detected, tp, counts);
}

/** Precision, recall and F1 of `detected` positive verdicts of which `truePositives` are true. */
export function scoreOf(detected: number, truePositives: number, counts: ContactCounts): Scores {
  const precision = ratio(truePositives, detected);
  const recall = ratio(truePositives, 2 * counts.appPairsTrueContacts);
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : NaN;
  return { detected, truePositives, precision, recall, f1 };
}

export function coverage(truePositives: number, counts: ContactCounts): number {
  return ratio(truePositives, 2 * counts.trueContacts);
}

/** Latency from the moment a contact became true (15 min reached) to the verdict, s: median and mean over true positives. */
export function detectionLatency(
  sim: Simulation,
  verdicts: VerdictTable,
): { medianS: number; meanS: number; count: number } {
  const latencies: number[] = [];
  for (let v = 0; v < verdicts.length; v++) {
    if (verdicts.closeContact[v] !== 1 || Number.isNaN(verdicts.detectedAtS[v]!)) continue;
    const i = verdicts.truthIndex[v]!;
    if (i < 0 || !sim.truth.isClose(i)) continue;
    latencies.push(verdicts.detectedAtS[v]! - sim.truth.reachedAtS(i));
  }
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  return {
    medianS: latencies.length ? latencies[Math.floor(latencies.length / 2)]! : NaN,
    meanS: latencies.length ? mean : NaN,
    count: latencies.length,
  };
}

export interface DistanceErrors {
  sightings: number;
  maeM: number;
  medianAbsErrorM: number;
  /** Share of sightings whose estimate interval held the true distance. */
  intervalCoverage: number;
  /** Deterministic sample for the report's scatter. */
  sampleTrueM: number[];
  sampleEstimatedM: number[];
}

/** Distance estimates of every stored sighting (core's estimator, the phone's own calibration) against truth. */
export function distanceErrors(sim: Simulation, maxSample = 3000): DistanceErrors {
  let total = 0;
  for (const s of sim.stores) total += s?.length ?? 0;
  const stride = Math.max(1, Math.ceil(total / maxSample));
  let sum = 0;
  let covered = 0;
  let k = 0;
  const sampleTrueM: number[] = [];
  const sampleEstimatedM: number[] = [];
  const absSample: number[] = [];
  // Attenuations repeat (whole-dB RSSI, a few TX powers and corrections): one estimate per value and model.
  const memo = new Map<number, DistanceEstimate>();
  let memoModel: PathLossModel | undefined;
  const columns = new SightingColumns();
  for (let o = 0; o < sim.people; o++) {
    const store = sim.stores[o];
    if (!store) continue;
    const config = episodeConfigFor(sim.scenario, sim.population.rssiCorrectionDb[o]);
    const model = config.pathLoss ?? DEFAULT_PATH_LOSS_MODEL;
    if (model !== memoModel) {
      memo.clear();
      memoModel = model;
    }
    const defaultTx = config.defaultTxPowerDbm ?? -24;
    const c = store.columns(columns);
    for (let i = 0; i < c.length; i++, k++) {
      const owner = sim.ids.owner(c.idIndex[i]!);
      const tx =
        sim.scenario.profile === 'gaen' ? sim.population.advertisedTxDbm[owner]! : defaultTx;
      const attenuationDb = tx - (c.rssiDbm[i]! + sim.population.rssiCorrectionDb[o]!);
      let est = memo.get(attenuationDb);
      if (!est) memo.set(attenuationDb, (est = estimateDistance(model, attenuationDb)));
      const trueM = c.trueDistanceCm[i]! / CM_PER_M;
      const err = Math.abs(est.distanceM - trueM);
      sum += err;
      if (trueM >= est.lowM && trueM <= est.highM) covered++;
      if (k % stride === 0) {
        sampleTrueM.push(Math.round(trueM * 100) / 100);
        sampleEstimatedM.push(Math.round(est.distanceM * 100) / 100);
        absSample.push(err);
      }
    }
  }
  // The median over the evenly spread sample: every phone and hour weighs alike.
  absSample.sort((a, b) => a - b);
  return {
    sightings: total,
    maeM: ratio(sum, total),
    medianAbsErrorM: absSample.length ? absSample[Math.floor(absSample.length / 2)]! : NaN,
    intervalCoverage: ratio(covered, total),
    sampleTrueM,
    sampleEstimatedM,
  };
}
