/**
 * An in-memory Store for tests, the simulator and browsers without persistence. Not crash-safe by
 * nature; hardware hosts use a file-backed store.
 * @module
 */
import { bytesEqual } from '../bytes/index.js';
import { ownKeyEndMs, type DiagnosisKey } from '../ids/diagnosisKey.js';
import type { Sighting } from '../sightings/sighting.js';
import type { ScanRecord, SightingQuery, Store } from './ports.js';

export class MemoryStore implements Store {
  private sightings: Sighting[] = [];
  private keys: DiagnosisKey[] = [];
  private scans: ScanRecord[] = [];

  appendSightings(sightings: readonly Sighting[]): void {
    for (const s of sightings) this.sightings.push(s);
  }

  querySightings({ fromMs = -Infinity, toMs = Infinity, id }: SightingQuery = {}): Sighting[] {
    return this.sightings.filter(
      (s) => s.timeMs >= fromMs && s.timeMs < toMs && (!id || bytesEqual(s.id, id)),
    );
  }

  appendScans(scans: readonly ScanRecord[]): void {
    for (const s of scans) this.scans.push(s);
  }

  queryScans({
    fromMs = -Infinity,
    toMs = Infinity,
  }: { fromMs?: number; toMs?: number } = {}): ScanRecord[] {
    return this.scans.filter((s) => s.startMs >= fromMs && s.startMs < toMs);
  }

  pruneBefore(beforeMs: number): number {
    const before = this.sightings.length;
    this.scans = this.scans.filter((s) => s.startMs >= beforeMs);
    this.sightings = this.sightings.filter((s) => s.timeMs >= beforeMs);
    this.keys = this.keys.filter((k) => ownKeyEndMs(k) >= beforeMs);
    return before - this.sightings.length;
  }

  appendOwnKey(key: DiagnosisKey): void {
    this.keys.push(key);
  }

  ownKeys(): DiagnosisKey[] {
    return [...this.keys];
  }
}
