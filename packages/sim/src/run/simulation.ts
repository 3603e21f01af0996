/**
 * One simulation run: the world moves its people every step on virtual time, every app phone runs the
 * core `Firmware` through sim adapters of its ports (VirtualScheduler, VirtualRadio on the shared air,
 * ColumnarStore, a seeded RandomStream), and ground truth accrues alongside. No wall-clock time anywhere.
 * @module
 */
import {
  AdvertDecodeCache,
  BLUEZONE_PROFILE,
  Firmware,
  GAEN_PROFILE,
  InputError,
  ScanAggregatePool,
  VirtualScheduler,
  type EpisodeConfig,
  type FirmwareProfile,
} from '@proxsense/core';
import { nodeCryptoProvider } from '@proxsense/core/node';
import { Channel } from '../channel/channel.js';
import { MoveLog } from '../grid/moveLog.js';
import { UniformGrid } from '../grid/uniformGrid.js';
import { RangeEventTracker, rangeEventCells } from '../truth/rangeEvents.js';
import { Movers, stepMovers } from '../mobility/movers.js';
import type { PositionTrace } from '../mobility/trace.js';
import { createPopulation, type Population } from '../people/population.js';
import { Air } from '../radio/air.js';
import { RunStreams, type RandomStream } from '../random/streams.js';
import type { Track } from '../report/reportData.js';
import type { Scenario } from '../scenario/schema.js';
import { ColumnarStore, StoresShared, type StoreCrowd } from '../store/columnarStore.js';
import { SightingArena } from '../store/sightingArena.js';
import { IdTable } from '../store/idTable.js';
import { OwnKeyTable } from '../store/ownKeyTable.js';
import { GroundTruth } from '../truth/groundTruth.js';
import { createWorld } from '../world/create.js';
import { TraceWorld } from '../world/traceWorld.js';
import type { World } from '../world/world.js';

const DAY_MS = 86_400_000;
/** Truth grid cells: at least the rule's distance, so a query touches 3 × 3 cells. */
const MIN_TRUTH_CELL_M = 2;
/**
 * Ground truth from a tracker's link events (every pair judged each step, in WebAssembly) rather than a
 * query per mover, in worlds where people may all move every step, while the tracker's grid has at most
 * this many cells a person (each step sorts everyone into it, the empty cells included).
 */
const TRUTH_TRACKER_MAX_CELLS_PER_PERSON = 16;
/** The truth tracker's expected step: a brisk walk's second (walkers moving farther cost a look-up). */
const TRUTH_TRACKER_STEP_MPS = 1.5;

export interface SimulationOptions {
  scenario: Scenario;
  seed: number;
  /** People follow this trace instead of the scenario's world (people count = the trace's persons). */
  trace?: PositionTrace;
  /**
   * Called at every step once people have moved (run time `tS`, s), before grids, truth and radios:
   * observers such as range-only contacts (`RangeContacts`) hook in here.
   */
  onStep?: (tS: number, movers: Movers) => void;
  /** Called every simulated minute with the seconds done and the total. */
  onProgress?: (doneS: number, totalS: number) => void;
  /** People whose tracks are kept for the report's map (default 24), sampled every `trackEveryS` (60). */
  trackPeople?: number;
  trackEveryS?: number;
  /**
   * How often the air lays its records out again where people are, simulated ms (default 5 min;
   * Infinity: never). A memory-layout knob for benchmarks and tests: results are the same whatever it is.
   */
  airReorderEveryMs?: number;
}

/** The phones' episode settings: the scenario's rule and estimator over core's defaults. */
export function episodeConfigFor(scenario: Scenario, rssiCorrectionDb = 0): Partial<EpisodeConfig> {
  const config: Partial<EpisodeConfig> = {
    closeContactMaxDistanceM: scenario.rule.closeContactMaxDistanceM,
    closeContactMinDurationS: scenario.rule.closeContactMinDurationS,
    rssiCorrectionDb,
  };
  if (scenario.estimator.pathLoss) config.pathLoss = scenario.estimator.pathLoss;
  if (scenario.estimator.defaultTxPowerDbm !== undefined)
    config.defaultTxPowerDbm = scenario.estimator.defaultTxPowerDbm;
  return config;
}

/** The core profile with the scenario's scan overrides. */
export function profileFor(scenario: Scenario): FirmwareProfile {
  const profile = { ...(scenario.profile === 'gaen' ? GAEN_PROFILE : BLUEZONE_PROFILE) };
  const { durationS, intervalS, intervalMaxS } = scenario.scan;
  if (durationS !== undefined) profile.scanOnMs = durationS * 1000;
  if (intervalS !== undefined) {
    profile.scanIntervalMinMs = intervalS * 1000;
    profile.scanIntervalMaxMs = (intervalMaxS ?? intervalS) * 1000;
  }
  if (profile.scanIntervalMaxMs < profile.scanIntervalMinMs)
    throw new InputError(
      'scan.intervalMaxS',
      `at least scan.intervalS (${profile.scanIntervalMinMs / 1000} s)`,
      String(profile.scanIntervalMaxMs / 1000),
    );
  if (profile.scanOnMs >= profile.scanIntervalMinMs)
    throw new InputError(
      'scan.durationS',
      `less than the scan interval (${profile.scanIntervalMinMs / 1000} s)`,
      String(profile.scanOnMs / 1000),
    );
  return profile;
}

export class Simulation {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly startMs: number;
  readonly durationS: number;
  readonly people: number;
  readonly world: World;
  readonly movers: Movers;
  readonly population: Population;
  readonly channel: Channel;
  readonly ids = new IdTable();
  readonly scheduler: VirtualScheduler;
  readonly air: Air;
  readonly truth: GroundTruth;
  /** Per person (undefined: no app). */
  readonly firmware: (Firmware | undefined)[];
  readonly stores: (ColumnarStore | undefined)[];
  /**
   * What the stores count together: sightings of an ID no phone broadcast (`unknownIds`) and sightings
   * stored with no true distance (`truthMissing`); both 0 in every run so far.
   */
  readonly storesShared = new StoresShared();
  /** The pages every store's sightings sit in. */
  readonly sightings = new SightingArena();
  readonly tracks: Track[] = [];
  readonly profile: FirmwareProfile;
  /**
   * Where ground truth takes its steps from: a grid its movers query, or a tracker's pair events (see
   * TRUTH_TRACKER_MAX_CELLS_PER_PERSON); one of the two.
   */
  private readonly truthGrid: UniformGrid | undefined;
  private readonly truthTracker: RangeEventTracker | undefined;
  private readonly moves: MoveLog;
  private ran = false;

  constructor(private readonly options: SimulationOptions) {
    const { scenario, seed, trace } = options;
    this.scenario = scenario;
    this.seed = seed;
    this.startMs = Date.parse(scenario.start);
    this.durationS = scenario.durationS;
    this.people = trace ? trace.persons.length : scenario.people.count;
    this.profile = profileFor(scenario);
    const streams = new RunStreams(seed);
    const mobility = streams.family('mobility');
    const personRandom: RandomStream[] = [];
    for (let p = 0; p < this.people; p++) personRandom.push(mobility.next());
    this.world = trace
      ? new TraceWorld(trace)
      : createWorld(scenario.world, {
          people: this.people,
          durationS: this.durationS,
          personRandom,
          worldRandom: streams.single('world'),
        });
    this.movers = new Movers(this.people);
    this.world.init(this.movers);
    this.population = createPopulation(
      scenario.people,
      scenario.channel,
      this.world.adoptionGroup,
      streams.family('population'),
      seed,
    );
    this.channel = new Channel(scenario.channel, seed);
    this.scheduler = new VirtualScheduler(this.startMs);
    const truthCellM = Math.max(MIN_TRUTH_CELL_M, scenario.rule.closeContactMaxDistanceM);
    this.moves = new MoveLog(this.people);
    const channelFamily = streams.family('channel');
    const firmwareFamily = streams.family('firmware');
    const channelRandom: (RandomStream | undefined)[] = [];
    const firmwareRandom: (RandomStream | undefined)[] = [];
    // Every person takes their streams, app or not, so changing adoption does not reshuffle anyone's draws.
    for (let p = 0; p < this.people; p++) {
      const c = channelFamily.next();
      const f = firmwareFamily.next();
      channelRandom.push(this.population.app[p] ? c : undefined);
      firmwareRandom.push(this.population.app[p] ? f : undefined);
    }
    // The firmware decodes what it broadcasts (its current ID) and untagged deliveries through this;
    // payloads are its own and never change, so decodings can view them instead of copying.
    const decodeCache = new AdvertDecodeCache({ views: true });
    // Phones share one episode config per RSSI correction (their device model's): one object each
    // would cost a crowd an object per phone for a handful of distinct values.
    const episodeConfigs = new Map<number, Partial<EpisodeConfig>>();
    const episodeConfigOf = (rssiCorrectionDb: number) => {
      let config = episodeConfigs.get(rssiCorrectionDb);
      if (!config)
        episodeConfigs.set(
          rssiCorrectionDb,
          (config = episodeConfigFor(scenario, rssiCorrectionDb)),
        );
      return config;
    };
    const scanPool = new ScanAggregatePool();
    this.air = new Air({
      movers: this.movers,
      population: this.population,
      channel: this.channel,
      widthM: this.world.widthM,
      heightM: this.world.heightM,
      cellM: Math.max(truthCellM, scenario.channel.maxRangeM / 2),
      walls: this.world.walls,
      ids: this.ids,
      scheduler: this.scheduler,
      channelRandom,
      reorderEveryMs: options.airReorderEveryMs,
      iosBackgroundLimit: scenario.profile === 'bluezone',
      runStartMs: this.startMs,
    });
    this.truth = new GroundTruth(
      this.people,
      scenario.rule.closeContactMaxDistanceM,
      scenario.rule.closeContactMinDurationS,
      Math.floor(this.startMs / DAY_MS),
    );
    const trackerOptions = {
      people: this.people,
      widthM: this.world.widthM,
      heightM: this.world.heightM,
      rangeM: scenario.rule.closeContactMaxDistanceM,
      stepM: TRUTH_TRACKER_STEP_MPS * scenario.stepS,
    };
    if (
      !this.world.onlyIdleChanges &&
      rangeEventCells(trackerOptions) <= TRUTH_TRACKER_MAX_CELLS_PER_PERSON * this.people
    )
      this.truthTracker = new RangeEventTracker({
        ...trackerOptions,
        // The grid's test, squared distance against squared distance (UniformGrid.within).
        inRange2: scenario.rule.closeContactMaxDistanceM * scenario.rule.closeContactMaxDistanceM,
      });
    else
      this.truthGrid = new UniformGrid(
        this.world.widthM,
        this.world.heightM,
        truthCellM,
        this.people,
      );
    this.firmware = new Array<Firmware | undefined>(this.people);
    this.stores = new Array<ColumnarStore | undefined>(this.people);
    const storeCrowd: StoreCrowd = {
      ids: this.ids,
      sightings: this.sightings,
      ownKeys: new OwnKeyTable(),
      runStartMs: this.startMs,
      scheme: scenario.profile,
      truth: this.air,
      scannerName: phoneName,
      shared: this.storesShared,
    };
    for (let p = 0; p < this.people; p++) {
      if (!this.population.app[p]) continue;
      // The store names the phone in what it hands out; the firmware needs no name of its own.
      const store = new ColumnarStore(storeCrowd, p);
      this.stores[p] = store;
      this.firmware[p] = new Firmware({
        profile: this.profile,
        radio: this.air.radioFor(p),
        scheduler: this.scheduler,
        random: firmwareRandom[p]!,
        store,
        crypto: nodeCryptoProvider,
        txPowerDbm: this.population.advertisedTxDbm[p]!,
        episodeConfig: episodeConfigOf(this.population.rssiCorrectionDb[p]!),
        decodeCache,
        scanPool,
      });
    }
  }

  /** Runs the whole duration. Can run once. */
  run(): this {
    if (this.ran) throw new Error('a Simulation runs once; make a new one');
    this.ran = true;
    const { movers, scenario } = this;
    const stepS = scenario.stepS;
    const trackPeople = this.pickTrackedPeople(this.options.trackPeople ?? 24);
    const trackEveryS = this.options.trackEveryS ?? 60;
    let nextTrackS = 0;
    for (const fw of this.firmware) fw?.start();
    this.buildGrids();
    const steps = Math.round(this.durationS / stepS);
    for (let i = 1; i <= steps; i++) {
      const tS = i * stepS;
      const nowMs = this.startMs + tS * 1000;
      // Firmware timers due by now run first (scans that close flush their last chunk at the old positions).
      this.scheduler.runUntil(nowMs);
      stepMovers(movers, this.world, tS, stepS);
      this.updateGrids();
      this.options.onStep?.(tS, movers);
      const day = Math.floor((nowMs - 1) / DAY_MS);
      const tracker = this.truthTracker;
      if (tracker) {
        const events = tracker.update(movers.xM, movers.yM, movers.present);
        this.truth.stepFromEvents(tracker.evA, tracker.evB, tracker.evUp, events, tS, stepS, day);
      } else this.truth.step(movers, this.truthGrid!, this.moves, tS, stepS, day);
      this.air.tick();
      if (tS >= nextTrackS) {
        this.recordTracks(trackPeople);
        nextTrackS = tS + trackEveryS;
      }
      if (this.options.onProgress && (i % 60 === 0 || i === steps))
        this.options.onProgress(tS, this.durationS);
    }
    for (const fw of this.firmware) fw?.stop();
    this.truth.flush();
    return this;
  }

  private buildGrids(): void {
    const { xM, yM, present, count } = this.movers;
    this.truthGrid?.build(xM, yM, present, count);
    this.air.build();
  }

  /** After a mobility step: only the people who moved are re-indexed. */
  private updateGrids(): void {
    const { xM, yM, present } = this.movers;
    // The first scan after the start reports everyone, so ground truth finds the pairs standing still.
    this.moves.scan(this.movers);
    const { moved, movedCount } = this.moves;
    this.truthGrid?.update(xM, yM, present, moved, movedCount);
    this.air.update(this.moves);
  }

  private pickTrackedPeople(n: number): number[] {
    const stride = Math.max(1, Math.floor(this.people / n));
    const out: number[] = [];
    for (let p = 0; p < this.people && out.length < n; p += stride) {
      out.push(p);
      this.tracks.push({ person: p, app: this.population.app[p] === 1, xyM: [] });
    }
    return out;
  }

  private recordTracks(people: number[]): void {
    people.forEach((p, i) => {
      const present = this.movers.present[p];
      this.tracks[i]!.xyM.push(
        present ? round2(this.movers.xM[p]!) : NaN,
        present ? round2(this.movers.yM[p]!) : NaN,
      );
    });
  }
}

/** A phone's name in sightings files and reports. */
export function phoneName(person: number): string {
  return `phone-${person}`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
