/**
 * A durable, file-backed {@link Store}: append-only checksummed records in time segments, committed
 * with one write and one fsync per file per batch, recovered on open, pruned by dropping whole segments.
 *
 * Crash policy (see the package README):
 * - `sync: 'append'` (default): every `append*` call is one batch, written and fsynced (and the
 *   directory fsynced when it created a file) before it returns. A crash (kill -9, power loss on a
 *   disk that honours fsync) loses nothing an `append*` call returned from; it can lose at most the
 *   batch in flight, of which any prefix may survive (records are checked one by one).
 * - `sync: 'manual'`: appends are buffered in memory and `commit()` makes them durable in one batch; a
 *   crash loses what was appended since the last `commit()` returned, and nothing before it.
 * - Never: a corrupt or half-written record returned. Records carry a CRC-32 over length and payload and
 *   are decoded strictly; on open a torn tail is truncated and reported, corrupt regions are skipped
 *   and reported.
 * @module
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  bytesEqual,
  InputError,
  type DiagnosisKey,
  type ScanRecord,
  type Sighting,
  type SightingQuery,
  type Store,
} from '@proxsense/core';
import {
  encodeFrame,
  fileHeader,
  HEADER_BYTES,
  hasValidHeader,
  scanFrames,
  type InvalidRegion,
} from './frames.js';
import { decodeRecord, encodeRecord, keyEndMs, type StoreRecord } from './recordCodec.js';
import {
  decodeSegmentIndex,
  emptySummary,
  encodeSegmentIndex,
  idFingerprint,
  type SegmentSummary,
} from './segmentIndex.js';

/** Options of {@link FileStore.open}. */
export interface FileStoreOptions {
  /** Time span of one segment file, ms; default 1 h. Retention drops whole segments. */
  segmentMs?: number;
  /** `'append'` (default): each append call is durable when it returns. `'manual'`: on `commit()`. */
  sync?: 'append' | 'manual';
}

/** What opening the store found and repaired. */
export interface RecoveryReport {
  /** Segment files read in full because no valid index covered them. */
  segmentsScanned: number;
  /** Segment files opened from their index alone. */
  segmentsFromIndex: number;
  /** Torn tails cut off (bytes after the last valid record of a file). */
  tornTails: { file: string; bytes: number }[];
  /** Corrupt regions between valid records, skipped (left in place). */
  corruptRegions: { file: string; offset: number; bytes: number }[];
  /** Files with a damaged header, renamed to `*.unreadable` and not used. */
  unreadableFiles: string[];
  /** Segments older than the last prune mark, deleted (a prune interrupted by a crash). */
  segmentsFinishedPruning: number;
}

/** Running counts. */
export interface FileStoreStats {
  segments: number;
  batchesCommitted: number;
  recordsCommitted: number;
  /** Sightings or scans appended with a time before the prune mark: outside retention, not stored. */
  droppedBeforeRetention: number;
  /**
   * Damage found while reading a segment opened from its index (a bad header, a corrupt region, a cut):
   * the bad bytes are skipped, never returned; reopening the store reports and repairs them.
   */
  damagedReads: number;
}

const SEGMENT_PREFIX = 'seg-';
const SEGMENT_SUFFIX = '.pxs';
const META_FILE = 'meta.pxs';
const HOUR_MS = 3_600_000;

/** One append-only file: its descriptor while open, its valid length, the frames waiting to be written. */
class AppendFile {
  fd: number | undefined;
  pending: Uint8Array[] = [];
  pendingRecords = 0;
  unsynced = false;

  constructor(
    readonly path: string,
    public sizeBytes: number,
  ) {}

  /** Writes pending frames in one write (creating the file with its header if needed); true if it created it. */
  write(): boolean {
    if (this.pending.length === 0) return false;
    let created = false;
    if (this.fd === undefined) {
      created = this.sizeBytes === 0;
      this.fd = openSync(this.path, 'a');
      if (created) this.pending.unshift(fileHeader());
    }
    const total = this.pending.reduce((n, b) => n + b.length, 0);
    const buffer = new Uint8Array(total);
    let at = 0;
    for (const b of this.pending) {
      buffer.set(b, at);
      at += b.length;
    }
    let written = 0;
    while (written < total) written += writeSync(this.fd, buffer, written, total - written);
    this.sizeBytes += total;
    this.pending = [];
    this.unsynced = true;
    return created;
  }

  sync(): void {
    if (this.fd !== undefined && this.unsynced) fsyncSync(this.fd);
    this.unsynced = false;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

interface Segment {
  startMs: number;
  file: AppendFile;
  summary: SegmentSummary;
  /** A valid index on disk covers the file as it is. */
  indexed: boolean;
}

/** A file-backed Store in directory `dir`. Single writer: one process opens a directory at a time. */
export class FileStore implements Store {
  readonly recovery: RecoveryReport = {
    segmentsScanned: 0,
    segmentsFromIndex: 0,
    tornTails: [],
    corruptRegions: [],
    unreadableFiles: [],
    segmentsFinishedPruning: 0,
  };
  readonly stats: FileStoreStats = {
    segments: 0,
    batchesCommitted: 0,
    recordsCommitted: 0,
    droppedBeforeRetention: 0,
    damagedReads: 0,
  };
  private readonly segmentMs: number;
  private readonly syncMode: 'append' | 'manual';
  private readonly segments = new Map<number, Segment>();
  private readonly meta: AppendFile;
  private keys: DiagnosisKey[] = [];
  /** Everything before this time is deleted (the latest durable prune mark). */
  private pruneMarkMs = -Infinity;
  private createdFiles = false;
  private closed = false;

  private constructor(
    readonly dir: string,
    options: FileStoreOptions,
  ) {
    this.segmentMs = options.segmentMs ?? HOUR_MS;
    this.syncMode = options.sync ?? 'append';
    if (!(Number.isSafeInteger(this.segmentMs) && this.segmentMs >= 1000))
      throw new InputError('segmentMs', 'an integer ≥ 1000 (ms)', String(this.segmentMs));
    this.meta = new AppendFile(join(dir, META_FILE), 0);
  }

  /** Opens (creating if needed) the store in `dir`, recovering from any crash; see {@link recovery}. */
  static open(dir: string, options: FileStoreOptions = {}): FileStore {
    mkdirSync(dir, { recursive: true });
    const store = new FileStore(dir, options);
    store.recover();
    return store;
  }

  // ---- Store port -----------------------------------------------------------------------------

  appendSightings(sightings: readonly Sighting[]): void {
    for (const s of sightings) this.enqueue(s.timeMs, { type: 'sighting', sighting: s });
    if (this.syncMode === 'append') this.commit();
  }

  appendScans(scans: readonly ScanRecord[]): void {
    for (const s of scans) this.enqueue(s.startMs, { type: 'scan', scan: s });
    if (this.syncMode === 'append') this.commit();
  }

  appendOwnKey(key: DiagnosisKey): void {
    this.meta.pending.push(encodeFrame(checkedPayload({ type: 'ownKey', key })));
    this.meta.pendingRecords++;
    this.keys.push(key);
    if (this.syncMode === 'append') this.commit();
  }

  /** Stored sightings in `[fromMs, toMs)` (and of `id`), in time order; reads only the segments concerned. */
  querySightings({ fromMs = -Infinity, toMs = Infinity, id }: SightingQuery = {}): Sighting[] {
    const out: Sighting[] = [];
    const fingerprint = id && idFingerprint(id);
    for (const seg of this.segmentsIn(fromMs, toMs)) {
      if (
        seg.summary.sightings === 0 ||
        (fingerprint !== undefined && !seg.summary.fingerprints.has(fingerprint))
      )
        continue;
      for (const r of this.readSegment(seg)) {
        if (r.type !== 'sighting') continue;
        const s = r.sighting;
        if (
          s.timeMs >= fromMs &&
          s.timeMs < toMs &&
          s.timeMs >= this.pruneMarkMs &&
          (!id || bytesEqual(s.id, id))
        )
          out.push(s);
      }
    }
    return out.sort((a, b) => a.timeMs - b.timeMs);
  }

  /** Recorded scans starting in `[fromMs, toMs)`, in time order. */
  queryScans({
    fromMs = -Infinity,
    toMs = Infinity,
  }: { fromMs?: number; toMs?: number } = {}): ScanRecord[] {
    const out: ScanRecord[] = [];
    for (const seg of this.segmentsIn(fromMs, toMs)) {
      if (seg.summary.scans === 0) continue;
      for (const r of this.readSegment(seg)) {
        if (
          r.type === 'scan' &&
          r.scan.startMs >= fromMs &&
          r.scan.startMs < toMs &&
          r.scan.startMs >= this.pruneMarkMs
        )
          out.push(r.scan);
      }
    }
    return out.sort((a, b) => a.startMs - b.startMs);
  }

  /**
   * Deletes everything before `beforeMs`: a prune mark is made durable first (so a crash in the middle
   * finishes the prune on the next open), then whole segments before it are unlinked; the segment
   * straddling it keeps its older records on disk, hidden by the mark, until it is dropped in turn.
   * Returns how many sightings went.
   */
  pruneBefore(beforeMs: number): number {
    this.assertOpen();
    if (!(beforeMs > this.pruneMarkMs)) {
      // Nothing stored is older than the mark, but keys appended since may be: drop those, durably.
      if (!this.keys.some((k) => keyEndMs(k) < beforeMs)) return 0;
      this.meta.pending.push(encodeFrame(checkedPayload({ type: 'pruneMark', beforeMs })));
      this.meta.pendingRecords++;
      this.commit();
      this.keys = this.keys.filter((k) => keyEndMs(k) >= beforeMs);
      return 0;
    }
    this.writePending();
    let pruned = 0;
    const whole: Segment[] = [];
    for (const seg of this.sortedSegments()) {
      if (seg.startMs >= beforeMs) break;
      const wholly = seg.startMs + this.segmentMs <= beforeMs;
      if (wholly) whole.push(seg);
      if (wholly && seg.startMs >= this.pruneMarkMs) pruned += seg.summary.sightings;
      else if (seg.summary.sightings > 0) {
        for (const r of this.readSegment(seg))
          if (
            r.type === 'sighting' &&
            r.sighting.timeMs >= this.pruneMarkMs &&
            r.sighting.timeMs < beforeMs
          )
            pruned++;
      }
    }
    this.meta.pending.push(encodeFrame(checkedPayload({ type: 'pruneMark', beforeMs })));
    this.meta.pendingRecords++;
    this.commit();
    this.pruneMarkMs = beforeMs;
    this.keys = this.keys.filter((k) => keyEndMs(k) >= beforeMs);
    for (const seg of whole) this.dropSegment(seg);
    if (whole.length) this.syncDir();
    return pruned;
  }

  /** The device's own keys, less those a prune removed (keys and prune marks apply in append order). */
  ownKeys(): DiagnosisKey[] {
    return [...this.keys];
  }

  // ---- Durability -----------------------------------------------------------------------------

  /** Writes and fsyncs everything appended; returns how many records this batch made durable. */
  commit(): number {
    this.assertOpen();
    let records = 0;
    const touched: AppendFile[] = [];
    for (const file of [this.meta, ...[...this.segments.values()].map((s) => s.file)]) {
      if (file.pending.length === 0) continue;
      records += file.pendingRecords;
      file.pendingRecords = 0;
      if (file.write()) this.createdFiles = true;
      touched.push(file);
    }
    for (const file of touched) file.sync();
    if (this.createdFiles) this.syncDir();
    if (records) {
      this.stats.batchesCommitted++;
      this.stats.recordsCommitted += records;
    }
    // Segments this batch did not touch are done being written (time moves on): index and close them.
    for (const seg of this.segments.values())
      if (seg.file.fd !== undefined && !touched.includes(seg.file)) this.seal(seg);
    return records;
  }

  /** Commits, writes the index of every segment and closes the files. */
  close(): void {
    if (this.closed) return;
    this.commit();
    for (const seg of this.segments.values()) this.seal(seg);
    this.meta.close();
    this.closed = true;
  }

  // ---- Internals ------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new InputError('store', 'an open store', `closed store ${this.dir}`);
  }

  private enqueue(timeMs: number, record: StoreRecord): void {
    this.assertOpen();
    const payload = checkedPayload(record);
    if (timeMs < this.pruneMarkMs) {
      this.stats.droppedBeforeRetention++;
      return;
    }
    const startMs = Math.floor(timeMs / this.segmentMs) * this.segmentMs;
    let seg = this.segments.get(startMs);
    if (!seg) {
      seg = {
        startMs,
        file: new AppendFile(this.segmentPath(startMs), 0),
        summary: emptySummary(0),
        indexed: false,
      };
      this.segments.set(startMs, seg);
      this.stats.segments = this.segments.size;
    }
    seg.file.pending.push(encodeFrame(payload));
    seg.file.pendingRecords++;
    seg.indexed = false;
    count(seg.summary, record);
  }

  private segmentPath(startMs: number): string {
    return join(this.dir, `${SEGMENT_PREFIX}${String(startMs).padStart(15, '0')}${SEGMENT_SUFFIX}`);
  }

  private sortedSegments(): Segment[] {
    return [...this.segments.values()].sort((a, b) => a.startMs - b.startMs);
  }

  private segmentsIn(fromMs: number, toMs: number): Segment[] {
    this.assertOpen();
    this.writePending();
    const from = Math.max(fromMs, this.pruneMarkMs);
    return this.sortedSegments().filter(
      (s) => s.startMs < toMs && s.startMs + this.segmentMs > from,
    );
  }

  /** Makes appended records readable (written, not necessarily fsynced). */
  private writePending(): void {
    for (const file of [this.meta, ...[...this.segments.values()].map((s) => s.file)])
      if (file.write()) this.createdFiles = true;
  }

  private readSegment(seg: Segment): StoreRecord[] {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(seg.file.path);
    } catch {
      return [];
    }
    const scan = scanFrames(bytes.subarray(0, seg.file.sizeBytes));
    if (scan.corrupt.length || scan.tornTail || bytes.length < seg.file.sizeBytes)
      this.stats.damagedReads++;
    return scan.records;
  }

  private seal(seg: Segment): void {
    seg.file.close();
    if (seg.indexed) return;
    seg.summary.coveredBytes = seg.file.sizeBytes;
    const path = `${seg.file.path}.idx`;
    writeFileSync(`${path}.tmp`, encodeSegmentIndex(seg.summary));
    renameSync(`${path}.tmp`, path);
    seg.indexed = true;
  }

  private dropSegment(seg: Segment): void {
    seg.file.close();
    for (const p of [seg.file.path, `${seg.file.path}.idx`]) if (existsSync(p)) unlinkSync(p);
    this.segments.delete(seg.startMs);
    this.stats.segments = this.segments.size;
  }

  private syncDir(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.createdFiles = false;
  }

  /** Reads the meta file and every segment, cutting torn tails; finishes an interrupted prune. */
  private recover(): void {
    const meta = this.recoverFile(this.meta.path);
    if (meta) {
      this.meta.sizeBytes = meta.validEndBytes;
      for (const r of meta.records) {
        if (r.type === 'ownKey') this.keys.push(r.key);
        else if (r.type === 'pruneMark') {
          this.pruneMarkMs = Math.max(this.pruneMarkMs, r.beforeMs);
          this.keys = this.keys.filter((k) => keyEndMs(k) >= r.beforeMs);
        }
      }
    }
    for (const name of readdirSync(this.dir).sort()) {
      const m = /^seg-(\d{15})\.pxs$/.exec(name);
      if (!m) continue;
      const startMs = Number(m[1]);
      const path = join(this.dir, name);
      if (startMs + this.segmentMs <= this.pruneMarkMs) {
        for (const p of [path, `${path}.idx`]) if (existsSync(p)) unlinkSync(p);
        this.recovery.segmentsFinishedPruning++;
        continue;
      }
      const sizeBytes = statSync(path).size;
      const index = readIndex(`${path}.idx`);
      if (index && index.coveredBytes === sizeBytes && sizeBytes >= HEADER_BYTES) {
        this.segments.set(startMs, {
          startMs,
          file: new AppendFile(path, sizeBytes),
          summary: index,
          indexed: true,
        });
        this.recovery.segmentsFromIndex++;
        continue;
      }
      const scan = this.recoverFile(path);
      if (!scan) continue;
      this.recovery.segmentsScanned++;
      const summary = emptySummary(scan.validEndBytes);
      for (const r of scan.records) count(summary, r);
      this.segments.set(startMs, {
        startMs,
        file: new AppendFile(path, scan.validEndBytes),
        summary,
        indexed: false,
      });
    }
    if (this.recovery.segmentsFinishedPruning) this.syncDir();
    this.stats.segments = this.segments.size;
  }

  /**
   * Scans one file, truncating a torn tail (a file cut during creation starts over empty). A file with a
   * damaged header is renamed aside and `undefined` returned; a missing one reads as empty.
   */
  private recoverFile(path: string): { records: StoreRecord[]; validEndBytes: number } | undefined {
    if (!existsSync(path)) return { records: [], validEndBytes: 0 };
    const bytes = new Uint8Array(readFileSync(path));
    const name = path.slice(this.dir.length + 1);
    if (!hasValidHeader(bytes) && bytes.length > HEADER_BYTES) {
      renameSync(path, `${path}.unreadable`);
      this.recovery.unreadableFiles.push(name);
      return undefined;
    }
    const scan = scanFrames(bytes);
    for (const c of scan.corrupt) this.recovery.corruptRegions.push({ file: name, ...c });
    if (scan.tornTail) {
      this.recovery.tornTails.push({ file: name, bytes: scan.tornTail.bytes });
      truncateTo(path, scan.validEndBytes);
    }
    return { records: scan.records, validEndBytes: scan.validEndBytes };
  }
}

/** Cuts a file to `bytes` and fsyncs it, so the cut survives the next crash too. */
function truncateTo(path: string, bytes: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readIndex(path: string): SegmentSummary | undefined {
  try {
    return decodeSegmentIndex(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function count(summary: SegmentSummary, r: StoreRecord): void {
  let t: number;
  if (r.type === 'sighting') {
    summary.sightings++;
    summary.fingerprints.add(idFingerprint(r.sighting.id));
    t = r.sighting.timeMs;
  } else if (r.type === 'scan') {
    summary.scans++;
    t = r.scan.startMs;
  } else return;
  if (t < summary.minMs) summary.minMs = t;
  if (t > summary.maxMs) summary.maxMs = t;
}

/** Encodes a record and checks it reads back, so nothing is stored that the reader would refuse. */
function checkedPayload(record: StoreRecord): Uint8Array {
  let payload: Uint8Array;
  try {
    payload = encodeRecord(record);
  } catch {
    payload = new Uint8Array(0);
  }
  if (payload.length === 0 || !decodeRecord(payload))
    throw new InputError(
      record.type,
      `a valid ${record.type} (IDs of the scheme's length, times ≥ 0, RSSI −127…20 dBm)`,
      'a value the store cannot hold',
    );
  return payload;
}

export type { InvalidRegion };
