/**
 * The run as the report and the CLI's summary table show it.
 * @module
 */
import type { ReportData, SummaryRow } from '../report/reportData.js';
import type { Evaluation } from '../run/evaluate.js';
import type { Simulation } from '../run/simulation.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '–');
const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/** The summary table rows (also printed by the CLI). */
export function summaryRows(sim: Simulation, evaluation: Evaluation): SummaryRow[] {
  const r = evaluation.results;
  const t = r.tracing;
  return [
    {
      label: 'phones (with the app)',
      value: `${r.phones} (${r.appPhones}, ${pct(r.measuredAdoption)})`,
    },
    {
      label: 'profile, simulated time',
      value: `${r.profile}, ${(r.durationS / 3600).toFixed(1)} h`,
    },
    {
      label: 'true close contacts (pairs·days)',
      value: String(r.trueContacts),
      note: `≤ ${sim.scenario.rule.closeContactMaxDistanceM} m for ≥ ${sim.scenario.rule.closeContactMinDurationS / 60} min`,
    },
    { label: '… both with the app', value: String(r.appPairsTrueContacts) },
    {
      label: 'distance rule: precision / recall / F1',
      value: `${pct(r.precision)} / ${pct(r.recall)} / ${num(r.f1)}`,
      note: `${r.truePositives} of ${r.detectedContacts} verdicts true`,
    },
    {
      label: 'Bluezone RSSI rule: precision / recall / F1',
      value: `${pct(r.bluezoneRule.precision)} / ${pct(r.bluezoneRule.recall)} / ${num(r.bluezoneRule.f1)}`,
    },
    {
      label: 'coverage of all true close contacts',
      value: pct(r.coverage),
      note: `adoption² = ${pct(r.measuredAdoption ** 2)}`,
    },
    {
      label: 'distance error (MAE, median)',
      value: `${num(r.distanceMaeM)} m, ${num(r.distanceMedianAbsErrorM)} m`,
      note: `${pct(r.distanceIntervalCoverage)} of intervals held the true distance; ${r.sightingsStored} sightings`,
    },
    {
      label: 'detection latency (median)',
      value: Number.isFinite(r.detectionLatency.medianS)
        ? `${(r.detectionLatency.medianS / 60).toFixed(1)} min`
        : '–',
      note: 'from 15 min reached to the verdict',
    },
    { label: 'tracing: F0 (with app) → true F1', value: `${t.f0} (${t.f0WithApp}) → ${t.trueF1}` },
    {
      label: 'tracing: notified, of them true F1',
      value: `${t.notifiedF1}, ${t.notifiedTrueF1}`,
      note: `recall ${pct(t.recall)}, precision ${pct(t.precision)}; ${t.missedNoApp} F1 missed for lack of an app`,
    },
  ];
}

export function reportData(sim: Simulation, evaluation: Evaluation): ReportData {
  const r = evaluation.results;
  const v = evaluation.verdicts;
  const trueMinutes = new Float64Array(v.length);
  const estimatedMinutes = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) {
    const i = v.truthIndex[k]!;
    trueMinutes[k] = i >= 0 ? Math.round((sim.truth.closeSAt(i) / 60) * 10) / 10 : 0;
    estimatedMinutes[k] = Math.round(v.closeMinutes[k]! * 10) / 10;
  }
  const t = evaluation.tracing;
  return {
    title: `proxsense sim — ${sim.scenario.name}`,
    subtitle:
      `${sim.scenario.description ?? ''} seed ${sim.seed}, ${r.phones} phones, adoption ${sim.scenario.people.adoption}, ${r.profile}, ${(r.durationS / 3600).toFixed(1)} h, proxsense ${r.version}`.trim(),
    summary: summaryRows(sim, evaluation),
    distance: {
      trueM: evaluation.distance.sampleTrueM,
      estimatedM: evaluation.distance.sampleEstimatedM,
    },
    thresholdSweep: {
      thresholdM: r.thresholdSweep.map((p) => p.thresholdM),
      precision: r.thresholdSweep.map((p) => p.precision),
      recall: r.thresholdSweep.map((p) => p.recall),
      configuredThresholdM: sim.scenario.rule.closeContactMaxDistanceM,
      bluezone: { precision: r.bluezoneRule.precision, recall: r.bluezoneRule.recall },
    },
    durations: {
      trueMinutes,
      estimatedMinutes,
      thresholdMinutes: sim.scenario.rule.closeContactMinDurationS / 60,
    },
    map: {
      widthM: sim.world.widthM,
      heightM: sim.world.heightM,
      rects: sim.world.rects,
      walls: sim.world.walls.toReport(),
      tracks: sim.tracks,
    },
    tracing: {
      f0: t.f0,
      trueF1: t.trueF1,
      trueF1WithApp: t.trueF1WithApp,
      notifiedF1: t.notifiedF1,
      notifiedTrueF1: t.notifiedTrueF1,
      missedNoApp: t.missedNoApp,
      recall: t.recall,
      precision: t.precision,
    },
  };
}
