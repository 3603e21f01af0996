/**
 * The air between virtual radios. Advertisers register what they broadcast; a scanner's open window is
 * served in chunks (after a mobility step once at least {@link MIN_CHUNK_MS} are due, and the remainder
 * when the scan closes; a GAEN scan is one chunk): for every advertiser in
 * range that advertised during the chunk, the number of adverts it sent is drawn, each survives collisions
 * and the scanner's duty cycle or not, gets its own fast fading on top of the link's median and shadowing,
 * and is kept if above the sensitivity floor. The chunk reaches the firmware as one `ReceivedAdvertBatch`
 * (each advertiser heard, its receptions and their RSSI sum). Only scanners with an open window cost
 * anything.
 *
 * The per-advert loop is the simulator's hottest code: each scanner has its own xoshiro128+ state in a
 * typed array (seeded from its channel stream), and one 32-bit draw per advert decides both collision
 * survival and, rescaled, the fast fading through the normal quantile, so an advert costs one generator
 * step. Serving order among scanners does not matter: each consumes only its own stream.
 * @module
 */
import {
  ID_SCHEME_CODE,
  decodePayload,
  type DecodedAdvert,
  type Radio,
  type ReceivedAdvertBatch,
  type Scheduler,
  roundHalfUp,
} from '@proxsense/core';
import type { Channel } from '../channel/channel.js';
import type { MoveLog } from '../grid/moveLog.js';
import { PackedGrid } from '../grid/packedGrid.js';
import type { Movers } from '../mobility/movers.js';
import type { Population } from '../people/population.js';
import type { RandomStream } from '../random/streams.js';
import type { IdTable } from '../store/idTable.js';
import { ensureLength } from '../util/growable.js';
import type { Walls } from '../world/walls.js';
import {
  NORMAL_TABLE,
  NORMAL_TABLE_BINS,
  normalQuantile,
  tableCrossing,
} from '../random/normal.js';
import { ScanTruth, ScanTruthColumns } from './scanTruth.js';

/**
 * Shortest chunk of a scan served after a mobility step. Geometry (distances, walls) is taken once per
 * chunk: over 4 s people move at most ~6 m, against a 40 m range and shadowing that decorrelates over
 * 90 s, while serving every 1 s step would redo the whole link budget four times per GAEN scan. Every
 * advert of the chunk is still sampled, one by one; each delivery says when its first reception was.
 */
export const MIN_CHUNK_MS = 4000;

/**
 * What serving a scan reads of each advertiser, as one record of REC doubles per person (one cache
 * line): at a district's size, separate per-person columns would cost a cache miss each per link.
 */
const REC = 8;
const R_ON_SINCE_MS = 0;
const R_OFF_AT_MS = 1;
/**
 * One 29-bit word: the flags (F_*, bits 0–2), the scheme code of the ID advertised (bits 3–4, 0: none
 * of ours) and its head (`idHead`, 24 bits) above them. Serving a link reads all three off the record's
 * cache line, which gathering the candidates brought in: as columns of their own they cost a cache miss
 * each per link at a district's size.
 */
const R_FLAGS = 2;
/** The advertiser's end of the link budget: carry loss − unit TX offset, dB. */
const R_TX_SIDE_LOSS_DB = 3;
/** Position and venue (in this order: Walls reads them so), copied from the movers for those who moved. */
const R_X_M = 4;
const R_Y_M = 5;
const R_VENUE = 6;
/** Index of the ID it advertises in the run's IdTable (−1: none of ours). */
const R_ID_INDEX = 7;
const F_HAS_PAYLOAD = 1;
const F_ADVERTISING = 2;
/** A background iPhone (app-based schemes cannot link two of them). */
const F_IOS_BACKGROUND = 4;
const FLAG_MASK = 7;
const SCHEME_SHIFT = 3;
const SCHEME_MASK = 3 << SCHEME_SHIFT;
const HEAD_SHIFT = 5;

/**
 * Records are laid out again in the Z-order of where people are now this often (simulated ms): people
 * drift from where they were (to work, to a venue), and a scan's advertisers should stay close in memory.
 */
const REORDER_EVERY_MS = 300_000;
/** How the air decodes payloads (see `usePayload`). */
const VIEWS = { views: true } as const;
/** Above every Morton code of two 16-bit cell numbers: absent people sort last. */
const ABSENT_CODE = 2 ** 32;

/**
 * People in Z-order of the grid cell they are in (ties by person; absent people last): slot → person.
 */
function spatialOrder(movers: Movers, cellM: number): Int32Array {
  const n = movers.count;
  const code = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const x = movers.xM[p]!;
    const y = movers.yM[p]!;
    code[p] =
      movers.present[p] && Number.isFinite(x) && Number.isFinite(y)
        ? mortonCode(Math.max(0, Math.floor(x / cellM)), Math.max(0, Math.floor(y / cellM)))
        : ABSENT_CODE;
  }
  const order = new Int32Array(n);
  if ((ABSENT_CODE + 1) * n <= Number.MAX_SAFE_INTEGER) {
    // One native sort of exact doubles code · n + person (the comparator sort costs ten times more).
    for (let p = 0; p < n; p++) code[p] = code[p]! * n + p;
    code.sort();
    for (let slot = 0; slot < n; slot++) order[slot] = code[slot]! % n;
    return order;
  }
  for (let p = 0; p < n; p++) order[p] = p;
  return order.sort((a, b) => code[a]! - code[b]! || a - b);
}

/** Moves entry i of `column` to `newSlot[i]` (a permutation of its indices). */
function permute<T>(column: { [i: number]: T; slice(): ArrayLike<T> }, newSlot: Int32Array): void {
  const old = column.slice();
  for (let slot = 0; slot < newSlot.length; slot++) column[newSlot[slot]!] = old[slot] as T;
}

/** The Z-order (Morton) code of a cell: the low 16 bits of col and row interleaved (col's even). */
export function mortonCode(col: number, row: number): number {
  return spreadBits(col) + 2 * spreadBits(row);
}

/** The low 16 bits of x moved to the even bit positions of a 32-bit word. */
function spreadBits(x: number): number {
  let v = x & 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  return (v | (v << 1)) & 0x55555555;
}

/** Counts for the run's summary and the benchmarks. */
export interface AirCounters {
  /** Adverts sent towards open scanners in range (before collisions and the floor). */
  advertsSampled: number;
  advertsLostCollision: number;
  advertsBelowSensitivity: number;
  advertsDelivered: number;
  /** Links skipped because both ends were background iPhones (app-based schemes). */
  linksBlockedIos: number;
  /** Batched deliveries to the firmware (one per advertiser heard per chunk of a scan). */
  deliveries: number;
  /** Chunks served (one per open scan per mobility step, and one at each scan's close). */
  chunks: number;
  /** Advertisers in range considered over all chunks. */
  candidates: number;
}

export interface AirOptions {
  movers: Movers;
  population: Population;
  channel: Channel;
  /** The area and the grid cells of range queries, m. */
  widthM: number;
  heightM: number;
  cellM: number;
  walls: Walls;
  ids: IdTable;
  scheduler: Scheduler;
  /** Phones of this run, by person (undefined: no app). */
  channelRandom: (RandomStream | undefined)[];
  /** App-based schemes (Bluezone): background iPhones cannot see each other. */
  iosBackgroundLimit: boolean;
  runStartMs: number;
  /**
   * How often the records are laid out again in the Z-order of where people are, simulated ms (default
   * 5 min; Infinity: never). Memory layout only: it never changes what a scan hears.
   */
  reorderEveryMs?: number;
}

export class Air {
  readonly counters: AirCounters = {
    advertsSampled: 0,
    advertsLostCollision: 0,
    advertsBelowSensitivity: 0,
    advertsDelivered: 0,
    linksBlockedIos: 0,
    deliveries: 0,
    chunks: 0,
    candidates: 0,
  };
  private readonly radios: (VirtualRadio | undefined)[];
  /** What each advertiser broadcasts now (by slot): its payload and core's decoding of it, once for all (no cache: this is where it is kept). */
  private readonly payload: (Uint8Array | undefined)[];
  private readonly decoded: (DecodedAdvert | undefined)[];
  /**
   * Per person, REC doubles (see R_*), at the person's slot: slots follow a Z-order curve over where
   * people are (laid out again every 5 simulated minutes), so the advertisers a scanner reads sit
   * near each other in memory (at a district's size, records in person order would cost a cache miss
   * per link).
   */
  private readonly rec: Float64Array;
  private readonly slotOf: Int32Array;
  private personAt: Int32Array;
  private orderedAtMs = 0;
  /** Who is where, for a scanner's range query (reads positions from the records). */
  private readonly grid: PackedGrid;
  private readonly scanning: Uint8Array;
  private readonly deliveredToMs: Float64Array;
  /** Open scanners (unordered) and each one's place in that list. */
  private readonly openScanners: Int32Array;
  private openCount = 0;
  private readonly openSlot: Int32Array;
  /** Per scanner, 4 words of xoshiro128+ state. */
  private readonly rngState: Int32Array;
  /**
   * Truth per open (or just closed) scan that got a delivery: each ID heard, its index and distance at
   * the first reception.
   */
  private readonly scanTruth: (ScanTruth | undefined)[];
  /** Scanners whose scan closed since the last tick, and truth objects free for the next scans to reuse. */
  private closedScanners: number[] = [];
  private readonly freeTruth: ScanTruth[] = [];
  /** The columns every scan's truth keeps its entries in. */
  private readonly truthColumns = new ScanTruthColumns();
  /** One batch reused for every delivery (the firmware reads it during the call only). */
  private readonly batch = {
    count: 0,
    payload: [] as Uint8Array[],
    decoded: [] as DecodedAdvert[],
    receptions: new Uint32Array(256),
    rssiSumDbm: new Float64Array(256),
    firstAtMs: new Float64Array(256),
    idScheme: new Uint8Array(256),
    idHead: new Int32Array(256),
    idTag: new Int32Array(256),
  };
  // Scratch for one chunk: candidates, their distances, and the RSSI samples of one advertiser.
  private candidates = new Uint32Array(256);
  private candidatePerson = new Uint32Array(256);
  private candidateDistanceM = new Float64Array(256);
  private candidateAdvertisedMs = new Float64Array(256);
  private candidateSent = new Uint32Array(256);
  private candidateMedianDbm = new Float64Array(256);
  private readonly rangeM: number;
  private readonly tailQuantile = new Float64Array(1);
  /** One link's draws kept for their fading (see sampleAndDeliver). */
  private keptDraws = new Uint32Array(64);

  /** The options (the channel streams left out: read once, to seed the generators). */
  private readonly o: Omit<AirOptions, 'channelRandom'>;

  constructor(options: AirOptions) {
    const { channelRandom, ...o } = options;
    this.o = o;
    const n = o.movers.count;
    this.radios = new Array<VirtualRadio | undefined>(n);
    this.payload = new Array<Uint8Array | undefined>(n);
    this.decoded = new Array<DecodedAdvert | undefined>(n);
    this.rec = new Float64Array(REC * n);
    this.personAt = spatialOrder(o.movers, o.cellM);
    this.slotOf = new Int32Array(n);
    for (let slot = 0; slot < n; slot++) this.slotOf[this.personAt[slot]!] = slot;
    const { population } = o;
    for (let p = 0; p < n; p++) {
      const r = REC * this.slotOf[p]!;
      this.rec[r + R_OFF_AT_MS] = -Infinity;
      this.rec[r + R_FLAGS] = population.ios[p] && !population.foreground[p] ? F_IOS_BACKGROUND : 0;
      this.rec[r + R_TX_SIDE_LOSS_DB] = population.carryLossDb[p]! - population.txOffsetDb[p]!;
      this.rec[r + R_ID_INDEX] = -1;
    }
    this.grid = new PackedGrid(
      o.widthM,
      o.heightM,
      o.cellM,
      n,
      { records: this.rec, stride: REC, xOffset: R_X_M, yOffset: R_Y_M },
      { packOrder: this.slotOf },
    );
    this.scanning = new Uint8Array(n);
    this.deliveredToMs = new Float64Array(n);
    this.scanTruth = new Array<ScanTruth | undefined>(n);
    this.rangeM = o.channel.spec.maxRangeM;
    // The slots were just laid out where people are: the first re-lay is due one interval on.
    this.orderedAtMs = o.scheduler.nowMs();
    this.openScanners = new Int32Array(n);
    this.openSlot = new Int32Array(n).fill(-1);
    this.rngState = new Int32Array(4 * n);
    for (let p = 0; p < n; p++) {
      const r = channelRandom[p];
      if (!r) continue;
      for (let w = 0; w < 4; w++) this.rngState[4 * p + w] = r.nextUint32() | 0;
      if (
        (this.rngState[4 * p]! |
          this.rngState[4 * p + 1]! |
          this.rngState[4 * p + 2]! |
          this.rngState[4 * p + 3]!) ===
        0
      )
        this.rngState[4 * p] = 1;
    }
  }

  /** The Radio port of person p's phone. */
  radioFor(p: number): VirtualRadio {
    return (this.radios[p] ??= new VirtualRadio(p, this));
  }

  /**
   * The truth of `scanner`'s open or just closed scan (until the next tick): what its store reads when
   * the firmware stores the scan's sightings.
   */
  scanTruthOf(scanner: number): ScanTruth | undefined {
    return this.scanTruth[scanner];
  }

  /** Indexes everyone present (at the start). */
  build(): void {
    const { xM, yM, present, count } = this.o.movers;
    for (let p = 0; p < count; p++) {
      this.place(p);
      this.grid.placeAt(this.slotOf[p]!, xM[p]!, yM[p]!, present[p] === 1);
    }
    this.grid.repack();
  }

  /** Re-indexes those who moved or changed venue (after each mobility step, before any scan is served). */
  update(moves: MoveLog): void {
    const { xM, yM, present } = this.o.movers;
    const { moved, movedCount, venueChanged, venueChangedCount } = moves;
    // In the movers' order: the grid's lists, and so the order a scan finds its advertisers, follow it.
    for (let i = 0; i < movedCount; i++) {
      const p = moved[i]!;
      this.place(p);
      this.grid.placeAt(this.slotOf[p]!, xM[p]!, yM[p]!, present[p] === 1);
    }
    this.grid.repackIfDue();
    for (let i = 0; i < venueChangedCount; i++) this.place(venueChanged[i]!);
    const now = this.o.scheduler.nowMs();
    if (now - this.orderedAtMs >= (this.o.reorderEveryMs ?? REORDER_EVERY_MS)) {
      this.orderedAtMs = now;
      this.reorder();
    }
  }

  /**
   * Moves every record (and payload, decoding and grid entry) to the slot of its person's place in the
   * Z-order of where people are now. The grid keeps its runs and lists in the same order, so every scan
   * is served exactly as before: only where things sit in memory changes.
   */
  private reorder(): void {
    const personAt = spatialOrder(this.o.movers, this.o.cellM);
    const n = personAt.length;
    const newSlot = new Int32Array(n);
    for (let slot = 0; slot < n; slot++) newSlot[this.slotOf[personAt[slot]!]!] = slot;
    const old = this.rec.slice();
    for (let slot = 0; slot < n; slot++) {
      const to = REC * newSlot[slot]!;
      for (let k = 0; k < REC; k++) this.rec[to + k] = old[REC * slot + k]!;
    }
    permute(this.payload, newSlot);
    permute(this.decoded, newSlot);
    this.grid.renumber(newSlot);
    this.personAt = personAt;
    for (let slot = 0; slot < n; slot++) this.slotOf[personAt[slot]!] = slot;
  }

  private place(p: number): void {
    const r = REC * this.slotOf[p]!;
    const { xM, yM, venue } = this.o.movers;
    this.rec[r + R_X_M] = xM[p]!;
    this.rec[r + R_Y_M] = yM[p]!;
    this.rec[r + R_VENUE] = venue[p]!;
  }

  /** Person p advertises `payload` (its random address plays no part in the simulated air). */
  advertise(p: number, payload: Uint8Array): void {
    const slot = this.slotOf[p]!;
    const r = REC * slot;
    const rec = this.rec;
    // The same payload again (advertising back on after an off phase): its decoding and ID stand.
    if (this.payload[slot] !== payload) this.usePayload(p, slot, payload);
    const word = rec[r + R_FLAGS]!;
    if (!(word & F_ADVERTISING)) rec[r + R_ON_SINCE_MS] = this.o.scheduler.nowMs();
    rec[r + R_FLAGS] = word | F_ADVERTISING | F_HAS_PAYLOAD;
  }

  /**
   * Decodes a new payload once for every scanner (payloads are the firmware's and never change: the ID
   * and AEM are views of it) and keeps it, its decoding and its ID at p's slot.
   */
  private usePayload(p: number, slot: number, payload: Uint8Array): void {
    const decoded = decodePayload(payload, VIEWS);
    const r = REC * slot;
    const rec = this.rec;
    const flags = rec[r + R_FLAGS]! & FLAG_MASK;
    if (decoded.kind === 'gaen' || decoded.kind === 'bluezone') {
      rec[r + R_ID_INDEX] = this.o.ids.intern(decoded.id, p, decoded.aem);
      rec[r + R_FLAGS] =
        (decoded.head << HEAD_SHIFT) | (ID_SCHEME_CODE[decoded.kind] << SCHEME_SHIFT) | flags;
    } else {
      rec[r + R_ID_INDEX] = -1;
      rec[r + R_FLAGS] = flags;
    }
    this.payload[slot] = payload;
    this.decoded[slot] = decoded;
  }

  stopAdvertising(p: number): void {
    const r = REC * this.slotOf[p]!;
    const word = this.rec[r + R_FLAGS]!;
    if (!(word & F_ADVERTISING)) return;
    this.rec[r + R_FLAGS] = word & ~F_ADVERTISING;
    this.rec[r + R_OFF_AT_MS] = this.o.scheduler.nowMs();
  }

  openScan(p: number): void {
    if (this.scanning[p]) return;
    this.scanning[p] = 1;
    this.deliveredToMs[p] = this.o.scheduler.nowMs();
    // The scan's truth comes from the pool at its first delivery (see deliver).
    this.scanTruth[p]?.clear();
    this.openSlot[p] = this.openCount;
    this.openScanners[this.openCount++] = p;
  }

  closeScan(p: number): void {
    if (!this.scanning[p]) return;
    this.deliver(p, this.o.scheduler.nowMs());
    this.scanning[p] = 0;
    const slot = this.openSlot[p]!;
    const last = this.openScanners[--this.openCount]!;
    this.openScanners[slot] = last;
    this.openSlot[last] = slot;
    this.openSlot[p] = -1;
    this.closedScanners.push(p);
  }

  /** Serves every open scan up to now (called after each mobility step). */
  tick(): void {
    // Scans closed since the last tick have stored their sightings (and read their truth): their maps
    // go back to the pool, so only open scans hold one.
    for (const p of this.closedScanners) {
      const truth = this.scanTruth[p];
      if (this.scanning[p] || !truth) continue;
      truth.clear();
      this.freeTruth.push(truth);
      this.scanTruth[p] = undefined;
    }
    this.closedScanners.length = 0;
    const now = this.o.scheduler.nowMs();
    for (let i = 0; i < this.openCount; i++) {
      const p = this.openScanners[i]!;
      if (now - this.deliveredToMs[p]! >= MIN_CHUNK_MS) this.deliver(p, now);
    }
  }

  /** Milliseconds of [fromMs, toMs) during which `a` (its record at `r`, flags `flags`) advertised. */
  private advertisedMs(r: number, flags: number, fromMs: number, toMs: number): number {
    const since = this.rec[r + R_ON_SINCE_MS]!;
    if (flags & F_ADVERTISING) return toMs - (since > fromMs ? since : fromMs);
    const off = this.rec[r + R_OFF_AT_MS]!;
    const end = off < toMs ? off : toMs;
    const start = since > fromMs ? since : fromMs;
    return end > start ? end - start : 0;
  }

  /**
   * Serves scanner s's window from its last delivery to `toMs`, in three small passes (small, so the
   * compiler inlines their callees and no double is boxed per advert): who is in range, each link's
   * advert count and median RSSI, then every advert sampled and each advertiser's receptions delivered.
   */
  private deliver(s: number, toMs: number): void {
    const fromMs = this.deliveredToMs[s]!;
    this.deliveredToMs[s] = toMs;
    if (toMs <= fromMs || !this.o.movers.present[s]) return;
    const n = this.gatherCandidates(s, fromMs, toMs);
    this.counters.chunks++;
    this.counters.candidates += n;
    if (n === 0) return;
    // Taken now, not when the scan opened: one just given back is still in the caches, where one
    // held through the scan was pushed out by the crowd's other scans.
    (this.scanTruth[s] ??= this.freeTruth.pop() ?? new ScanTruth(this.truthColumns)).beginChunk();
    this.linkBudgets(s, n, fromMs, toMs);
    this.sampleAndDeliver(s, n, fromMs);
  }

  /** Pass 1: advertisers in range that advertised during the chunk (their count drives collisions). */
  private gatherCandidates(s: number, fromMs: number, toMs: number): number {
    const { grid, rec, personAt } = this;
    // Candidates are slots (their records); candidatePerson names them for the shadowing hash.
    const self = this.slotOf[s]!;
    const rs = REC * self;
    const blockIos = this.o.iosBackgroundLimit && (rec[rs + R_FLAGS]! & F_IOS_BACKGROUND) !== 0;
    let n = 0;
    const inRange = grid.within(rec[rs + R_X_M]!, rec[rs + R_Y_M]!, this.rangeM);
    const found = grid.found;
    const foundDistance2 = grid.foundDistance2;
    for (let k = 0; k < inRange; k++) {
      const a = found[k]!;
      const r = REC * a;
      const flags = rec[r + R_FLAGS]!;
      if (!(flags & F_HAS_PAYLOAD) || a === self) continue;
      const advertisedMs = this.advertisedMs(r, flags, fromMs, toMs);
      if (advertisedMs <= 0) continue;
      if (blockIos && flags & F_IOS_BACKGROUND) {
        this.counters.linksBlockedIos++;
        continue;
      }
      if (n === this.candidates.length) this.growCandidates(n + 1);
      this.candidates[n] = a;
      this.candidatePerson[n] = personAt[a]!;
      this.candidateDistanceM[n] = Math.sqrt(foundDistance2[k]!);
      this.candidateAdvertisedMs[n] = advertisedMs;
      n++;
    }
    return n;
  }

  /** Pass 2: adverts each candidate sent in the chunk (a random phase against its interval) and the link's median RSSI. */
  private linkBudgets(s: number, n: number, fromMs: number, toMs: number): void {
    const { population, channel, walls } = this.o;
    const rec = this.rec;
    const rs = REC * this.slotOf[s]!;
    const extraLossS = population.carryLossDb[s]! - population.rxOffsetDb[s]!;
    const intervalMs = channel.spec.advertIntervalMs;
    const tS = ((fromMs + toMs) / 2 - this.o.runStartMs) / 1000;
    const {
      candidates,
      candidateDistanceM,
      candidateAdvertisedMs,
      candidateSent,
      candidateMedianDbm,
    } = this;
    const state = this.rngState;
    const o4 = 4 * s;
    let s0 = state[o4]!;
    let s1 = state[o4 + 1]!;
    let s2 = state[o4 + 2]!;
    let s3 = state[o4 + 3]!;
    for (let i = 0; i < n; i++) {
      const r = (s0 + s3) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      // A non-negative count well below 2³¹: truncation is the floor.
      const sent = (candidateAdvertisedMs[i]! / intervalMs + r / 4294967296) | 0;
      candidateSent[i] = sent;
      if (sent === 0) continue;
      const ra = REC * candidates[i]!;
      candidateMedianDbm[i] = rec[ra + R_TX_SIDE_LOSS_DB]! + extraLossS;
      if (walls.count)
        walls.addLossBetweenRecordsDb(rec, ra + R_X_M, rs + R_X_M, candidateMedianDbm, i);
    }
    state[o4] = s0;
    state[o4 + 1] = s1;
    state[o4 + 2] = s2;
    state[o4 + 3] = s3;
    channel.linkMediansDbm(
      s,
      this.candidatePerson,
      candidateDistanceM,
      candidateSent,
      candidateMedianDbm,
      n,
      tS,
    );
  }

  /** Pass 3: every advert survives collisions or not, gets its fast fading, is kept above the floor; one delivery per advertiser. */
  private sampleAndDeliver(s: number, n: number, fromMs: number): void {
    const channel = this.o.channel;
    // Survival as a threshold on one unsigned 32-bit draw; a surviving draw rescaled below it is uniform.
    const threshold = channel.survivalProbability(n - 1) * 4294967296;
    const toUnit = NORMAL_TABLE_BINS / threshold;
    const sigmaDb = channel.spec.fastFadingSigmaDb;
    const floorDbm = channel.spec.sensitivityDbm;
    const table = NORMAL_TABLE;
    const tail = this.tailQuantile;
    const truth = this.scanTruth[s]!;
    const counters = this.counters;
    const batch = this.batch;
    const { candidates, candidateDistanceM, candidateSent, candidateMedianDbm } = this;
    const { receptions, rssiSumDbm, firstAtMs, idScheme, idHead, idTag } = batch;
    let keptDraws = this.keptDraws;
    const rec = this.rec;
    const state = this.rngState;
    const o4 = 4 * s;
    let s0 = state[o4]!;
    let s1 = state[o4 + 1]!;
    let s2 = state[o4 + 2]!;
    let s3 = state[o4 + 3]!;
    let sampled = 0;
    let lost = 0;
    let below = 0;
    let delivered = 0;
    let entries = 0;
    for (let i = 0; i < n; i++) {
      const sent = candidateSent[i]!;
      if (sent === 0) continue;
      sampled += sent;
      const medianDbm = candidateMedianDbm[i]!;
      // Draws below this one are below the floor, known without their fading: their quantile is under
      // the z at which the link's RSSI rounds to the floor (a hair under it: the full path decides the
      // draws around the crossing, so every advert comes out as it would).
      const floorZ = (floorDbm - 0.5 - medianDbm) / sigmaDb;
      const belowR = Math.floor(
        tableCrossing(floorZ - 1e-9 * (1 + Math.abs(floorZ))) / toUnit - 0.5,
      );
      // First every draw, sorted branch-free (lost to a collision, known below the floor, or kept for
      // its fading): the two tests are coin tosses a branch predictor cannot learn.
      if (sent > keptDraws.length) keptDraws = this.keptDraws = new Uint32Array(2 * sent);
      let lostHere = 0;
      let kept = 0;
      for (let k = 0; k < sent; k++) {
        const r = (s0 + s3) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const survives = +(r < threshold);
        lostHere += 1 - survives;
        keptDraws[kept] = r;
        kept += survives & +(r >= belowR);
      }
      lost += lostHere;
      below += sent - lostHere - kept;
      let got = 0;
      let sumDbm = 0;
      for (let k = 0; k < kept; k++) {
        const r = keptDraws[k]!;
        // Fast fading: the normal quantile of the rescaled draw, interpolated in a table (exact in the
        // outermost bins); phones report whole dBm.
        const x = (r + 0.5) * toUnit;
        const bin = x | 0;
        let z = table[bin]! + (x - bin) * (table[bin + 1]! - table[bin]!);
        if (bin < 1 || bin >= NORMAL_TABLE_BINS - 1) {
          // Through a typed array, so z stays an unboxed double (a call result here would make the
          // compiler box every advert's z).
          tail[0] = normalQuantile(x / NORMAL_TABLE_BINS);
          z = tail[0]!;
        }
        const rssi = roundHalfUp(medianDbm + sigmaDb * z);
        if (rssi < floorDbm) {
          below++;
          continue;
        }
        got++;
        sumDbm += rssi;
      }
      if (got === 0) continue;
      delivered += got;
      const a = candidates[i]!;
      const word = rec[REC * a + R_FLAGS]!;
      const scheme = (word & SCHEME_MASK) >> SCHEME_SHIFT;
      const head = word >> HEAD_SHIFT;
      const idIndex = rec[REC * a + R_ID_INDEX]!;
      // The ID's truth entry is its tag (none of ours: the index, −1).
      const tag = scheme !== 0 ? truth.record(idIndex, candidateDistanceM[i]!) : idIndex;
      batch.payload[entries] = this.payload[a]!;
      batch.decoded[entries] = this.decoded[a]!;
      idScheme[entries] = scheme;
      idHead[entries] = head;
      idTag[entries] = tag;
      receptions[entries] = got;
      rssiSumDbm[entries] = sumDbm;
      firstAtMs[entries] = fromMs;
      entries++;
    }
    state[o4] = s0;
    state[o4 + 1] = s1;
    state[o4 + 2] = s2;
    state[o4 + 3] = s3;
    counters.advertsSampled += sampled;
    counters.advertsLostCollision += lost;
    counters.advertsBelowSensitivity += below;
    counters.advertsDelivered += delivered;
    counters.deliveries += entries;
    if (entries === 0) return;
    batch.count = entries;
    this.radios[s]!.receiveBatch(batch);
    // The payload and decoded arrays keep their entries until the next batch overwrites them (only
    // the first `count` are valid): emptying them after each call made every batch regrow them, a
    // tenth of everything the run allocated.
  }

  private growCandidates(length: number): void {
    this.candidates = ensureLength(this.candidates, length);
    this.candidatePerson = ensureLength(this.candidatePerson, length);
    this.candidateDistanceM = ensureLength(this.candidateDistanceM, length);
    this.candidateAdvertisedMs = ensureLength(this.candidateAdvertisedMs, length);
    this.candidateSent = ensureLength(this.candidateSent, length);
    this.candidateMedianDbm = ensureLength(this.candidateMedianDbm, length);
    this.batch.receptions = ensureLength(this.batch.receptions, length);
    this.batch.rssiSumDbm = ensureLength(this.batch.rssiSumDbm, length);
    this.batch.firstAtMs = ensureLength(this.batch.firstAtMs, length);
    this.batch.idScheme = ensureLength(this.batch.idScheme, length);
    this.batch.idHead = ensureLength(this.batch.idHead, length);
    this.batch.idTag = ensureLength(this.batch.idTag, length);
  }
}

/**
 * A simulated phone's Radio port: it tells the air what the firmware does, and hands the firmware each
 * chunk of a scan as one batch (every advertiser heard, its receptions and their RSSI sum).
 */
export class VirtualRadio implements Radio {
  private batchHandler: ((batch: ReceivedAdvertBatch) => void) | undefined;
  constructor(
    readonly person: number,
    private readonly air: Air,
  ) {}
  startAdvertising(payload: Uint8Array): void {
    this.air.advertise(this.person, payload);
  }
  stopAdvertising(): void {
    this.air.stopAdvertising(this.person);
  }
  startScanning(): void {
    this.air.openScan(this.person);
  }
  stopScanning(): void {
    this.air.closeScan(this.person);
  }
  /** The air delivers in batches only (see {@link onAdvertBatch}); single adverts never come. */
  onAdvert(): void {}
  onAdvertBatch(handler: (batch: ReceivedAdvertBatch) => void): void {
    this.batchHandler = handler;
  }
  receiveBatch(batch: ReceivedAdvertBatch): void {
    if (!this.batchHandler)
      throw new Error(
        `internal: phone ${this.person}'s firmware takes no advert batches; the simulated air delivers only batches`,
      );
    this.batchHandler(batch);
  }
}
