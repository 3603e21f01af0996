/**
 * The simulated phone's Store: sightings as 11-byte rows (time offset, interned ID, RSSI, and the
 * ground-truth distance at the moment of the sighting) in a chain of pages of the run's
 * {@link SightingArena}, instead of an object each; own keys and scan records as the port asks. Sighting
 * objects are made only when the firmware queries.
 * @module
 */
import {
  type DiagnosisKey,
  type ScanRecord,
  type ScanSightings,
  type SchemeName,
  type Sighting,
  type SightingQuery,
  type Store,
} from '@proxsense/core';
import type { ScanTruth } from '../radio/scanTruth.js';
import type { IdTable } from './idTable.js';
import type { OwnKeyTable } from './ownKeyTable.js';
import { NO_PAGE, PAGE_SIGHTINGS, SightingColumns, type SightingArena } from './sightingArena.js';

/**
 * Where the store learns, for each sighting the firmware stores, its ID's index and the true distance to
 * the advertiser: the truth of the phone's scan that just closed (`scanTruthOf(scanner)`, the simulated
 * air's; one source for every store, so a phone holds no closure for it).
 */
export interface TruthSource {
  scanTruthOf(scanner: number): ScanTruth | undefined;
}

/** What every store of a run shares (one object, so a phone's store holds one reference to it all). */
export interface StoreCrowd {
  ids: IdTable;
  /** The pages every store's sightings sit in. */
  sightings: SightingArena;
  ownKeys: OwnKeyTable;
  runStartMs: number;
  scheme: SchemeName;
  truth: TruthSource;
  /** A phone's name in its sightings and scan records (made when read: none while a run runs). */
  scannerName: (scanner: number) => string;
  /** What the stores count and remember together (see {@link StoresShared}). */
  shared: StoresShared;
}

/**
 * Counts and a read cursor that a crowd's stores keep together rather than in fields of each (five
 * fields of 100 k stores are 4 MB): the counts are of things never expected, and random reads go to
 * one store at a time.
 */
export class StoresShared {
  /** Sightings that named an ID no simulated phone broadcast (counted, not dropped silently). */
  unknownIds = 0;
  /** Sightings stored without a true distance (0 cm): the scan's truth did not name them. */
  truthMissing = 0;
  /** The store last read at random, and the page of it that read found (reads go mostly in order). */
  cursorStore: ColumnarStore | undefined;
  cursorPage = NO_PAGE;
  cursorOrdinal = 0;
}

const CM_PER_M = 100;
/**
 * A scan record packs into one double as (start − run start) · 2²⁰ + duration, both whole ms: scenarios
 * run at most 30 days (2.6 · 10⁹ ms < 2³²) and scan at most 600 s (< 2²⁰ ms), so the pack is exact.
 */
const SCAN_DURATION_SPAN = 2 ** 20;
const SCAN_OFFSET_SPAN = 2 ** 32;
const PAGE_MASK = PAGE_SIGHTINGS - 1;

export class ColumnarStore implements Store {
  length = 0;
  private firstPage = NO_PAGE;
  private lastPage = NO_PAGE;
  /** The last own key's index in the crowd's table (−1: none); each links to the one before. */
  private lastKey = -1;
  /**
   * Scan records, one packed double each (see SCAN_DURATION_SPAN): a phone records a scan every few
   * minutes, and pairs of doubles were the largest thing it held. A record that does not pack (never
   * from a scenario) turns the store to (start ms, duration ms) pairs, `scansWide`.
   */
  private scans: number[] | undefined;
  private scansWide = false;

  constructor(
    private readonly crowd: StoreCrowd,
    /** The person whose phone this is: their scans' truth is the crowd's `truth.scanTruthOf(scanner)`. */
    private readonly scanner: number,
  ) {}

  // What every store shares is read through the crowd, not copied into fields of each.
  private get ids(): IdTable {
    return this.crowd.ids;
  }

  private get arena(): SightingArena {
    return this.crowd.sightings;
  }

  private get runStartMs(): number {
    return this.crowd.runStartMs;
  }

  appendSightings(sightings: readonly Sighting[]): void {
    const truth = this.crowd.truth.scanTruthOf(this.scanner);
    for (const s of sightings) this.store(truth, this.ids.lookup(s.id), s.timeMs, s.rssiDbm);
  }

  /**
   * The firmware's columns path (no object per sighting): the same rows as {@link appendSightings}. The
   * simulated air tags every ID it delivers with the ID's entry in the scan's truth, so a tagged
   * sighting is stored from that entry without reading its ID or looking anything up.
   */
  appendScanSightings(sightings: ScanSightings): void {
    const truth = this.crowd.truth.scanTruthOf(this.scanner);
    const { count, decoded, idTag, timeMs, rssiDbm } = sightings;
    for (let i = 0; i < count; i++) {
      const entry = idTag[i]!;
      if (entry >= 0 && truth && entry < truth.size) {
        const slot = truth.slotOf(entry);
        this.push(
          timeMs[i]! - this.runStartMs,
          truth.columns.idIndex[slot]!,
          clampRssiDbm(rssiDbm[i]!),
          truth.columns.distanceCm[slot]!,
        );
      } else this.store(truth, this.ids.lookup(decoded[i]!.id), timeMs[i]!, rssiDbm[i]!);
    }
  }

  /** Stores one sighting of the ID at `index` (−1: unknown). */
  private store(
    truth: ScanTruth | undefined,
    index: number,
    timeMs: number,
    rssiDbm: number,
  ): void {
    if (index < 0) {
      this.crowd.shared.unknownIds++;
      return;
    }
    const entry = truth ? truth.find(index) : -1;
    let distanceCm = 0;
    if (entry >= 0) distanceCm = truth!.distanceCmAt(entry);
    else this.crowd.shared.truthMissing++;
    this.push(timeMs - this.runStartMs, index, clampRssiDbm(rssiDbm), distanceCm);
  }

  private push(timeOffsetMs: number, idIndex: number, rssiDbm: number, distanceCm: number): void {
    const offset = this.length & PAGE_MASK;
    if (offset === 0) {
      this.lastPage = this.arena.newPage(this.lastPage);
      if (this.firstPage === NO_PAGE) this.firstPage = this.lastPage;
    }
    this.arena.write(
      this.lastPage * PAGE_SIGHTINGS + offset,
      timeOffsetMs,
      idIndex,
      rssiDbm,
      distanceCm,
    );
    this.length++;
  }

  /** The arena index of sighting i (0 ≤ i < length). */
  private locate(i: number): number {
    const ordinal = Math.floor(i / PAGE_SIGHTINGS);
    const cursor = this.crowd.shared;
    if (cursor.cursorStore !== this || ordinal < cursor.cursorOrdinal) {
      cursor.cursorStore = this;
      cursor.cursorPage = this.firstPage;
      cursor.cursorOrdinal = 0;
    }
    while (cursor.cursorOrdinal < ordinal) {
      cursor.cursorPage = this.arena.nextPage(cursor.cursorPage);
      cursor.cursorOrdinal++;
    }
    return cursor.cursorPage * PAGE_SIGHTINGS + (i & PAGE_MASK);
  }

  private checkIndex(i: number): void {
    if (!(Number.isInteger(i) && i >= 0 && i < this.length))
      throw new RangeError(`sighting ${i} of a store of ${this.length}`);
  }

  /**
   * Every stored sighting copied out into contiguous columns, in store order: into `into` (its arrays
   * reused, grown as needed) or a new {@link SightingColumns}. Bulk readers go through this.
   */
  columns(into: SightingColumns = new SightingColumns()): SightingColumns {
    into.resize(this.length);
    let at = 0;
    for (let page = this.firstPage; at < this.length; page = this.arena.nextPage(page)) {
      const count = Math.min(PAGE_SIGHTINGS, this.length - at);
      this.arena.copyPage(page, count, into, at);
      at += count;
    }
    return into;
  }

  /**
   * Replaces the stored sightings with the first `columns.length` rows of `columns` (pruning and
   * reordering go through this); the pages no longer needed go back to the arena.
   */
  rewrite(columns: SightingColumns): void {
    // The rows were copied out, so the chain can go back first; the arena hands its pages out again.
    this.arena.freeChain(this.firstPage);
    this.length = 0;
    this.firstPage = this.lastPage = NO_PAGE;
    if (this.crowd.shared.cursorStore === this) this.crowd.shared.cursorStore = undefined;
    for (let i = 0; i < columns.length; i++)
      this.push(
        columns.timeOffsetMs[i]!,
        columns.idIndex[i]!,
        columns.rssiDbm[i]!,
        columns.trueDistanceCm[i]!,
      );
  }

  timeOffsetMsAt(i: number): number {
    this.checkIndex(i);
    return this.arena.timeOffsetMsAt(this.locate(i));
  }

  idIndexAt(i: number): number {
    this.checkIndex(i);
    return this.arena.idIndexAt(this.locate(i));
  }

  rssiDbmAt(i: number): number {
    this.checkIndex(i);
    return this.arena.rssiDbmAt(this.locate(i));
  }

  timeMs(i: number): number {
    return this.runStartMs + this.timeOffsetMsAt(i);
  }

  trueDistanceM(i: number): number {
    this.checkIndex(i);
    return this.arena.trueDistanceCmAt(this.locate(i)) / CM_PER_M;
  }

  /** The i-th stored sighting as the port's object. */
  sighting(i: number): Sighting {
    this.checkIndex(i);
    const g = this.locate(i);
    return this.sightingOf(
      this.runStartMs + this.arena.timeOffsetMsAt(g),
      this.arena.idIndexAt(g),
      this.arena.rssiDbmAt(g),
      this.scannerName(),
    );
  }

  /**
   * A sighting read out of {@link columns} (row i) as the port's object. `scanner`: this phone's name,
   * when the caller reads many rows and made it once.
   */
  sightingFrom(columns: SightingColumns, i: number, scanner = this.scannerName()): Sighting {
    return this.sightingOf(
      this.runStartMs + columns.timeOffsetMs[i]!,
      columns.idIndex[i]!,
      columns.rssiDbm[i]!,
      scanner,
    );
  }

  /** This phone's name, as the crowd names it (made on each call: read out once per read-out). */
  scannerName(): string {
    return this.crowd.scannerName(this.scanner);
  }

  /** Row `index`'s sighting; `sameId`: an earlier one of the same ID whose copies it shares. */
  private sightingOf(
    timeMs: number,
    index: number,
    rssiDbm: number,
    scanner: string,
    sameId?: Sighting,
  ): Sighting {
    const s: Sighting = {
      timeMs,
      scheme: this.crowd.scheme,
      id: sameId ? sameId.id : this.ids.bytes(index),
      rssiDbm,
    };
    const aem = sameId ? sameId.aem : this.ids.aem(index);
    if (aem) s.aem = aem;
    if (scanner) s.scanner = scanner;
    return s;
  }

  querySightings({ fromMs = -Infinity, toMs = Infinity, id }: SightingQuery = {}): Sighting[] {
    const wanted = id ? this.ids.lookup(id) : -1;
    if (id && wanted < 0) return [];
    const c = this.columns();
    const out: Sighting[] = [];
    // One name for every row, and one copy of each ID and AEM for its rows (a phone hears a few dozen
    // IDs in hundreds of sightings; the copies were a fifth of an exposure check's read-out). Rows share
    // them as a MemoryStore's callers share its stored objects.
    const scanner = this.scannerName();
    const copies = new Map<number, Sighting>();
    for (let i = 0; i < c.length; i++) {
      const t = this.runStartMs + c.timeOffsetMs[i]!;
      const index = c.idIndex[i]!;
      if (t < fromMs || t >= toMs || (id && index !== wanted)) continue;
      const first = copies.get(index);
      const s = this.sightingOf(t, index, c.rssiDbm[i]!, scanner, first);
      if (!first) copies.set(index, s);
      out.push(s);
    }
    return out;
  }

  pruneBefore(beforeMs: number): number {
    const c = this.columns();
    let kept = 0;
    for (let i = 0; i < c.length; i++) {
      if (this.runStartMs + c.timeOffsetMs[i]! < beforeMs) continue;
      c.timeOffsetMs[kept] = c.timeOffsetMs[i]!;
      c.idIndex[kept] = c.idIndex[i]!;
      c.rssiDbm[kept] = c.rssiDbm[i]!;
      c.trueDistanceCm[kept] = c.trueDistanceCm[i]!;
      kept++;
    }
    const pruned = this.length - kept;
    if (pruned > 0) {
      c.length = kept;
      this.rewrite(c);
    }
    const ownKeys = this.crowd.ownKeys;
    let keptLast = -1;
    for (const k of this.keyIndexes())
      if (ownKeys.endMs(k) >= beforeMs) {
        ownKeys.setPrevious(k, keptLast);
        keptLast = k;
      }
    this.lastKey = keptLast;
    const scans = this.scans;
    if (scans) {
      const stride = this.scansWide ? 2 : 1;
      let kept = 0;
      for (let i = 0; i < scans.length; i += stride) {
        if (this.scanStartMs(scans, i) < beforeMs) continue;
        for (let k = 0; k < stride; k++) scans[kept++] = scans[i + k]!;
      }
      scans.length = kept;
    }
    return pruned;
  }

  appendOwnKey(key: DiagnosisKey): void {
    // Linked to this store's previous key in the crowd's table, not listed in an array of the store's
    // own (an array and its elements cost a phone 56 bytes for its one key a day).
    this.lastKey = this.crowd.ownKeys.add(key, this.lastKey);
  }

  ownKeys(): DiagnosisKey[] {
    const ownKeys = this.crowd.ownKeys;
    return this.keyIndexes().map((k) => ownKeys.key(k));
  }

  /** This store's own keys' indexes in the crowd's table, first to last. */
  private keyIndexes(): number[] {
    const indexes: number[] = [];
    for (let k = this.lastKey; k >= 0; k = this.crowd.ownKeys.previous(k)) indexes.push(k);
    return indexes.reverse();
  }

  appendScans(scans: readonly ScanRecord[]): void {
    for (const s of scans) {
      const offsetMs = s.startMs - this.runStartMs;
      const packs =
        Number.isInteger(offsetMs) &&
        offsetMs >= 0 &&
        offsetMs < SCAN_OFFSET_SPAN &&
        Number.isInteger(s.durationMs) &&
        s.durationMs >= 0 &&
        s.durationMs < SCAN_DURATION_SPAN;
      if (!packs && !this.scansWide) this.widenScans();
      const value = this.scansWide ? s.startMs : offsetMs * SCAN_DURATION_SPAN + s.durationMs;
      if (!this.scans) this.scans = [value];
      else this.scans.push(value);
      if (this.scansWide) this.scans.push(s.durationMs);
    }
  }

  /** Turns the packed scan records into (start ms, duration ms) pairs. */
  private widenScans(): void {
    const packed = this.scans ?? [];
    const wide: number[] = [];
    for (let i = 0; i < packed.length; i++)
      wide.push(this.scanStartMs(packed, i), this.scanDurationMs(packed, i));
    this.scans = wide;
    this.scansWide = true;
  }

  /** The start of the record at `i` of `scans` (packed, or the first of a pair). */
  private scanStartMs(scans: number[], i: number): number {
    return this.scansWide
      ? scans[i]!
      : this.runStartMs + Math.floor(scans[i]! / SCAN_DURATION_SPAN);
  }

  private scanDurationMs(scans: number[], i: number): number {
    return this.scansWide ? scans[i + 1]! : scans[i]! % SCAN_DURATION_SPAN;
  }

  queryScans({
    fromMs = -Infinity,
    toMs = Infinity,
  }: { fromMs?: number; toMs?: number } = {}): ScanRecord[] {
    const out: ScanRecord[] = [];
    const scans = this.scans ?? [];
    const scanner = this.scannerName();
    for (let i = 0; i < scans.length; i += this.scansWide ? 2 : 1) {
      const startMs = this.scanStartMs(scans, i);
      if (startMs < fromMs || startMs >= toMs) continue;
      const r: ScanRecord = { startMs, durationMs: this.scanDurationMs(scans, i) };
      if (scanner) r.scanner = scanner;
      out.push(r);
    }
    return out;
  }
}

/** What the RSSI column holds (a signed byte). */
function clampRssiDbm(rssiDbm: number): number {
  return Math.max(-128, Math.min(127, rssiDbm));
}
