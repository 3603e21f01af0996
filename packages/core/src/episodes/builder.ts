/**
 * Sightings → scan instances → exposure windows → scores, in one streaming pass.
 *
 * A scanner's scans are recovered from its log: sightings less than `scanGapS` apart belong to one scan,
 * and each scan is credited the time since the scanner's previous scan (capped, as GAEN's
 * `secondsSinceLastScan`). A series is one rotating ID seen by one scanner; its scan instances (min and
 * typical attenuation per scan) are grouped into exposure windows of at most `maxWindowS`, so a window
 * never spans two IDs. Per-series state lives in typed arrays: the hot loop allocates nothing per sighting.
 * @module
 */
import { bytesToHex } from '../bytes/index.js';
import { ProxsenseError } from '../errors.js';
import type { SchemeName } from '../ids/diagnosisKey.js';
import { attenuationForDistanceDb } from '../proximity/pathLoss.js';
import type { Sighting } from '../sightings/sighting.js';
import { BLUEZONE_RSSI_THRESHOLDS_DBM, DEFAULT_EPISODE_CONFIG, type EpisodeConfig } from './config.js';

/** One scan's view of one ID (GAEN `ScanInstance`). */
export interface ScanInstance {
  /** Start of the scan, ms. */
  timeMs: number;
  minAttenuationDb: number;
  /** Mean attenuation of the scan's sightings (GAEN's "typical"). */
  typicalAttenuationDb: number;
  secondsSinceLastScan: number;
  maxRssiDbm: number;
  sightings: number;
}

/** Who an ID belongs to, when known (after matching): the contact and its key's risk fields. */
export interface ContactInfo {
  /** Contact identity: a diagnosis key in hex after matching, else the ID itself. */
  contact: string;
  reportType?: number;
  daysSinceOnsetOfSymptoms?: number;
}

/** A GAEN-style exposure window of one ID seen by one scanner. */
export interface ExposureWindow {
  scheme: SchemeName;
  /** The rotating ID, hex. */
  id: string;
  scanner: string;
  contact: string;
  reportType?: number;
  daysSinceOnsetOfSymptoms?: number;
  /** First scan's start minus its credited time, ms. */
  startMs: number;
  /** Last scan's start, ms. */
  endMs: number;
  scanInstances: ScanInstance[];
  /** Σ secondsSinceLastScan (never more than endMs − startMs). */
  durationS: number;
  /** Seconds per attenuation bucket (immediate, near, medium, other), by each scan's typical attenuation. */
  bucketDurationsS: [number, number, number, number];
  /** Σ bucket seconds × bucket weight. */
  weightedDurationS: number;
  /** Weighted duration × infectiousness weight × report-type weight (GAEN v2 window score). */
  score: number;
  /** Seconds whose scans put the distance estimate at or under the close-contact distance. */
  closeDurationS: number;
  /** Seconds whose scans reached the Bluezone app's RSSI threshold (its own close-contact rule). */
  bluezoneCloseDurationS: number;
}

/** Input out of time order for one scanner (the builder streams; sort first or use {@link exposureWindows}). */
export class OutOfOrderError extends ProxsenseError {}

/** Per-series state in typed arrays; grows by doubling. */
class SeriesState {
  capacity = 0;
  instScan = new Float64Array(0); // scan sequence of the open instance (−1: none)
  instTime = new Float64Array(0);
  instMin = new Float64Array(0);
  instSum = new Float64Array(0);
  instCount = new Float64Array(0);
  instMaxRssi = new Float64Array(0);
  instCredit = new Float64Array(0);
  winStart = new Float64Array(0); // NaN: no open window
  winLast = new Float64Array(0);
  ensure(n: number): void {
    if (n <= this.capacity) return;
    let capacity = Math.max(16, this.capacity);
    while (capacity < n) capacity *= 2;
    for (const field of ['instScan', 'instTime', 'instMin', 'instSum', 'instCount', 'instMaxRssi', 'instCredit', 'winStart', 'winLast'] as const) {
      const next = new Float64Array(capacity);
      next.set(this[field]);
      if (field === 'instScan') next.fill(-1, this.capacity);
      if (field === 'winStart') next.fill(NaN, this.capacity);
      this[field] = next;
    }
    this.capacity = capacity;
  }
}

interface SeriesMeta {
  scheme: SchemeName;
  id: string;
  scanner: number;
  contact: ContactInfo;
  /** Closed instances of the open window, 6 numbers each (time, min, typical, credit, maxRssi, count). */
  instances: number[];
}

/** Streaming builder: feed sightings in time order (per scanner), then {@link EpisodeBuilder.finish}. */
export class EpisodeBuilder {
  private readonly config: EpisodeConfig;
  private readonly state = new SeriesState();
  private readonly meta: SeriesMeta[] = [];
  private readonly seriesByKey = new Map<string, number>();
  private readonly scannerNames: string[] = [];
  private readonly scannerByName = new Map<string, number>();
  private scanStart: number[] = [];
  private scanLast: number[] = [];
  private scanSeq: number[] = [];
  private scanCredit: number[] = [];
  private readonly windows: ExposureWindow[] = [];
  private readonly closeAttenuationDb: number;
  private readonly bluezoneRssiDbm: number;
  // Config values the per-sighting path reads, pre-scaled to ms.
  private readonly scanGapMs: number;
  private readonly maxCreditS: number;

  constructor(config: Partial<EpisodeConfig> = {}, private readonly contactOf: (s: Sighting, idHex: string) => ContactInfo = (_s, idHex) => ({ contact: idHex })) {
    this.config = { ...DEFAULT_EPISODE_CONFIG, ...config };
    // distance ≤ D ⇔ attenuation ≤ A(D): one comparison per scan instead of a log per scan.
    this.closeAttenuationDb = attenuationForDistanceDb(this.config.pathLoss, this.config.closeContactMaxDistanceM);
    this.bluezoneRssiDbm = BLUEZONE_RSSI_THRESHOLDS_DBM[this.config.bluezonePlatformPair];
    this.scanGapMs = this.config.scanGapS * 1000;
    this.maxCreditS = this.config.maxSecondsSinceLastScan;
  }

  /** Registers a scanner; returns its index for {@link addIndexed}. */
  scanner(name: string): number {
    let index = this.scannerByName.get(name);
    if (index === undefined) {
      index = this.scannerNames.length;
      this.scannerNames.push(name);
      this.scannerByName.set(name, index);
      this.scanStart.push(NaN);
      this.scanLast.push(-Infinity);
      this.scanSeq.push(-1);
      this.scanCredit.push(0);
    }
    return index;
  }

  /** Registers a series (one ID seen by one scanner); returns its index for {@link addIndexed}. */
  series(scanner: number, scheme: SchemeName, idHex: string, contact: ContactInfo | (() => ContactInfo)): number {
    const key = `${scanner}\u0000${scheme}\u0000${idHex}`;
    let index = this.seriesByKey.get(key);
    if (index === undefined) {
      index = this.meta.length;
      this.seriesByKey.set(key, index);
      this.meta.push({ scheme, id: idHex, scanner, contact: typeof contact === 'function' ? contact() : contact, instances: [] });
      this.state.ensure(index + 1);
    }
    return index;
  }

  /** Adds one sighting. */
  add(s: Sighting): void {
    const idHex = bytesToHex(s.id);
    const scanner = this.scanner(s.scanner ?? '');
    const series = this.series(scanner, s.scheme, idHex, () => this.contactOf(s, idHex));
    const tx = s.txPowerDbm ?? this.config.defaultTxPowerDbm;
    this.addIndexed(series, scanner, s.timeMs, tx - (s.rssiDbm + this.config.rssiCorrectionDb), s.rssiDbm);
  }

  /** Adds one reading of a registered series (the allocation-free path). */
  addIndexed(series: number, scanner: number, timeMs: number, attenuationDb: number, rssiDbm: number): void {
    const last = this.scanLast[scanner]!;
    if (timeMs < last) throw new OutOfOrderError(`sighting at ${timeMs} ms arrived after one at ${last} ms from the same scanner; feed sightings in time order`);
    if (timeMs - last > this.scanGapMs) {
      const start = this.scanStart[scanner]!;
      const capS = this.maxCreditS;
      this.scanCredit[scanner] = Number.isNaN(start) ? capS : Math.min(capS, (timeMs - start) / 1000);
      this.scanStart[scanner] = timeMs;
      this.scanSeq[scanner]!++;
    }
    this.scanLast[scanner] = timeMs;
    const st = this.state;
    const seq = this.scanSeq[scanner]!;
    if (st.instScan[series] === seq) {
      if (attenuationDb < st.instMin[series]!) st.instMin[series] = attenuationDb;
      if (rssiDbm > st.instMaxRssi[series]!) st.instMaxRssi[series] = rssiDbm;
      st.instSum[series]! += attenuationDb;
      st.instCount[series]!++;
      return;
    }
    if (st.instScan[series]! >= 0) this.closeInstance(series);
    st.instScan[series] = seq;
    st.instTime[series] = this.scanStart[scanner]!;
    st.instMin[series] = attenuationDb;
    st.instSum[series] = attenuationDb;
    st.instCount[series] = 1;
    st.instMaxRssi[series] = rssiDbm;
    st.instCredit[series] = this.scanCredit[scanner]!;
  }

  private closeInstance(series: number): void {
    const st = this.state;
    const time = st.instTime[series]!;
    const credit = st.instCredit[series]!;
    const winStart = st.winStart[series]!;
    if (!Number.isNaN(winStart) && (time - winStart > this.config.maxWindowS * 1000 || time - st.winLast[series]! > this.config.maxSecondsSinceLastScan * 1000)) this.closeWindow(series);
    if (Number.isNaN(st.winStart[series]!)) st.winStart[series] = time - credit * 1000;
    st.winLast[series] = time;
    this.meta[series]!.instances.push(time, st.instMin[series]!, st.instSum[series]! / st.instCount[series]!, credit, st.instMaxRssi[series]!, st.instCount[series]!);
    st.instScan[series] = -1;
  }

  private closeWindow(series: number): void {
    const st = this.state;
    const meta = this.meta[series]!;
    const c = this.config;
    const flat = meta.instances;
    const buckets: [number, number, number, number] = [0, 0, 0, 0];
    const scanInstances: ScanInstance[] = [];
    let duration = 0;
    let close = 0;
    let bzClose = 0;
    for (let i = 0; i < flat.length; i += 6) {
      const typical = flat[i + 2]!;
      const credit = flat[i + 3]!;
      scanInstances.push({ timeMs: flat[i]!, minAttenuationDb: flat[i + 1]!, typicalAttenuationDb: typical, secondsSinceLastScan: credit, maxRssiDbm: flat[i + 4]!, sightings: flat[i + 5]! });
      const [t0, t1, t2] = c.attenuationThresholdsDb;
      buckets[typical <= t0 ? 0 : typical <= t1 ? 1 : typical <= t2 ? 2 : 3] += credit;
      duration += credit;
      if (typical <= this.closeAttenuationDb) close += credit;
      if (flat[i + 4]! >= this.bluezoneRssiDbm) bzClose += credit;
    }
    const w = c.attenuationBucketWeights;
    const weighted = buckets[0] * w[0] + buckets[1] * w[1] + buckets[2] * w[2] + buckets[3] * w[3];
    const contact = meta.contact;
    const infectiousness = contact.daysSinceOnsetOfSymptoms === undefined ? c.defaultInfectiousnessWeight : (c.infectiousnessWeightByDaysSinceOnset[String(contact.daysSinceOnsetOfSymptoms)] ?? c.defaultInfectiousnessWeight);
    const reportWeight = contact.reportType === undefined ? 1 : (c.reportTypeWeights[contact.reportType] ?? 1);
    const window: ExposureWindow = {
      scheme: meta.scheme,
      id: meta.id,
      scanner: this.scannerNames[meta.scanner]!,
      contact: contact.contact,
      startMs: st.winStart[series]!,
      endMs: st.winLast[series]!,
      scanInstances,
      durationS: duration,
      bucketDurationsS: buckets,
      weightedDurationS: weighted,
      score: weighted * infectiousness * reportWeight,
      closeDurationS: close,
      bluezoneCloseDurationS: bzClose,
    };
    if (contact.reportType !== undefined) window.reportType = contact.reportType;
    if (contact.daysSinceOnsetOfSymptoms !== undefined) window.daysSinceOnsetOfSymptoms = contact.daysSinceOnsetOfSymptoms;
    if (window.score >= c.minimumWindowScore) this.windows.push(window);
    meta.instances = [];
    st.winStart[series] = NaN;
  }

  /** Closes everything still open and returns all windows, sorted by start, scanner, scheme, ID. */
  finish(): ExposureWindow[] {
    for (let s = 0; s < this.meta.length; s++) {
      if (this.state.instScan[s]! >= 0) this.closeInstance(s);
      if (!Number.isNaN(this.state.winStart[s]!)) this.closeWindow(s);
    }
    return this.windows.sort((a, b) => a.startMs - b.startMs || cmp(a.scanner, b.scanner) || cmp(a.scheme, b.scheme) || cmp(a.id, b.id) || a.endMs - b.endMs);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts sightings into the order the builder needs: time, then scanner, scheme, ID, RSSI. Stable and total. */
export function sortSightings(sightings: readonly Sighting[]): Sighting[] {
  const keyed = sightings.map((s) => ({ s, id: bytesToHex(s.id) }));
  keyed.sort((a, b) => a.s.timeMs - b.s.timeMs || cmp(a.s.scanner ?? '', b.s.scanner ?? '') || cmp(a.s.scheme, b.s.scheme) || cmp(a.id, b.id) || a.s.rssiDbm - b.s.rssiDbm || (a.s.txPowerDbm ?? 0) - (b.s.txPowerDbm ?? 0));
  return keyed.map((k) => k.s);
}

/** Exposure windows of any set of sightings (order does not matter). */
export function exposureWindows(sightings: readonly Sighting[], config: Partial<EpisodeConfig> = {}, contactOf?: (s: Sighting, idHex: string) => ContactInfo): ExposureWindow[] {
  const builder = new EpisodeBuilder(config, contactOf);
  for (const s of sortSightings(sightings)) builder.add(s);
  return builder.finish();
}
