/**
 * The simulated phone's Store: sightings in growable typed columns (time offset, interned ID, RSSI, and
 * the ground-truth distance at the moment of the sighting), 11 bytes each instead of an object; own keys
 * and scan records as the port asks. Sighting objects are made only when the firmware queries.
 * @module
 */
import type {
  DiagnosisKey,
  ScanRecord,
  SchemeName,
  Sighting,
  SightingQuery,
  Store,
} from '@proxsense/core';
import { ensureLength } from '../util/growable.js';
import type { ScanTruth } from '../radio/scanTruth.js';
import type { IdTable } from './idTable.js';

/**
 * Where the store learns, for each sighting the firmware stores, its ID's index and the true distance to
 * the advertiser: the truth of the phone's scan that just closed.
 */
export type TruthSource = () => ScanTruth | undefined;

const CM_PER_M = 100;

export class ColumnarStore implements Store {
  length = 0;
  /** ms since the run's start (Uint32: 49 days). */
  timeOffsetMs = new Uint32Array(16);
  idIndex = new Uint32Array(16);
  rssiDbm = new Int8Array(16);
  /** Ground truth: distance to the advertiser when the sighting was made, cm (saturating). */
  trueDistanceCm = new Uint16Array(16);
  private keys: DiagnosisKey[] = [];
  private scanStartMs: number[] = [];
  private scanDurationMs: number[] = [];
  /** Sightings that named an ID no simulated phone broadcast (never expected; counted, not dropped silently). */
  unknownIds = 0;
  /** Sightings stored without a true distance (0 cm): the scan's truth did not name them (never expected). */
  truthMissing = 0;

  constructor(
    private readonly ids: IdTable,
    private readonly runStartMs: number,
    private readonly scheme: SchemeName,
    private readonly scannerName: string,
    private readonly truth: TruthSource,
  ) {}

  appendSightings(sightings: readonly Sighting[]): void {
    const truth = this.truth();
    for (const s of sightings) {
      const entry = truth ? truth.find(s.id) : -1;
      let index: number;
      let distanceCm = 0;
      if (entry >= 0) {
        index = truth!.idIndex[entry]!;
        distanceCm = truth!.distanceCm[entry]!;
      } else {
        index = this.ids.lookup(s.id);
        if (index < 0) {
          this.unknownIds++;
          continue;
        }
        this.truthMissing++;
      }
      if (this.length === this.timeOffsetMs.length) this.grow();
      const i = this.length++;
      this.timeOffsetMs[i] = s.timeMs - this.runStartMs;
      this.idIndex[i] = index;
      this.rssiDbm[i] = Math.max(-128, Math.min(127, s.rssiDbm));
      this.trueDistanceCm[i] = distanceCm;
    }
  }

  private grow(): void {
    const n = this.length + 1;
    this.timeOffsetMs = ensureLength(this.timeOffsetMs, n);
    this.idIndex = ensureLength(this.idIndex, n);
    this.rssiDbm = ensureLength(this.rssiDbm, n);
    this.trueDistanceCm = ensureLength(this.trueDistanceCm, n);
  }

  timeMs(i: number): number {
    return this.runStartMs + this.timeOffsetMs[i]!;
  }

  trueDistanceM(i: number): number {
    return this.trueDistanceCm[i]! / CM_PER_M;
  }

  /** The i-th stored sighting as the port's object. */
  sighting(i: number): Sighting {
    const index = this.idIndex[i]!;
    const s: Sighting = {
      timeMs: this.timeMs(i),
      scheme: this.scheme,
      id: this.ids.bytes(index),
      rssiDbm: this.rssiDbm[i]!,
    };
    const aem = this.ids.aem(index);
    if (aem) s.aem = aem;
    if (this.scannerName) s.scanner = this.scannerName;
    return s;
  }

  querySightings({ fromMs = -Infinity, toMs = Infinity, id }: SightingQuery = {}): Sighting[] {
    const wanted = id ? this.ids.lookup(id) : -1;
    if (id && wanted < 0) return [];
    const out: Sighting[] = [];
    for (let i = 0; i < this.length; i++) {
      const t = this.timeMs(i);
      if (t < fromMs || t >= toMs || (id && this.idIndex[i] !== wanted)) continue;
      out.push(this.sighting(i));
    }
    return out;
  }

  pruneBefore(beforeMs: number): number {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.timeMs(i) < beforeMs) continue;
      this.timeOffsetMs[kept] = this.timeOffsetMs[i]!;
      this.idIndex[kept] = this.idIndex[i]!;
      this.rssiDbm[kept] = this.rssiDbm[i]!;
      this.trueDistanceCm[kept] = this.trueDistanceCm[i]!;
      kept++;
    }
    const pruned = this.length - kept;
    this.length = kept;
    this.keys = this.keys.filter(
      (k) =>
        (k.scheme === 'gaen'
          ? (k.rollingStartIntervalNumber + k.rollingPeriod) * 600_000
          : k.timeTeS * 1000) >= beforeMs,
    );
    const keep = this.scanStartMs.map((t) => t >= beforeMs);
    this.scanStartMs = this.scanStartMs.filter((_, i) => keep[i]);
    this.scanDurationMs = this.scanDurationMs.filter((_, i) => keep[i]);
    return pruned;
  }

  appendOwnKey(key: DiagnosisKey): void {
    this.keys.push(key);
  }

  ownKeys(): DiagnosisKey[] {
    return [...this.keys];
  }

  appendScans(scans: readonly ScanRecord[]): void {
    for (const s of scans) {
      this.scanStartMs.push(s.startMs);
      this.scanDurationMs.push(s.durationMs);
    }
  }

  queryScans({
    fromMs = -Infinity,
    toMs = Infinity,
  }: { fromMs?: number; toMs?: number } = {}): ScanRecord[] {
    const out: ScanRecord[] = [];
    for (let i = 0; i < this.scanStartMs.length; i++) {
      const startMs = this.scanStartMs[i]!;
      if (startMs < fromMs || startMs >= toMs) continue;
      const r: ScanRecord = { startMs, durationMs: this.scanDurationMs[i]! };
      if (this.scannerName) r.scanner = this.scannerName;
      out.push(r);
    }
    return out;
  }
}
