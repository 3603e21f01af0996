import {
  dailySummaries,
  exposureWindows,
  type BluezonePlatformPair,
  type Sighting,
} from '@proxsense/core';
import { describe, expect, it } from 'vitest';
import { detectVerdicts, type Verdict } from '../src/metrics/detection.js';
import { builtinScenarioPath } from '../src/scenario/builtin.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { applyOverrides } from '../src/scenario/overrides.js';
import { ScenarioSchema } from '../src/scenario/schema.js';
import { episodeConfigFor, Simulation } from '../src/run/simulation.js';

async function smallRun(profile: 'gaen' | 'bluezone'): Promise<Simulation> {
  const office = applyOverrides(
    await loadScenarioFile(builtinScenarioPath('office'), ScenarioSchema),
    { phones: 40, durationS: 1800, adoption: 1, profile },
  );
  return new Simulation({ scenario: office, seed: 5 }).run();
}

/**
 * The plain path through core's public API, as the simulator did before its columnar fast path: every
 * stored sighting as an object, exposureWindows once per peer platform (and per distance), then
 * dailySummaries. The columnar path must agree with it exactly.
 */
function plainVerdicts(sim: Simulation, distanceM?: number): Verdict[] {
  const out: Verdict[] = [];
  const os = (p: number) => (sim.population.ios[p] ? 'ios' : 'android');
  for (let o = 0; o < sim.people; o++) {
    const store = sim.stores[o];
    if (!store?.length) continue;
    const sightings: Sighting[] = [];
    const ownerOf = new Map<Sighting, number>();
    for (let i = 0; i < store.length; i++) {
      const s = store.sighting(i);
      const owner = sim.ids.owner(store.idIndexAt(i));
      if (sim.scenario.profile === 'gaen') s.txPowerDbm = sim.population.advertisedTxDbm[owner]!;
      sightings.push(s);
      ownerOf.set(s, owner);
    }
    const base = episodeConfigFor(sim.scenario, sim.population.rssiCorrectionDb[o]);
    if (distanceM !== undefined) base.closeContactMaxDistanceM = distanceM;
    const byPeer = (['android', 'ios'] as const).map((peer) => {
      const config = { ...base, bluezonePlatformPair: `${os(o)}->${peer}` as BluezonePlatformPair };
      const windows = exposureWindows(
        sightings,
        config,
        (s) => ({ contact: String(ownerOf.get(s)) }),
        {
          scans: store.queryScans(),
        },
      );
      return { windows, summaries: dailySummaries(windows, config) };
    });
    const minMinutes = sim.scenario.rule.closeContactMinDurationS / 60;
    byPeer[0]!.summaries.forEach((s, k) => {
      const contact = Number(s.contact);
      const day = Math.floor(Date.parse(`${s.day}T00:00:00Z`) / 86_400_000);
      let acc = 0;
      let detectedAtS = NaN;
      for (const w of [...byPeer[0]!.windows].sort((a, b) => a.endMs - b.endMs)) {
        if (w.contact !== s.contact || Math.floor(w.startMs / 86_400_000) !== day) continue;
        acc += w.closeDurationS / 60;
        if (Number.isNaN(detectedAtS) && acc >= minMinutes - 1e-9)
          detectedAtS = (w.endMs - sim.startMs) / 1000;
      }
      out.push({
        observer: o,
        contact,
        day,
        closeMinutes: s.closeMinutes,
        closeContact: s.closeContact,
        bluezoneCloseContact:
          byPeer[os(contact) === 'ios' ? 1 : 0]!.summaries[k]!.bluezoneCloseContact,
        detectedAtS,
      });
    });
  }
  return out;
}

const rows = (d: ReturnType<typeof detectVerdicts>['verdicts']) =>
  Array.from({ length: d.length }, (_, i) => d.at(i));

describe('detectVerdicts (columnar, windows built once per observer)', () => {
  for (const profile of ['gaen', 'bluezone'] as const)
    it(`${profile}: the same verdicts, Bluezone pairs and sweep counts as core's plain path`, async () => {
      const sim = await smallRun(profile);
      const { verdicts, sweep } = detectVerdicts(sim, { sweepThresholdsM: [1, 4] });
      expect(verdicts.length).toBeGreaterThan(50);
      expect(rows(verdicts)).toEqual(plainVerdicts(sim));
      for (const point of sweep) {
        const plain = plainVerdicts(sim, point.thresholdM).filter((v) => v.closeContact);
        expect(point.detected).toBe(plain.length);
        const tp = plain.filter((v) => {
          const i = sim.truth.find(v.observer, v.contact, v.day);
          return i >= 0 && sim.truth.isClose(i);
        }).length;
        expect(point.truePositives).toBe(tp);
      }
    });

  it('does not depend on the order sightings sit in the store', async () => {
    const sim = await smallRun('gaen');
    const before = rows(detectVerdicts(sim).verdicts);
    // Reverse every store's columns: the builder needs time order, so detection must sort.
    for (const store of sim.stores) {
      if (!store) continue;
      const c = store.columns();
      c.timeOffsetMs.subarray(0, c.length).reverse();
      c.idIndex.subarray(0, c.length).reverse();
      c.rssiDbm.subarray(0, c.length).reverse();
      c.trueDistanceCm.subarray(0, c.length).reverse();
      store.rewrite(c);
    }
    expect(rows(detectVerdicts(sim).verdicts)).toEqual(before);
  });
});
