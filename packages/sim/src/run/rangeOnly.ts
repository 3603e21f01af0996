/**
 * Range-only runs (`proxsense sim run … --range-only`): the scenario's world moves its people exactly as
 * in a full {@link Simulation} (same seed, same mobility streams, same steps) but no phone, radio, ground
 * truth or tracing runs, only observers such as {@link RangeContacts}. This is the work The ONE does
 * with its link log on and no messages, so the two can be timed side by side.
 * @module
 */
import { Movers, stepMovers } from '../mobility/movers.js';
import type { PositionTrace } from '../mobility/trace.js';
import { RunStreams, type RandomStream } from '../random/streams.js';
import type { Scenario } from '../scenario/schema.js';
import {
  RangeContacts,
  type RangeContactOptions,
  type RangeContactSummary,
} from '../truth/rangeContacts.js';
import { createWorld } from '../world/create.js';
import { TraceWorld } from '../world/traceWorld.js';
import type { World } from '../world/world.js';
import { SIM_VERSION } from './evaluate.js';

export interface RangeOnlyOptions {
  scenario: Scenario;
  seed: number;
  /** People follow this trace instead of the scenario's world. */
  trace?: PositionTrace;
  /** Called at every step once people have moved (as `SimulationOptions.onStep`). */
  onStep?: (tS: number, movers: Movers) => void;
  /** Called every simulated minute with the seconds done and the total. */
  onProgress?: (doneS: number, totalS: number) => void;
}

/** The world of a run, built from the same streams a {@link Simulation} of that seed uses. */
export function createRunWorld(
  scenario: Scenario,
  seed: number,
  trace?: PositionTrace,
): { world: World; people: number } {
  const people = trace ? trace.persons.length : scenario.people.count;
  if (trace) return { world: new TraceWorld(trace), people };
  const streams = new RunStreams(seed);
  const mobility = streams.family('mobility');
  const personRandom: RandomStream[] = [];
  for (let p = 0; p < people; p++) personRandom.push(mobility.next());
  const world = createWorld(scenario.world, {
    people,
    durationS: scenario.durationS,
    personRandom,
    worldRandom: streams.single('world'),
  });
  return { world, people };
}

export class RangeOnlyRun {
  readonly world: World;
  readonly people: number;
  readonly movers: Movers;
  private ran = false;

  constructor(private readonly options: RangeOnlyOptions) {
    const { world, people } = createRunWorld(options.scenario, options.seed, options.trace);
    this.world = world;
    this.people = people;
    this.movers = new Movers(people);
    world.init(this.movers);
  }

  /** Runs the whole duration (once), stepping as {@link Simulation.run} does. */
  run(): this {
    if (this.ran) throw new Error('a RangeOnlyRun runs once; make a new one');
    this.ran = true;
    const { scenario, onStep, onProgress } = this.options;
    const stepS = scenario.stepS;
    const steps = Math.round(scenario.durationS / stepS);
    for (let i = 1; i <= steps; i++) {
      const tS = i * stepS;
      stepMovers(this.movers, this.world, tS, stepS);
      onStep?.(tS, this.movers);
      if (onProgress && (i % 60 === 0 || i === steps)) onProgress(tS, scenario.durationS);
    }
    return this;
  }
}

/** A range-contact tracker sized to a world; `options` as {@link RangeContactOptions} (log, ids). */
export function rangeContactsFor(
  world: World,
  people: number,
  rangeM: number,
  options: Pick<RangeContactOptions, 'log' | 'ids' | 'clock'> = {},
): RangeContacts {
  return new RangeContacts({
    rangeM,
    people,
    widthM: world.widthM,
    heightM: world.heightM,
    ...options,
  });
}

/** What `results.json` holds for a range-only run. */
export interface RangeOnlyResults {
  version: string;
  seed: number;
  scenario: string;
  rangeOnly: true;
  phones: number;
  durationS: number;
  rangeContacts: RangeContactSummary;
  parameters: Scenario;
}

export function rangeOnlyResults(
  scenario: Scenario,
  seed: number,
  people: number,
  contacts: RangeContacts,
): RangeOnlyResults {
  return {
    version: SIM_VERSION,
    seed,
    scenario: scenario.name,
    rangeOnly: true,
    phones: people,
    durationS: scenario.durationS,
    rangeContacts: contacts.summary(),
    parameters: scenario,
  };
}
