/**
 * The proximity-sensing firmware: one event-driven state machine for every host. It rotates its ID and
 * random address together, advertises and scans on its profile's duty cycle, aggregates the adverts of
 * each scan into one sighting per ID, stores and prunes them, and on published diagnosis keys runs
 * matching and episodes and raises an exposure event.
 * @module
 */
import { encodeBluezoneAdvert, encodeGaenAdvert } from '../advert/codec.js';
import { slabBytes, slabCopy, slabRegion } from './byteSlab.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { pureCryptoProvider } from '../crypto/pure.js';
import { exposureWindows, scansFromSightings, type ExposureWindow } from '../episodes/builder.js';
import { contactsFromMatches } from '../episodes/fromMatches.js';
import type { EpisodeConfig } from '../episodes/config.js';
import { dailySummaries, type DailySummary } from '../episodes/summary.js';
import { InputError } from '../errors.js';
import {
  BLUEZONE_CHAIN_STORAGE_BYTES,
  BLUEZONE_DAY_MS,
  BLUEZONE_DEFAULT_IDS_PER_DAY,
  BluezoneIdChain,
  bluezoneSlotMs,
} from '../ids/bluezone/keySchedule.js';
import type { BluezoneDiagnosisKey, DiagnosisKey, GaenDiagnosisKey } from '../ids/diagnosisKey.js';
import { EN_INTERVAL_S, TEK_ROLLING_PERIOD } from '../ids/gaen/constants.js';
import {
  associatedEncryptedMetadata,
  associatedEncryptedMetadataKey,
  rollingProximityIdentifier,
  rollingProximityIdentifierKey,
} from '../ids/gaen/keySchedule.js';
import { encodeGaenMetadata } from '../ids/gaen/metadata.js';
import { Matcher, type Match } from '../matching/match.js';
import type { Random } from '../ports/random.js';
import type { Sighting } from '../sightings/sighting.js';
import {
  AdvertDecodeCache,
  ID_SCHEME_CODE,
  type DecodedAdvert,
  type DecodedId,
} from './advertCache.js';
import { roundHalfUp } from './roundHalfUp.js';
import { ScanAggregatePool, type ScanAggregates } from './scanAggregates.js';
import { sharedSettings, type FirmwareSharedSettings } from './sharedSettings.js';
import type {
  Radio,
  ReceivedAdvert,
  ReceivedAdvertBatch,
  Scheduler,
  Store,
  TimerHandle,
  TimerTarget,
} from './ports.js';
import type { FirmwareProfile } from './profiles.js';

/** Options of {@link Firmware}. */
export interface FirmwareOptions {
  profile: FirmwareProfile;
  radio: Radio;
  scheduler: Scheduler;
  random: Random;
  store: Store;
  /** Default: the pure-TS provider. */
  crypto?: CryptoProvider;
  /** Written as `scanner` into this device's sightings. */
  name?: string;
  /** Calibrated TX power advertised in GAEN metadata, dBm; default -24. */
  txPowerDbm?: number;
  /** Sightings and own keys older than this are deleted; default 14 days. */
  retentionDays?: number;
  /** Episodes settings for exposure checks. */
  episodeConfig?: Partial<EpisodeConfig>;
  /** Called when an exposure check finds matches. */
  onExposure?: (event: ExposureEvent) => void;
  /** Where decoded payloads are remembered; share one among many firmwares of one host (default: its own). */
  decodeCache?: AdvertDecodeCache;
  /**
   * Where a running scan aggregates what it hears; share one among many firmwares of one host (a
   * simulated crowd, where few phones scan at once) so each phone holds no scan buffers between scans.
   */
  scanPool?: ScanAggregatePool;
}

/** Result of an exposure check. */
export interface ExposureEvent {
  checkedAtMs: number;
  matches: Match[];
  windows: ExposureWindow[];
  summaries: DailySummary[];
  /** Some day with some contact was "too close for too long". */
  closeContact: boolean;
  /** The same by the Bluezone app's RSSI rule. */
  bluezoneCloseContact: boolean;
}

/** Running counts, for monitoring and tests. */
export interface FirmwareCounters {
  rotations: number;
  scans: number;
  advertsHeard: number;
  advertsLogged: number;
  advertsMalformed: number;
  advertsNotOurs: number;
  advertsOtherScheme: number;
  advertsNeedingGatt: number;
  advertsDroppedFlood: number;
  sightingsStored: number;
  sightingsPruned: number;
}

const DAY_MS = 86_400_000;

/** The firmware's timer kinds (at most one pending of each). */
const T_ROTATE = 0;
const T_TOGGLE = 1;
const T_START_SCAN = 2;
const T_END_SCAN = 3;
const T_PRUNE = 4;
const TIMER_KINDS = 5;

export class Firmware implements TimerTarget {
  readonly counters: FirmwareCounters = {
    rotations: 0,
    scans: 0,
    advertsHeard: 0,
    advertsLogged: 0,
    advertsMalformed: 0,
    advertsNotOurs: 0,
    advertsOtherScheme: 0,
    advertsNeedingGatt: 0,
    advertsDroppedFlood: 0,
    sightingsStored: 0,
    sightingsPruned: 0,
  };
  // A simulated crowd holds one firmware per phone: its state is kept in plain fields (no options
  // object, no closure per timer, no object or buffer per rotation beyond the payload), a few hundred
  // bytes a phone less, and what its firmwares have in common in one object they share.
  private readonly shared: FirmwareSharedSettings;
  private readonly radio: Radio;
  private readonly random: Random;
  private readonly store: Store;
  private readonly name: string;
  private readonly txPowerDbm: number;
  /**
   * The pending timer of each kind (`T_*`; at most one each) or undefined, in a field each (an array
   * cost a crowd's phones 90 bytes each; see {@link pendingOf}). A scheduler with `setTimerFor` calls
   * {@link onTimer} back; for others, each kind's callback is made once.
   */
  private pendingRotate: TimerHandle | undefined;
  private pendingToggle: TimerHandle | undefined;
  private pendingStartScan: TimerHandle | undefined;
  private pendingEndScan: TimerHandle | undefined;
  private pendingPrune: TimerHandle | undefined;
  private callbacks: readonly (() => void)[] | undefined;
  private running = false;
  private advertisingPhaseOn = true;
  /**
   * The current rotation (none before the first): its interval number, its advert and its random
   * address, 48 bits LSB first as one number (the bytes are made when a radio is handed them).
   */
  private interval = -1;
  private payload: Uint8Array | undefined;
  private address = 0;
  /** Whether a scan runs. */
  private scanOpen = false;
  /**
   * The running scan's aggregates: taken from the pool at the scan's first reception and given back at
   * its end. Taken at its start, they sat untouched for the whole scan while a crowd's other scans
   * pushed them out of the caches; at the first reception another scan has just given one back.
   */
  private scan: ScanAggregates | undefined;
  private scanStartedMs = 0;
  // GAEN: the rolling start of the current TEK (−1: none yet; the key itself is the store's), and its
  // RPIK then its AEMK in one buffer.
  private tekRollingStart = -1;
  private tekDerivedKeys: Uint8Array | undefined;
  // Bluezone: the walk along the chain of the first day's key (which it holds), and that day.
  private bluezoneChain: BluezoneIdChain | undefined;
  private bluezoneDay = 0;

  constructor(options: FirmwareOptions) {
    const { profile } = options;
    if (profile.scanOnMs >= profile.scanIntervalMinMs)
      throw new InputError(
        'profile.scanOnMs',
        `less than scanIntervalMinMs (${profile.scanIntervalMinMs})`,
        String(profile.scanOnMs),
      );
    const settings = {
      profile,
      scheduler: options.scheduler,
      crypto: options.crypto ?? pureCryptoProvider,
      retentionMs: (options.retentionDays ?? 14) * DAY_MS,
      episodeConfig: options.episodeConfig,
      onExposure: options.onExposure,
      decodeCache: options.decodeCache ?? new AdvertDecodeCache(),
      scanPool: options.scanPool ?? new ScanAggregatePool(),
    };
    // A cache or pool made here is this firmware's own (as documented), so its settings match no other's.
    this.shared = options.decodeCache && options.scanPool ? sharedSettings(settings) : settings;
    this.radio = options.radio;
    this.random = options.random;
    this.store = options.store;
    this.name = options.name ?? '';
    this.txPowerDbm = options.txPowerDbm ?? -24;
    // Bound methods, not arrows: two arrows and the context they share measured 56 B a phone more on
    // Node 20 (heap used, 200 k objects), which a crowd pays once per phone.
    options.radio.onAdvert(this.onAdvert.bind(this));
    options.radio.onAdvertBatch?.(this.onAdvertBatch.bind(this));
  }

  // The shared settings, read as fields of the firmware's own.
  private get profile(): FirmwareProfile {
    return this.shared.profile;
  }
  private get scheduler(): Scheduler {
    return this.shared.scheduler;
  }
  private get crypto(): CryptoProvider {
    return this.shared.crypto;
  }
  private get retentionMs(): number {
    return this.shared.retentionMs;
  }
  private get episodeConfig(): Partial<EpisodeConfig> | undefined {
    return this.shared.episodeConfig;
  }
  private get onExposure(): ((event: ExposureEvent) => void) | undefined {
    return this.shared.onExposure;
  }
  private get decodeCache(): AdvertDecodeCache {
    return this.shared.decodeCache;
  }
  private get scanPool(): ScanAggregatePool {
    return this.shared.scanPool;
  }

  /** Starts advertising, scanning, rotating and pruning. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.rotate();
    if (Number.isFinite(this.profile.advertiseOnMs) && this.profile.advertiseOffMs > 0)
      this.at(T_TOGGLE, this.now() + this.profile.advertiseOnMs);
    // The first scan starts at a random point of the interval, so devices switched on together drift apart.
    this.at(T_START_SCAN, this.now() + this.uniform(0, this.profile.scanIntervalMinMs));
    this.at(T_PRUNE, this.now() + DAY_MS);
  }

  /** Stops every activity (stored data stays). */
  stop(): void {
    for (let kind = 0; kind < TIMER_KINDS; kind++) {
      const handle = this.pendingOf(kind);
      if (handle !== undefined) this.scheduler.cancelTimer(handle);
      this.setPending(kind, undefined);
    }
    if (this.scanOpen) this.endScan();
    this.radio.stopAdvertising();
    this.running = false;
  }

  /** What the device broadcasts now. */
  currentBroadcast(): { interval: number; id: Uint8Array; address: Uint8Array } | undefined {
    return (
      this.payload && {
        interval: this.interval,
        // Read back from the payload (as any receiver would), so a crowd's phones keep no second copy.
        id: (this.decodeCache.decode(this.payload) as DecodedId).id,
        address: addressBytes(this.address),
      }
    );
  }

  /**
   * The scheduler's call when the timer of `kind` is due ({@link TimerTarget}); a call for a kind
   * with no timer pending does nothing.
   */
  onTimer(kind: number): void {
    if (this.pendingOf(kind) === undefined) return;
    this.setPending(kind, undefined);
    if (kind === T_ROTATE) this.rotate();
    else if (kind === T_TOGGLE) this.toggleAdvertising();
    else if (kind === T_START_SCAN) this.startScan();
    else if (kind === T_END_SCAN) this.endScan();
    else if (kind === T_PRUNE) this.prune();
  }

  /** The keys to publish if this device's owner tests positive (retention window only). */
  ownDiagnosisKeys(): DiagnosisKey[] {
    const now = this.now();
    if (this.profile.scheme === 'gaen')
      return this.store
        .ownKeys()
        .filter(
          (k) => k.scheme === 'gaen' && k.rollingStartIntervalNumber * EN_INTERVAL_S * 1000 <= now,
        );
    if (!this.bluezoneChain) return [];
    const key: BluezoneDiagnosisKey = {
      scheme: 'bluezone',
      dailyKey: this.bluezoneChain.dailyKey,
      timeDkS: (this.bluezoneDay * DAY_MS) / 1000,
      maxRoll: this.idsPerDay(),
      timeTeS: Math.floor(now / 1000),
    };
    return [key];
  }

  /**
   * Matches published keys against everything stored (RECURSIVE and REVOKED keys never match), builds
   * exposure windows of the matched sightings (contacts = diagnosis keys, TX power and calibration
   * confidence from decrypted metadata, scan credit from the store's scan records, or else from scans
   * rebuilt from every stored sighting) and raises `onExposure` when any matched.
   */
  checkExposure(keys: Iterable<DiagnosisKey>): ExposureEvent {
    const store = this.store;
    const stored = store.querySightings();
    const matcher = new Matcher(stored, { crypto: this.crypto });
    const matches: Match[] = [];
    for (const key of keys) matcher.matchKey(key, (m) => matches.push(m));
    const { sightings, contactOf, calibrationConfidenceOf } = contactsFromMatches(matches);
    const scans = store.queryScans
      ? store.queryScans()
      : scansFromSightings(stored, this.episodeConfig);
    const windows = exposureWindows(sightings, this.episodeConfig, contactOf, {
      scans,
      calibrationConfidenceOf,
    });
    const summaries = dailySummaries(windows, this.episodeConfig);
    const event: ExposureEvent = {
      checkedAtMs: this.now(),
      matches,
      windows,
      summaries,
      closeContact: summaries.some((s) => s.closeContact),
      bluezoneCloseContact: summaries.some((s) => s.bluezoneCloseContact),
    };
    if (matches.length) this.onExposure?.(event);
    return event;
  }

  private now(): number {
    return this.scheduler.nowMs();
  }

  /** Sets the timer of `kind` (cancelling one still pending, which the schedules never leave). */
  private at(kind: number, atMs: number): void {
    const scheduler = this.scheduler;
    const handle = this.pendingOf(kind);
    if (handle !== undefined) scheduler.cancelTimer(handle);
    this.setPending(
      kind,
      scheduler.setTimerFor
        ? scheduler.setTimerFor(atMs, this, kind)
        : scheduler.setTimer(atMs, this.callbackOf(kind)),
    );
  }

  private pendingOf(kind: number): TimerHandle | undefined {
    if (kind === T_ROTATE) return this.pendingRotate;
    if (kind === T_TOGGLE) return this.pendingToggle;
    if (kind === T_START_SCAN) return this.pendingStartScan;
    if (kind === T_END_SCAN) return this.pendingEndScan;
    return this.pendingPrune;
  }

  private setPending(kind: number, handle: TimerHandle | undefined): void {
    if (kind === T_ROTATE) this.pendingRotate = handle;
    else if (kind === T_TOGGLE) this.pendingToggle = handle;
    else if (kind === T_START_SCAN) this.pendingStartScan = handle;
    else if (kind === T_END_SCAN) this.pendingEndScan = handle;
    else this.pendingPrune = handle;
  }

  /** Timer `kind`'s callback, for schedulers without `setTimerFor` (made once, on first use). */
  private callbackOf(kind: number): () => void {
    this.callbacks ??= [T_ROTATE, T_TOGGLE, T_START_SCAN, T_END_SCAN, T_PRUNE].map(
      (k) => () => this.onTimer(k),
    );
    return this.callbacks[kind]!;
  }

  private uniform(minMs: number, maxMs: number): number {
    return (
      minMs +
      Math.floor((bigEndianUint32(this.random.randomBytes(4)) / 2 ** 32) * (maxMs - minMs + 1))
    );
  }

  private idsPerDay(): number {
    return this.profile.idsPerDay ?? BLUEZONE_DEFAULT_IDS_PER_DAY;
  }

  private intervalMs(): number {
    return this.profile.scheme === 'gaen' ? EN_INTERVAL_S * 1000 : bluezoneSlotMs(this.idsPerDay());
  }

  /** New ID and new random address, together; then the next rotation at the next boundary (+ jitter). */
  private rotate(): void {
    const now = this.now();
    const interval = Math.floor(now / this.intervalMs());
    const id = this.profile.scheme === 'gaen' ? this.gaenId(interval) : this.bluezoneId(now);
    const payload =
      this.profile.scheme === 'gaen'
        ? encodeGaenAdvert(
            id,
            associatedEncryptedMetadata(
              this.crypto,
              this.tekDerivedKeys!.subarray(16, 32),
              id,
              encodeGaenMetadata({ txPowerDbm: this.txPowerDbm }),
            ),
          )
        : encodeBluezoneAdvert(id);
    this.interval = interval;
    // Kept until the next rotation (and by the radio while it advertises): in a shared buffer.
    this.payload = slabCopy(payload);
    this.address = this.randomAddress();
    this.counters.rotations++;
    if (this.advertisingPhaseOn)
      this.radio.startAdvertising(this.payload, addressBytes(this.address));
    const jitter =
      this.profile.rotationJitterMaxMs > 0 ? this.uniform(0, this.profile.rotationJitterMaxMs) : 0;
    this.at(T_ROTATE, (interval + 1) * this.intervalMs() + jitter);
  }

  private gaenId(interval: number): Uint8Array {
    const start = Math.floor(interval / TEK_ROLLING_PERIOD) * TEK_ROLLING_PERIOD;
    if (this.tekRollingStart !== start) {
      const keyData = this.random.randomBytes(16);
      const key: GaenDiagnosisKey = {
        scheme: 'gaen',
        keyData,
        rollingStartIntervalNumber: start,
        rollingPeriod: TEK_ROLLING_PERIOD,
      };
      this.store.appendOwnKey(key);
      this.tekRollingStart = start;
      const derived = slabBytes(32);
      derived.set(rollingProximityIdentifierKey(this.crypto, keyData), 0);
      derived.set(associatedEncryptedMetadataKey(this.crypto, keyData), 16);
      this.tekDerivedKeys = derived;
    }
    return rollingProximityIdentifier(this.crypto, this.tekDerivedKeys!.subarray(0, 16), interval);
  }

  private bluezoneId(nowMs: number): Uint8Array {
    const day = Math.floor(nowMs / BLUEZONE_DAY_MS);
    if (!this.bluezoneChain) {
      // The daily key and the chain's current sub-key, kept for the whole run: in a shared buffer (one
      // of its own costs a crowd 0.2 KiB a phone). Walked from the day's first sub-key at every
      // rotation instead of kept, a rotation at 08:00 (a scenario's default start) costs 33 hashes.
      const storage = slabRegion(BLUEZONE_CHAIN_STORAGE_BYTES);
      this.bluezoneChain = new BluezoneIdChain(
        this.crypto,
        this.random.randomBytes(32),
        this.idsPerDay(),
        storage.bytes,
        storage.offset,
      );
      this.bluezoneDay = day;
      this.store.appendOwnKey({
        scheme: 'bluezone',
        dailyKey: this.bluezoneChain.dailyKey,
        timeDkS: (day * DAY_MS) / 1000,
        maxRoll: this.idsPerDay(),
        timeTeS: (day * DAY_MS + this.retentionMs) / 1000,
      });
    }
    const slot = Math.floor((nowMs - day * BLUEZONE_DAY_MS) / bluezoneSlotMs(this.idsPerDay()));
    return this.bluezoneChain.idAt((day - this.bluezoneDay) * this.idsPerDay() + slot);
  }

  /**
   * A non-resolvable private address (two most significant bits 00, not all zeros or ones), LSB first,
   * as one number (see {@link addressBytes}).
   */
  private randomAddress(): number {
    for (;;) {
      const a = this.random.randomBytes(6);
      a[5]! &= 0x3f;
      let any = a[5]!;
      let all = a[5]! === 0x3f;
      for (let i = 0; i < 5; i++) {
        any |= a[i]!;
        all &&= a[i] === 0xff;
      }
      if (any !== 0 && !all)
        return (
          a[0]! +
          a[1]! * 2 ** 8 +
          a[2]! * 2 ** 16 +
          a[3]! * 2 ** 24 +
          a[4]! * 2 ** 32 +
          a[5]! * 2 ** 40
        );
    }
  }

  private toggleAdvertising(): void {
    this.advertisingPhaseOn = !this.advertisingPhaseOn;
    if (this.advertisingPhaseOn && this.payload)
      this.radio.startAdvertising(this.payload, addressBytes(this.address));
    else this.radio.stopAdvertising();
    this.at(
      T_TOGGLE,
      this.now() +
        (this.advertisingPhaseOn ? this.profile.advertiseOnMs : this.profile.advertiseOffMs),
    );
  }

  private startScan(): void {
    const started = this.now();
    this.scanStartedMs = started;
    if (this.scan) this.scanPool.give(this.scan);
    this.scan = undefined;
    this.scanOpen = true;
    this.counters.scans++;
    this.radio.startScanning();
    this.at(T_END_SCAN, started + this.profile.scanOnMs);
    this.at(
      T_START_SCAN,
      started + this.uniform(this.profile.scanIntervalMinMs, this.profile.scanIntervalMaxMs),
    );
  }

  private endScan(): void {
    this.radio.stopScanning();
    const open = this.scanOpen;
    const agg = this.scan;
    this.scan = undefined;
    this.scanOpen = false;
    // Every scan is recorded, also one that heard nobody: the next scan's credit counts from it.
    if (open && this.store.appendScans)
      this.store.appendScans([
        {
          startMs: this.scanStartedMs,
          durationMs: this.now() - this.scanStartedMs,
          ...(this.name ? { scanner: this.name } : {}),
        },
      ]);
    if (!agg) return;
    if (agg.size === 0) return void this.scanPool.give(agg);
    const order = agg.sortedSlots();
    const { firstMs, rssiSum, count, decoded, heads, tags } = agg.columns;
    const store = this.store;
    if (store.appendScanSightings) {
      // Columns instead of an object per sighting: a crowd's stores copy them out anyway.
      const out = this.scanPool.scanSightings(
        agg.size,
        this.profile.scheme,
        this.name || undefined,
      );
      for (let i = 0; i < agg.size; i++) {
        const slot = order[i]!;
        out.timeMs[i] = firstMs[slot]!;
        out.rssiDbm[i] = roundHalfUp(rssiSum[slot]! / count[slot]!);
        out.decoded[i] = decoded[slot]!;
        out.idHead[i] = heads[slot]!;
        out.idTag[i] = tags[slot]!;
      }
      const stored = agg.size;
      this.scanPool.give(agg);
      store.appendScanSightings(out);
      this.counters.sightingsStored += stored;
      return;
    }
    const sightings = new Array<Sighting>(agg.size);
    for (let i = 0; i < agg.size; i++) {
      const slot = order[i]!;
      const id = decoded[slot]!;
      const s: Sighting = {
        timeMs: firstMs[slot]!,
        scheme: this.profile.scheme,
        id: id.id,
        rssiDbm: roundHalfUp(rssiSum[slot]! / count[slot]!),
      };
      if (id.aem) s.aem = id.aem;
      if (this.name) s.scanner = this.name;
      sightings[i] = s;
    }
    this.scanPool.give(agg);
    store.appendSightings(sightings);
    this.counters.sightingsStored += sightings.length;
  }

  private onAdvert(advert: ReceivedAdvert): void {
    const samples = advert.rssiSamplesDbm;
    const receptions = samples
      ? Math.min(samples.length, advert.rssiSampleCount ?? samples.length)
      : 1;
    this.counters.advertsHeard += receptions;
    if (!this.scanOpen || receptions === 0) return;
    let sum = 0;
    if (samples) for (let i = 0; i < receptions; i++) sum += samples[i]!;
    else sum = advert.rssiDbm;
    this.aggregate(
      advert.decoded ?? this.decodeCache.decode(advert.payload),
      receptions,
      sum,
      advert.receivedAtMs ?? this.now(),
    );
  }

  private onAdvertBatch(batch: ReceivedAdvertBatch): void {
    const { count, payload, decoded, receptions, rssiSumDbm, firstAtMs } = batch;
    const { idScheme, idHead, idTag } = batch;
    const ownScheme = ID_SCHEME_CODE[this.profile.scheme];
    // Summed here and added once: a counter's field update per entry was a seventh of the loop.
    let heard = 0;
    for (let i = 0; i < count; i++) {
      const n = receptions[i]!;
      heard += n;
      if (!this.scanOpen || n === 0) continue;
      const scheme = idScheme ? idScheme[i]! : 0;
      if (scheme === 0)
        this.aggregate(
          decoded[i] ?? this.decodeCache.decode(payload[i]!),
          n,
          rssiSumDbm[i]!,
          firstAtMs[i]!,
        );
      else if (scheme !== ownScheme) this.counters.advertsOtherScheme += n;
      // The host vouches for the ID's scheme, head and tag: its decoding is carried, never read.
      else
        this.aggregateId(
          decoded[i] as DecodedId,
          idHead![i]!,
          idTag![i]!,
          n,
          rssiSumDbm[i]!,
          firstAtMs[i]!,
        );
    }
    this.counters.advertsHeard += heard;
  }

  /** Adds `receptions` receptions of one payload (RSSIs summing to `rssiSumDbm`) to the running scan. */
  private aggregate(
    decoded: DecodedAdvert,
    receptions: number,
    rssiSumDbm: number,
    firstAtMs: number,
  ): void {
    if (decoded.kind === 'malformed') return void (this.counters.advertsMalformed += receptions);
    if (decoded.kind === 'not-ours') return void (this.counters.advertsNotOurs += receptions);
    if (decoded.kind === 'bluezone-gatt')
      return void (this.counters.advertsNeedingGatt += receptions);
    if (decoded.kind !== this.profile.scheme)
      return void (this.counters.advertsOtherScheme += receptions);
    this.aggregateId(decoded, decoded.head, -1, receptions, rssiSumDbm, firstAtMs);
  }

  /** {@link aggregate} of an advert of this profile's scheme (`tag`: the host's, or −1). */
  private aggregateId(
    decoded: DecodedId,
    head: number,
    tag: number,
    receptions: number,
    rssiSumDbm: number,
    firstAtMs: number,
  ): void {
    const agg = (this.scan ??= this.scanPool.take());
    const slot = agg.slot(decoded, head, tag, firstAtMs, this.profile.maxIdsPerScan);
    if (slot < 0) return void (this.counters.advertsDroppedFlood += receptions);
    const { rssiSum, count } = agg.columns;
    rssiSum[slot] = rssiSum[slot]! + rssiSumDbm;
    count[slot] = count[slot]! + receptions;
    this.counters.advertsLogged += receptions;
  }

  private prune(): void {
    this.counters.sightingsPruned += this.store.pruneBefore(this.now() - this.retentionMs);
    this.at(T_PRUNE, this.now() + DAY_MS);
  }
}

/** A random address held as one number (see `randomAddress`) as its 6 bytes, LSB first. */
function addressBytes(address: number): Uint8Array {
  const bytes = new Uint8Array(6);
  for (let i = 0; i < 6; i++, address = Math.floor(address / 256)) bytes[i] = address % 256;
  return bytes;
}

function bigEndianUint32(b: Uint8Array): number {
  return b[0]! * 0x1000000 + b[1]! * 0x10000 + b[2]! * 0x100 + b[3]!;
}
