/**
 * What the phones' logs say, through core's own episode functions: for every app phone (the observer),
 * its stored sightings become exposure windows with each advertiser as the contact — what its exposure
 * check would conclude if every contact were diagnosed — and daily summaries give the distance verdict
 * and the Bluezone RSSI rule's verdict per (day, contact). The Bluezone threshold is the observer's and
 * the contact's platform pair, as the app chose it per peer.
 * @module
 */
import {
  dailySummaries,
  exposureWindows,
  type BluezonePlatformPair,
  type EpisodeConfig,
  type ExposureWindow,
  type ScanRecord,
  type Sighting,
  utcDayOf,
} from '@proxsense/core';
import type { Simulation } from '../run/simulation.js';
import { episodeConfigFor } from '../run/simulation.js';

/** One observer's verdict about one contact on one day. */
export interface Verdict {
  observer: number;
  contact: number;
  /** UTC day number. */
  day: number;
  closeMinutes: number;
  closeContact: boolean;
  bluezoneCloseContact: boolean;
  /** Run time at which the observer's windows first reached the minimum (end of that window), s; NaN if never. */
  detectedAtS: number;
}

/** The observer's sightings as its exposure check sees them after matching: TX power from the advertiser's metadata (GAEN). */
export function observerSightings(
  sim: Simulation,
  observer: number,
): { sightings: Sighting[]; ownerOf: Map<Sighting, number> } {
  const store = sim.stores[observer]!;
  const sightings: Sighting[] = [];
  const ownerOf = new Map<Sighting, number>();
  for (let i = 0; i < store.length; i++) {
    const s = store.sighting(i);
    const owner = sim.ids.owner(store.idIndex[i]!);
    // GAEN carries the advertiser's calibrated TX power in its encrypted metadata; Bluezone carries none.
    if (sim.scenario.profile === 'gaen') s.txPowerDbm = sim.population.advertisedTxDbm[owner]!;
    sightings.push(s);
    ownerOf.set(s, owner);
  }
  return { sightings, ownerOf };
}

function os(sim: Simulation, p: number): 'android' | 'ios' {
  return sim.population.ios[p] ? 'ios' : 'android';
}

function windowsOf(
  sightings: Sighting[],
  ownerOf: Map<Sighting, number>,
  config: Partial<EpisodeConfig>,
  scans: readonly ScanRecord[],
): ExposureWindow[] {
  // The phone's own scan records: GAEN credits each scan the time since the previous one, heard or not.
  return exposureWindows(sightings, config, (s) => ({ contact: String(ownerOf.get(s)) }), {
    scans,
  });
}

/**
 * Verdicts of every app phone about every phone it logged. `closeContactMaxDistanceM` overrides the
 * scenario's distance for threshold sweeps (the truth keeps the scenario's rule).
 */
export function detectVerdicts(
  sim: Simulation,
  options: { closeContactMaxDistanceM?: number; withBluezone?: boolean } = {},
): Verdict[] {
  const out: Verdict[] = [];
  const withBluezone = options.withBluezone ?? true;
  const minMinutes = sim.scenario.rule.closeContactMinDurationS / 60;
  for (let o = 0; o < sim.people; o++) {
    if (!sim.stores[o]) continue;
    const { sightings, ownerOf } = observerSightings(sim, o);
    if (!sightings.length) continue;
    const scans = sim.stores[o]!.queryScans();
    const base = episodeConfigFor(sim.scenario, sim.population.rssiCorrectionDb[o]);
    if (options.closeContactMaxDistanceM !== undefined)
      base.closeContactMaxDistanceM = options.closeContactMaxDistanceM;
    // One build per contact platform: the Bluezone threshold depends on the pair; the distance verdict does not.
    const byContactOs: Partial<Record<'android' | 'ios', Map<string, boolean>>> = {};
    let distanceWindows: ExposureWindow[] | undefined;
    for (const peer of withBluezone ? (['android', 'ios'] as const) : (['android'] as const)) {
      const config = {
        ...base,
        bluezonePlatformPair: `${os(sim, o)}->${peer}` as BluezonePlatformPair,
      };
      const windows = windowsOf(sightings, ownerOf, config, scans);
      distanceWindows ??= windows;
      const verdicts = new Map<string, boolean>();
      for (const s of dailySummaries(windows, config))
        verdicts.set(`${s.day}|${s.contact}`, s.bluezoneCloseContact);
      byContactOs[peer] = verdicts;
    }
    const detectedAt = detectionTimes(distanceWindows!, minMinutes, sim.startMs);
    for (const s of dailySummaries(distanceWindows!, base)) {
      const contact = Number(s.contact);
      const key = `${s.day}|${s.contact}`;
      out.push({
        observer: o,
        contact,
        day: Math.floor(Date.parse(`${s.day}T00:00:00Z`) / 86_400_000),
        closeMinutes: s.closeMinutes,
        closeContact: s.closeContact,
        bluezoneCloseContact: withBluezone
          ? (byContactOs[os(sim, contact)]!.get(key) ?? false)
          : false,
        detectedAtS: detectedAt.get(key) ?? NaN,
      });
    }
  }
  return out;
}

/** Per (day, contact): the end of the window at which the close minutes first reached the minimum (run s). */
function detectionTimes(
  windows: ExposureWindow[],
  minMinutes: number,
  startMs: number,
): Map<string, number> {
  const acc = new Map<string, number>();
  const at = new Map<string, number>();
  for (const w of [...windows].sort((a, b) => a.endMs - b.endMs)) {
    const key = `${utcDayOf(w.startMs)}|${w.contact}`;
    const minutes = (acc.get(key) ?? 0) + w.closeDurationS / 60;
    acc.set(key, minutes);
    if (!at.has(key) && minutes >= minMinutes - 1e-9) at.set(key, (w.endMs - startMs) / 1000);
  }
  return at;
}
