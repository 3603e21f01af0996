/**
 * What the phones' logs say, through core's own episode functions: for every app phone (the observer),
 * its stored sightings become exposure windows with each advertiser as the contact — what its exposure
 * check would conclude if every contact were diagnosed — and daily summaries give the distance verdict
 * and the Bluezone RSSI rule's verdict per (day, contact). The Bluezone threshold is the observer's and
 * the contact's platform pair, as the app chose it per peer.
 *
 * Each observer's windows are built once, straight from the store's columns (core's
 * `EpisodeBuilder.addReading`: no Sighting object or hex ID per reading), and core's
 * `dailySummariesWithRules` reads them under the other peer platform's Bluezone threshold and every
 * distance of the threshold sweep. Verdicts are kept in typed columns ({@link VerdictTable}).
 * @module
 */
import {
  bytesToHex,
  dailySummariesWithRules,
  EpisodeBuilder,
  type BluezonePlatformPair,
  type CloseContactRule,
  type ExposureWindow,
} from '@proxsense/core';
import type { Simulation } from '../run/simulation.js';
import { episodeConfigFor } from '../run/simulation.js';
import { SightingColumns } from '../store/sightingArena.js';
import { ensureLength } from '../util/growable.js';

const DAY_MS = 86_400_000;
/** Up to this many windows, an observer's are put in end order by insertion. */
const INSERTION_SORT_MAX = 128;

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

/**
 * Every verdict of a run in columns (a city run has millions): row i is observer i's verdict about
 * contact i on day i. Rows come per observer (ascending), then as core's daily summaries sort them
 * (day, then contact as text).
 */
export class VerdictTable {
  length = 0;
  observer = new Uint32Array(16);
  contact = new Uint32Array(16);
  /** UTC day number. */
  day = new Int32Array(16);
  closeMinutes = new Float64Array(16);
  closeContact = new Uint8Array(16);
  bluezoneCloseContact = new Uint8Array(16);
  /** Run s at which the close minutes reached the minimum; NaN if never. */
  detectedAtS = new Float64Array(16);
  /** The ground-truth pair of (observer, contact, day), or −1 (`GroundTruth.find`, looked up once). */
  truthIndex = new Int32Array(16);

  push(
    observer: number,
    contact: number,
    day: number,
    closeMinutes: number,
    closeContact: boolean,
    bluezoneCloseContact: boolean,
    detectedAtS: number,
    truthIndex: number,
  ): void {
    if (this.length === this.observer.length) this.grow();
    const i = this.length++;
    this.observer[i] = observer;
    this.contact[i] = contact;
    this.day[i] = day;
    this.closeMinutes[i] = closeMinutes;
    this.closeContact[i] = closeContact ? 1 : 0;
    this.bluezoneCloseContact[i] = bluezoneCloseContact ? 1 : 0;
    this.detectedAtS[i] = detectedAtS;
    this.truthIndex[i] = truthIndex;
  }

  /** Row i as an object (for tests and small runs; loops over a run read the columns). */
  at(i: number): Verdict {
    return {
      observer: this.observer[i]!,
      contact: this.contact[i]!,
      day: this.day[i]!,
      closeMinutes: this.closeMinutes[i]!,
      closeContact: this.closeContact[i] === 1,
      bluezoneCloseContact: this.bluezoneCloseContact[i] === 1,
      detectedAtS: this.detectedAtS[i]!,
    };
  }

  private grow(): void {
    const n = this.length + 1;
    this.observer = ensureLength(this.observer, n);
    this.contact = ensureLength(this.contact, n);
    this.day = ensureLength(this.day, n);
    this.closeMinutes = ensureLength(this.closeMinutes, n);
    this.closeContact = ensureLength(this.closeContact, n);
    this.bluezoneCloseContact = ensureLength(this.bluezoneCloseContact, n);
    this.detectedAtS = ensureLength(this.detectedAtS, n);
    this.truthIndex = ensureLength(this.truthIndex, n);
  }
}

/** Verdicts at one more distance of the sweep, counted against truth as they are made. */
export interface SweepCount {
  thresholdM: number;
  detected: number;
  truePositives: number;
}

export interface DetectOptions {
  /** Distances (m) at which to count the distance rule's verdicts too (the threshold sweep). */
  sweepThresholdsM?: readonly number[];
  /** Called after each observer with the number of people done (for a progress bar). */
  onObserver?: (done: number) => void;
}

/** Verdicts of every app phone about every phone it logged, and the sweep's counts. */
export interface Detection {
  verdicts: VerdictTable;
  sweep: SweepCount[];
}

function os(sim: Simulation, p: number): 'android' | 'ios' {
  return sim.population.ios[p] ? 'ios' : 'android';
}

/**
 * Verdicts of every app phone about every phone it logged under the scenario's rule, with the Bluezone
 * verdict at the observer→contact platform pair, and (with `sweepThresholdsM`) how many verdicts each
 * other distance would give and how many of them are true.
 */
export function detectVerdicts(sim: Simulation, options: DetectOptions = {}): Detection {
  const verdicts = new VerdictTable();
  const thresholds = options.sweepThresholdsM ?? [];
  const sweep: SweepCount[] = thresholds.map((thresholdM) => ({
    thresholdM,
    detected: 0,
    truePositives: 0,
  }));
  const minMinutes = sim.scenario.rule.closeContactMinDurationS / 60;
  const gaen = sim.scenario.profile === 'gaen';
  const { ids, truth } = sim;
  // Per ID (all observers share the table): its hex once, and the series it has in the current builder.
  const hexOf: (string | undefined)[] = [];
  // One contact object per person: the builder keys tracks by its string, so reuse keeps lookups cheap.
  const contactOf: ({ contact: string } | undefined)[] = [];
  // Per ID, side by side (one cache line per reading, not two): the observer whose builder has its
  // series (−1: none yet), and that series.
  const seriesOfId = new Int32Array(2 * ids.size).fill(-1);
  // Per series of the current builder: its advertiser's advertised TX power (read once per series,
  // not per reading: the owner and the power were two more cache misses a reading).
  let seriesTxDbm = new Float64Array(64);
  let order = new Uint32Array(16);
  let byEnd = new Uint32Array(64);
  const columns = new SightingColumns();
  for (let o = 0; o < sim.people; o++) {
    const store = sim.stores[o];
    if (!store || store.length === 0) {
      options.onObserver?.(o + 1);
      continue;
    }
    const n = store.length;
    const base = episodeConfigFor(sim.scenario, sim.population.rssiCorrectionDb[o]);
    const observerOs = os(sim, o);
    // Built at the pair toward Android peers; the rules read iOS peers' pair and the sweep's distances.
    const config = {
      ...base,
      bluezonePlatformPair: `${observerOs}->android` as BluezonePlatformPair,
    };
    const rules: CloseContactRule[] = [
      { bluezonePlatformPair: `${observerOs}->ios` as BluezonePlatformPair },
      ...thresholds.map((closeContactMaxDistanceM) => ({ closeContactMaxDistanceM })),
    ];
    // The phone's own scan records: GAEN credits each scan the time since the previous one, heard or not.
    const builder = new EpisodeBuilder(config, undefined, { scans: store.queryScans() });
    const c = store.columns(columns);
    const scanner = builder.scanner(store.scannerName());
    // Time order, ties in store order (the builder's result does not depend on the order of equal times).
    const t = c.timeOffsetMs;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (t[i]! < t[i - 1]!) sorted = false;
    if (!sorted) {
      order = ensureLength(order, n);
      for (let i = 0; i < n; i++) order[i] = i;
      order.subarray(0, n).sort((a, b) => t[a]! - t[b]! || a - b);
    }
    for (let k = 0; k < n; k++) {
      const i = sorted ? k : order[k]!;
      const id = c.idIndex[i]!;
      let series = seriesOfId[2 * id + 1]!;
      if (seriesOfId[2 * id] !== o) {
        const owner = ids.owner(id);
        const hex = (hexOf[id] ??= bytesToHex(ids.bytes(id)));
        series = builder.series(
          scanner,
          sim.scenario.profile,
          hex,
          (contactOf[owner] ??= {
            contact: String(owner),
          }),
        );
        seriesOfId[2 * id] = o;
        seriesOfId[2 * id + 1] = series;
        if (series >= seriesTxDbm.length) seriesTxDbm = ensureLength(seriesTxDbm, series + 1);
        seriesTxDbm[series] = sim.population.advertisedTxDbm[owner]!;
      }
      // GAEN carries the advertiser's calibrated TX power in its encrypted metadata; Bluezone carries none.
      builder.addReading(
        series,
        scanner,
        sim.startMs + t[i]!,
        c.rssiDbm[i]!,
        gaen ? seriesTxDbm[series] : undefined,
      );
    }
    const windows = builder.finish();
    const daily = dailySummariesWithRules(windows, config, rules);
    const detectedAt = detectionTimes(windows, daily.summaryOfWindow, daily.summaries.length);
    // A summary's UTC day number: its windows' (no date text to parse back).
    const dayOf = new Int32Array(daily.summaries.length);
    windows.forEach(
      (w, i) => (dayOf[daily.summaryOfWindow[i]!] = Math.floor(w.dateMillisSinceEpoch / DAY_MS)),
    );
    const m = daily.summaries.length;
    daily.summaries.forEach((s, k) => {
      const contact = Number(s.contact);
      const day = dayOf[k]!;
      const ti = truth.find(o, contact, day);
      const isTrue = ti >= 0 && truth.isClose(ti);
      // Rule 0 is the iOS peers' Bluezone pair; rules 1… the sweep's distances (rule-major columns).
      const bluezone = sim.population.ios[contact]
        ? daily.bluezoneCloseContact[k] === 1
        : s.bluezoneCloseContact;
      verdicts.push(o, contact, day, s.closeMinutes, s.closeContact, bluezone, detectedAt[k]!, ti);
      for (let r = 0; r < sweep.length; r++) {
        if (daily.closeContact[(r + 1) * m + k] !== 1) continue;
        sweep[r]!.detected++;
        if (isTrue) sweep[r]!.truePositives++;
      }
    });
    options.onObserver?.(o + 1);
  }
  return { verdicts, sweep };

  /** Per summary: the end of the window at which the close minutes first reached the minimum (run s). */
  function detectionTimes(
    windows: readonly ExposureWindow[],
    summaryOf: Int32Array,
    count: number,
  ): Float64Array {
    const minutes = new Float64Array(count);
    const atS = new Float64Array(count).fill(NaN);
    // Windows by end, ties in their order (a stable sort): by insertion for the few dozen a phone
    // usually has (a comparator sort's call per comparison cost more), the native sort past that.
    const n = windows.length;
    if (byEnd.length < n) byEnd = new Uint32Array(2 * n);
    if (n <= INSERTION_SORT_MAX)
      for (let i = 0; i < n; i++) {
        const end = windows[i]!.endMs;
        let j = i;
        for (; j > 0 && windows[byEnd[j - 1]!]!.endMs > end; j--) byEnd[j] = byEnd[j - 1]!;
        byEnd[j] = i;
      }
    else {
      for (let i = 0; i < n; i++) byEnd[i] = i;
      byEnd.subarray(0, n).sort((a, b) => windows[a]!.endMs - windows[b]!.endMs || a - b);
    }
    for (let q = 0; q < n; q++) {
      const w = byEnd[q]!;
      const k = summaryOf[w]!;
      minutes[k]! += windows[w]!.closeDurationS / 60;
      if (Number.isNaN(atS[k]!) && minutes[k]! >= minMinutes - 1e-9)
        atS[k] = (windows[w]!.endMs - sim.startMs) / 1000;
    }
    return atS;
  }
}
