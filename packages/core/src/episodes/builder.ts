/**
 * Sightings → scan instances → exposure windows → scores, in one streaming pass, as GAEN builds them
 * (google/exposure-notifications-internals `KeyExposureEvaluator.findExposureWindows`):
 *
 * - A window follows one *contact* (a diagnosis key once matched; else the rotating ID) seen by one
 *   scanner, across all its IDs. A new window starts when a sighting comes ≥ `maxWindowS` (30 min) after
 *   the window's first sighting; gaps never cut a window. The window is dated by its first sighting's
 *   UTC day (`dateMillisSinceEpoch`), never backdated.
 * - A scan instance is the contact's sightings in one scan of the scanner. Its `secondsSinceLastScan`
 *   is the time from the scanner's previous scan (which may have heard nobody) in whole minutes, capped
 *   at 5 min, and 2 min when the previous scan is unknown (`SightingRecordWithMetadata.secondsSinceLastScan`).
 *   Scans come from the scanner's scan records when the host has them; else they are rebuilt from the
 *   sightings: a gap over `scanGapS` or `maxScanS` of scanning starts a new scan.
 * - Attenuations are whole dB ≥ 0 (`SightingRecordWithMetadata.attenuationValue`); the typical
 *   attenuation is their rounded mean (`ExposureWindowUtils.getTypicalAttenuation`).
 * - Sightings whose TX power is outside −50…+20 dBm are dropped (`ContactTracingFeature.matchingTxPower*Bound`),
 *   and a GAEN RPI seen more than 20 min after its first sighting by the same scanner is a replay (dropped).
 * @module
 */
import { bytesToHex } from '../bytes/index.js';
import { ProxsenseError } from '../errors.js';
import type { SchemeName } from '../ids/diagnosisKey.js';
import type { ScanRecord } from '../firmware/ports.js';
import { attenuationForDistanceDb } from '../proximity/pathLoss.js';
import type { Sighting } from '../sightings/sighting.js';
import {
  BLUEZONE_RSSI_THRESHOLDS_DBM,
  DEFAULT_EPISODE_CONFIG,
  type EpisodeConfig,
} from './config.js';

/** TX power outside this range is rejected as implausible or malicious (`ContactTracingFeature.matchingTxPowerLowerBound/UpperBound`). */
export const GAEN_TX_POWER_RANGE_DBM = [-50, 20] as const;
/** An RPI seen longer than this after its first sighting is treated as replayed, ms. */
export const GAEN_RPI_REPLAY_AFTER_MS = 1_200_000; // 20 minutes

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** One scan's view of one contact (GAEN `ScanInstance`, plus proxsense's extras). */
export interface ScanInstance {
  /** Smallest attenuation of the scan's sightings, whole dB ≥ 0. */
  minAttenuationDb: number;
  /** Rounded mean attenuation of the scan's sightings, whole dB ≥ 0. */
  typicalAttenuationDb: number;
  /** Whole minutes since the scanner's previous scan, in s, ≤ 300; 120 when that scan is unknown. */
  secondsSinceLastScan: number;
  /** proxsense: first sighting of the contact in this scan, ms. */
  timeMs: number;
  /** proxsense: strongest RSSI of the scan's sightings (the Bluezone rule reads it), dBm. */
  maxRssiDbm: number;
  /** proxsense: sightings in this scan instance. */
  sightings: number;
}

/** Who an ID belongs to, when known (after matching): the contact and its key's risk fields. */
export interface ContactInfo {
  /** Contact identity: a diagnosis key in hex after matching, else the ID itself. */
  contact: string;
  reportType?: number;
  daysSinceOnsetOfSymptoms?: number;
}

/** A GAEN `ExposureWindow` of one contact seen by one scanner, with proxsense's extras beside it. */
export interface ExposureWindow {
  /** UTC midnight of the first sighting's day, ms (GAEN). */
  dateMillisSinceEpoch: number;
  /** GAEN report type 1..5 (the key's, else `reportTypeWhenMissing`). */
  reportType: number;
  /** GAEN infectiousness: 1 STANDARD, 2 HIGH (NONE windows are dropped, as GAEN drops them). */
  infectiousness: number;
  /** GAEN calibration confidence 0..3 from the first sighting's metadata (0 when unknown). */
  calibrationConfidence: number;
  scanInstances: ScanInstance[];
  scheme: SchemeName;
  /** First rotating ID of the window, hex. */
  id: string;
  /** Every rotating ID of the window, in order of first sighting. */
  ids: string[];
  scanner: string;
  contact: string;
  daysSinceOnsetOfSymptoms?: number;
  /** First sighting, ms. */
  startMs: number;
  /** Last sighting, ms (less than `maxWindowS` after `startMs`). */
  endMs: number;
  /** Σ secondsSinceLastScan. */
  durationS: number;
  /** Seconds per attenuation bucket (immediate, near, medium, other), by each scan's typical attenuation. */
  bucketDurationsS: [number, number, number, number];
  /** Σ bucket seconds × bucket weight (GAEN window weighted duration). */
  weightedDurationS: number;
  /** Weighted duration × report-type weight × infectiousness weight (GAEN v2 window score; × the legacy days-since-onset weight). */
  score: number;
  /** Seconds whose scans put the distance estimate at or under the close-contact distance. */
  closeDurationS: number;
  /** Seconds whose scans had a record stronger than the Bluezone threshold. */
  bluezoneCloseDurationS: number;
  /** The Bluezone app's rule for this window: any record stronger (strictly) than the platform pair's threshold. */
  bluezoneCloseContact: boolean;
}

/** Optional inputs besides the sightings. */
export interface EpisodeInput {
  /**
   * The scanners' scan records (firmware `Store.queryScans`), including scans that heard nobody. When a
   * scanner has none, its scans are rebuilt from the sightings given.
   */
  scans?: readonly ScanRecord[];
  /** GAEN calibration confidence of a sighting (decrypted metadata); 0 when undefined. */
  calibrationConfidenceOf?: (s: Sighting) => number | undefined;
}

/** Sightings the builder set aside, and why. */
export interface EpisodeDrops {
  txPowerOutOfRange: number;
  replayed: number;
}

/** Input out of time order for one scanner (the builder streams; sort first or use {@link exposureWindows}). */
export class OutOfOrderError extends ProxsenseError {}

interface ScannerState {
  name: string;
  /** Recorded scan starts, sorted; empty when scans are rebuilt. */
  recorded: Float64Array;
  ptr: number;
  // Rebuilt scans.
  rebuiltSeq: number;
  rebuiltStart: number;
  rebuiltLast: number;
  rebuiltPrev: number;
  last: number;
  /**
   * Series by ID and tracks by contact, per scheme: keyed by the caller's own strings (no joined key per
   * call), so a host that reuses its ID and contact strings pays one hash lookup.
   */
  seriesByScheme: Map<SchemeName, Map<string, number>>;
  tracksByScheme: Map<SchemeName, Map<string, number>>;
}

interface SeriesState {
  scheme: SchemeName;
  id: string;
  firstMs: number;
  track: number;
}

interface TrackState {
  scheme: SchemeName;
  scanner: number;
  contact: ContactInfo;
  winFirst: number; // NaN: no open window
  winLast: number;
  ids: string[];
  calibrationConfidence: number;
  /** Closed instances of the open window, 6 numbers each (time, min, typical, credit, maxRssi, count). */
  instances: number[];
  instSeq: number; // NaN: none open
  instTime: number;
  instMin: number;
  instSum: number;
  instCount: number;
  instMaxRssi: number;
  instCredit: number;
}

/** Streaming builder: feed sightings in time order (per scanner), then {@link EpisodeBuilder.finish}. */
export class EpisodeBuilder {
  readonly drops: EpisodeDrops = { txPowerOutOfRange: 0, replayed: 0 };
  private readonly config: EpisodeConfig;
  private readonly scanners: ScannerState[] = [];
  private readonly scannerByName = new Map<string, number>();
  private readonly seriesStates: SeriesState[] = [];
  private readonly tracks: TrackState[] = [];
  private readonly recordedByScanner = new Map<string, number[]>();
  private readonly windows: ExposureWindow[] = [];
  private readonly closeAttenuationDb: number;
  private readonly bluezoneRssiDbm: number;
  private readonly scanGapMs: number;
  private readonly maxScanMs: number;
  private readonly maxWindowMs: number;
  private pendingConfidence = 0;

  constructor(
    config: Partial<EpisodeConfig> = {},
    private readonly contactOf: (s: Sighting, idHex: string) => ContactInfo = (_s, idHex) => ({
      contact: idHex,
    }),
    private readonly input: EpisodeInput = {},
  ) {
    this.config = { ...DEFAULT_EPISODE_CONFIG, ...config };
    // distance ≤ D ⇔ attenuation ≤ A(D): one comparison per scan instead of a log per scan.
    this.closeAttenuationDb = attenuationForDistanceDb(
      this.config.pathLoss,
      this.config.closeContactMaxDistanceM,
    );
    this.bluezoneRssiDbm = BLUEZONE_RSSI_THRESHOLDS_DBM[this.config.bluezonePlatformPair];
    this.scanGapMs = this.config.scanGapS * 1000;
    this.maxScanMs = this.config.maxScanS * 1000;
    this.maxWindowMs = this.config.maxWindowS * 1000;
    for (const scan of input.scans ?? []) {
      const name = scan.scanner ?? '';
      let list = this.recordedByScanner.get(name);
      if (!list) this.recordedByScanner.set(name, (list = []));
      list.push(scan.startMs);
    }
  }

  /** Registers a scanner; returns its index for {@link addIndexed}. */
  scanner(name: string): number {
    let index = this.scannerByName.get(name);
    if (index === undefined) {
      index = this.scanners.length;
      const recorded = Float64Array.from(this.recordedByScanner.get(name) ?? []).sort();
      this.scanners.push({
        name,
        recorded,
        ptr: -1,
        rebuiltSeq: -1,
        rebuiltStart: NaN,
        rebuiltLast: -Infinity,
        rebuiltPrev: NaN,
        last: -Infinity,
        seriesByScheme: new Map(),
        tracksByScheme: new Map(),
      });
      this.scannerByName.set(name, index);
    }
    return index;
  }

  /**
   * Registers a series (one ID seen by one scanner) and the contact it belongs to; returns its index for
   * {@link addIndexed}. Series of one contact share its windows.
   */
  series(
    scanner: number,
    scheme: SchemeName,
    idHex: string,
    contact: ContactInfo | (() => ContactInfo),
  ): number {
    const sc = this.scanners[scanner];
    if (!sc)
      throw new RangeError(
        `scanner ${scanner} is not registered with this builder; register it with scanner(name) first`,
      );
    let seriesById = sc.seriesByScheme.get(scheme);
    if (!seriesById) sc.seriesByScheme.set(scheme, (seriesById = new Map<string, number>()));
    let index = seriesById.get(idHex);
    if (index === undefined) {
      const info = typeof contact === 'function' ? contact() : contact;
      let tracksByContact = sc.tracksByScheme.get(scheme);
      if (!tracksByContact)
        sc.tracksByScheme.set(scheme, (tracksByContact = new Map<string, number>()));
      let track = tracksByContact.get(info.contact);
      if (track === undefined) {
        track = this.tracks.length;
        tracksByContact.set(info.contact, track);
        this.tracks.push({
          scheme,
          scanner,
          contact: info,
          winFirst: NaN,
          winLast: NaN,
          ids: [],
          calibrationConfidence: 0,
          instances: [],
          instSeq: NaN,
          instTime: 0,
          instMin: 0,
          instSum: 0,
          instCount: 0,
          instMaxRssi: 0,
          instCredit: 0,
        });
      }
      index = this.seriesStates.length;
      seriesById.set(idHex, index);
      this.seriesStates.push({ scheme, id: idHex, firstMs: NaN, track });
    }
    return index;
  }

  /** Adds one sighting. */
  add(s: Sighting): void {
    // Checked before the series is registered, so a dropped sighting leaves no empty series behind.
    if (this.droppedTxPower(s.txPowerDbm)) return;
    const idHex = bytesToHex(s.id);
    const scanner = this.scanner(s.scanner ?? '');
    const series = this.series(scanner, s.scheme, idHex, () => this.contactOf(s, idHex));
    this.pendingConfidence = this.input.calibrationConfidenceOf?.(s) ?? 0;
    this.addCheckedReading(series, scanner, s.timeMs, s.rssiDbm, s.txPowerDbm);
    this.pendingConfidence = 0;
  }

  /**
   * Adds one reading of a registered series from a sighting's raw fields, exactly as {@link add} treats
   * a sighting (TX power outside {@link GAEN_TX_POWER_RANGE_DBM} dropped, attenuation = TX power −
   * (RSSI + `rssiCorrectionDb`), the configured default TX power when `txPowerDbm` is undefined), but
   * with no Sighting object and no hex ID per reading: hosts that keep sightings in columns register
   * each ID once with {@link series} and feed its readings here, in time order per scanner.
   */
  addReading(
    series: number,
    scanner: number,
    timeMs: number,
    rssiDbm: number,
    txPowerDbm?: number,
  ): void {
    if (!this.droppedTxPower(txPowerDbm))
      this.addCheckedReading(series, scanner, timeMs, rssiDbm, txPowerDbm);
  }

  /** Counts and reports a TX power outside {@link GAEN_TX_POWER_RANGE_DBM} (undefined: the default). */
  private droppedTxPower(txPowerDbm: number | undefined): boolean {
    const [lo, hi] = GAEN_TX_POWER_RANGE_DBM;
    if (txPowerDbm === undefined || !(txPowerDbm < lo || txPowerDbm > hi)) return false;
    this.drops.txPowerOutOfRange++;
    return true;
  }

  private addCheckedReading(
    series: number,
    scanner: number,
    timeMs: number,
    rssiDbm: number,
    txPowerDbm: number | undefined,
  ): void {
    const tx = txPowerDbm ?? this.config.defaultTxPowerDbm;
    this.addIndexed(
      series,
      scanner,
      timeMs,
      tx - (rssiDbm + this.config.rssiCorrectionDb),
      rssiDbm,
    );
  }

  /** Adds one reading of a registered series (the allocation-light path; TX power already checked). */
  addIndexed(
    series: number,
    scanner: number,
    timeMs: number,
    attenuationDb: number,
    rssiDbm: number,
  ): void {
    const sc = this.scanners[scanner]!;
    if (timeMs < sc.last)
      throw new OutOfOrderError(
        `sighting at ${timeMs} ms arrived after one at ${sc.last} ms from the same scanner; feed sightings in time order`,
      );
    sc.last = timeMs;
    // Which scan this sighting belongs to, and when the scan before it started.
    let seq: number;
    let prevStart: number;
    const rec = sc.recorded;
    while (sc.ptr + 1 < rec.length && rec[sc.ptr + 1]! <= timeMs) sc.ptr++;
    if (sc.ptr >= 0) {
      seq = sc.ptr;
      prevStart = sc.ptr > 0 ? rec[sc.ptr - 1]! : NaN;
    } else {
      if (timeMs - sc.rebuiltLast > this.scanGapMs || timeMs - sc.rebuiltStart >= this.maxScanMs) {
        sc.rebuiltPrev = sc.rebuiltStart;
        sc.rebuiltStart = timeMs;
        sc.rebuiltSeq++;
      }
      sc.rebuiltLast = timeMs;
      // Negative numbers: rebuilt scans never share a number with recorded ones.
      seq = -2 - sc.rebuiltSeq;
      prevStart = sc.rebuiltPrev;
    }
    const se = this.seriesStates[series]!;
    if (Number.isNaN(se.firstMs)) se.firstMs = timeMs;
    else if (se.scheme === 'gaen' && timeMs - se.firstMs > GAEN_RPI_REPLAY_AFTER_MS) {
      this.drops.replayed++;
      return;
    }
    const att = Math.max(0, Math.round(attenuationDb));
    const tr = this.tracks[se.track]!;
    if (!Number.isNaN(tr.winFirst) && timeMs - tr.winFirst >= this.maxWindowMs) {
      this.closeInstance(tr);
      this.closeWindow(tr);
    }
    if (Number.isNaN(tr.winFirst)) {
      tr.winFirst = timeMs;
      tr.calibrationConfidence = this.pendingConfidence;
    }
    tr.winLast = timeMs;
    if (tr.ids[tr.ids.length - 1] !== se.id && !tr.ids.includes(se.id)) tr.ids.push(se.id);
    if (tr.instSeq === seq) {
      if (att < tr.instMin) tr.instMin = att;
      if (rssiDbm > tr.instMaxRssi) tr.instMaxRssi = rssiDbm;
      tr.instSum += att;
      tr.instCount++;
      return;
    }
    this.closeInstance(tr);
    tr.instSeq = seq;
    tr.instTime = timeMs;
    tr.instMin = att;
    tr.instSum = att;
    tr.instCount = 1;
    tr.instMaxRssi = rssiDbm;
    tr.instCredit = Number.isNaN(prevStart)
      ? this.config.unknownPreviousScanS
      : Math.min(
          this.config.maxSecondsSinceLastScan,
          60 * (Math.floor(timeMs / MINUTE_MS) - Math.floor(prevStart / MINUTE_MS)),
        );
  }

  private closeInstance(tr: TrackState): void {
    if (Number.isNaN(tr.instSeq)) return;
    tr.instances.push(
      tr.instTime,
      tr.instMin,
      Math.round(tr.instSum / tr.instCount),
      tr.instCredit,
      tr.instMaxRssi,
      tr.instCount,
    );
    tr.instSeq = NaN;
  }

  private closeWindow(tr: TrackState): void {
    const c = this.config;
    const flat = tr.instances;
    const buckets: [number, number, number, number] = [0, 0, 0, 0];
    const scanInstances: ScanInstance[] = [];
    let duration = 0;
    let close = 0;
    let bzClose = 0;
    const [t0, t1, t2] = c.attenuationThresholdsDb;
    for (let i = 0; i < flat.length; i += 6) {
      const typical = flat[i + 2]!;
      const credit = flat[i + 3]!;
      scanInstances.push({
        minAttenuationDb: flat[i + 1]!,
        typicalAttenuationDb: typical,
        secondsSinceLastScan: credit,
        timeMs: flat[i]!,
        maxRssiDbm: flat[i + 4]!,
        sightings: flat[i + 5]!,
      });
      buckets[typical <= t0 ? 0 : typical <= t1 ? 1 : typical <= t2 ? 2 : 3] += credit;
      duration += credit;
      if (typical <= this.closeAttenuationDb) close += credit;
      if (flat[i + 4]! > this.bluezoneRssiDbm) bzClose += credit;
    }
    const bluezoneCloseContact = scanInstances.some((s) => s.maxRssiDbm > this.bluezoneRssiDbm);
    const contact = tr.contact;
    const { reportType, infectiousness } = gaenTekMetadata(contact, c);
    const startMs = tr.winFirst;
    const ids = tr.ids;
    tr.instances = [];
    tr.winFirst = NaN;
    tr.ids = [];
    // GAEN drops windows of infectiousness NONE (`DiagnosisKeysDataMapping.getDaysSinceOnsetToInfectiousness`).
    if (infectiousness === 0) return;
    const w = c.attenuationBucketWeights;
    const weighted = buckets[0] * w[0] + buckets[1] * w[1] + buckets[2] * w[2] + buckets[3] * w[3];
    const legacy =
      contact.daysSinceOnsetOfSymptoms === undefined
        ? c.defaultInfectiousnessWeight
        : (c.infectiousnessWeightByDaysSinceOnset[String(contact.daysSinceOnsetOfSymptoms)] ??
          c.defaultInfectiousnessWeight);
    const score =
      weighted *
      (c.reportTypeWeights[reportType] ?? 0) *
      c.infectiousnessWeights[infectiousness as 1 | 2] *
      legacy;
    if (score < c.minimumWindowScore) return;
    const window: ExposureWindow = {
      dateMillisSinceEpoch: Math.floor(startMs / DAY_MS) * DAY_MS,
      reportType,
      infectiousness,
      calibrationConfidence: tr.calibrationConfidence,
      scanInstances,
      scheme: tr.scheme,
      id: ids[0] ?? '',
      ids,
      scanner: this.scanners[tr.scanner]!.name,
      contact: contact.contact,
      startMs,
      endMs: tr.winLast,
      durationS: duration,
      bucketDurationsS: buckets,
      weightedDurationS: weighted,
      score,
      closeDurationS: close,
      bluezoneCloseDurationS: bzClose,
      bluezoneCloseContact,
    };
    if (contact.daysSinceOnsetOfSymptoms !== undefined)
      window.daysSinceOnsetOfSymptoms = contact.daysSinceOnsetOfSymptoms;
    this.windows.push(window);
  }

  /** Closes everything still open and returns all windows, sorted by start, scanner, scheme, contact, ID. */
  finish(): ExposureWindow[] {
    for (const tr of this.tracks) {
      this.closeInstance(tr);
      if (!Number.isNaN(tr.winFirst)) this.closeWindow(tr);
    }
    return this.windows.sort(
      (a, b) =>
        a.startMs - b.startMs ||
        cmp(a.scanner, b.scanner) ||
        cmp(a.scheme, b.scheme) ||
        cmp(a.contact, b.contact) ||
        cmp(a.id, b.id) ||
        a.endMs - b.endMs,
    );
  }
}

/**
 * GAEN's report type and infectiousness of a contact's windows: a missing or UNKNOWN report type becomes
 * `reportTypeWhenMissing` (`ExposureWindowUtils.getReportType`); infectiousness comes from
 * `daysSinceOnsetToInfectiousness`, or `infectiousnessWhenDaysSinceOnsetMissing` when the key has no
 * days since onset (`ExposureWindowUtils.getInfectiousness`). Without a mapping: STANDARD, CONFIRMED_TEST.
 */
export function gaenTekMetadata(
  contact: Pick<ContactInfo, 'reportType' | 'daysSinceOnsetOfSymptoms'>,
  config: Pick<EpisodeConfig, 'diagnosisKeysDataMapping'>,
): { reportType: number; infectiousness: number } {
  const m = config.diagnosisKeysDataMapping;
  const rt = contact.reportType;
  const reportType = rt === undefined || rt <= 0 || rt > 5 ? (m?.reportTypeWhenMissing ?? 1) : rt;
  const dso = contact.daysSinceOnsetOfSymptoms;
  const infectiousness = !m
    ? 1
    : dso === undefined
      ? m.infectiousnessWhenDaysSinceOnsetMissing
      : Math.abs(dso) > 14
        ? m.infectiousnessWhenDaysSinceOnsetMissing
        : (m.daysSinceOnsetToInfectiousness[String(dso)] ?? 0);
  return { reportType, infectiousness };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts sightings into the order the builder needs: time, then scanner, scheme, ID, RSSI. Stable and total. */
export function sortSightings(sightings: readonly Sighting[]): Sighting[] {
  const keyed = sightings.map((s) => ({ s, id: bytesToHex(s.id) }));
  keyed.sort(
    (a, b) =>
      a.s.timeMs - b.s.timeMs ||
      cmp(a.s.scanner ?? '', b.s.scanner ?? '') ||
      cmp(a.s.scheme, b.s.scheme) ||
      cmp(a.id, b.id) ||
      a.s.rssiDbm - b.s.rssiDbm ||
      (a.s.txPowerDbm ?? 0) - (b.s.txPowerDbm ?? 0),
  );
  return keyed.map((k) => k.s);
}

/**
 * The scans of a sightings log when the scanner recorded none: per scanner, a gap over `scanGapS` or
 * `maxScanS` of scanning starts a new scan. Rebuild them from *all* sightings (also those of phones that
 * never tested positive) before keeping only matched ones, or scans that heard only others are lost.
 */
export function scansFromSightings(
  sightings: readonly Sighting[],
  config: Partial<Pick<EpisodeConfig, 'scanGapS' | 'maxScanS'>> = {},
): ScanRecord[] {
  const gapMs = (config.scanGapS ?? DEFAULT_EPISODE_CONFIG.scanGapS) * 1000;
  const maxMs = (config.maxScanS ?? DEFAULT_EPISODE_CONFIG.maxScanS) * 1000;
  const byScanner = new Map<string, number[]>();
  for (const s of sightings) {
    const name = s.scanner ?? '';
    let list = byScanner.get(name);
    if (!list) byScanner.set(name, (list = []));
    list.push(s.timeMs);
  }
  const scans: ScanRecord[] = [];
  for (const [name, list] of [...byScanner.entries()].sort(([a], [b]) => cmp(a, b))) {
    const times = Float64Array.from(list).sort();
    let start = NaN;
    let last = -Infinity;
    for (const t of times) {
      if (t - last > gapMs || t - start >= maxMs) {
        if (!Number.isNaN(start)) scans.push(scanRecord(start, last, name));
        start = t;
      }
      last = t;
    }
    if (!Number.isNaN(start)) scans.push(scanRecord(start, last, name));
  }
  return scans;
}

function scanRecord(startMs: number, lastMs: number, scanner: string): ScanRecord {
  const r: ScanRecord = { startMs, durationMs: lastMs - startMs };
  if (scanner !== '') r.scanner = scanner;
  return r;
}

/** Exposure windows of any set of sightings (order does not matter). */
export function exposureWindows(
  sightings: readonly Sighting[],
  config: Partial<EpisodeConfig> = {},
  contactOf?: (s: Sighting, idHex: string) => ContactInfo,
  input: EpisodeInput = {},
): ExposureWindow[] {
  const builder = new EpisodeBuilder(config, contactOf, input);
  for (const s of sortSightings(sightings)) builder.add(s);
  return builder.finish();
}
