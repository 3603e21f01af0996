/**
 * A world: the place (venues, walls) and the mobility of its people. Each built-in kind lives in its own
 * file; `createWorld` picks one from the scenario.
 * @module
 */
import type { MobilityWorld, Movers } from '../mobility/movers.js';
import type { RandomStream } from '../random/streams.js';
import type { VenueRect } from '../report/reportData.js';
import type { Walls } from './walls.js';

export interface World extends MobilityWorld {
  readonly widthM: number;
  readonly heightM: number;
  readonly rects: VenueRect[];
  readonly walls: Walls;
  /** Groups of people who adopt together under `adoptionMode: groups` (teams, travelling parties): group index per person. */
  readonly adoptionGroup: Int32Array;
  /** Places everyone at the start. */
  init(m: Movers): void;
}

/** What a world gets to build itself: per-person mobility streams and one world-level stream. */
export interface WorldContext {
  people: number;
  durationS: number;
  /** Stream of person p, for their own choices. */
  personRandom: readonly RandomStream[];
  /** Stream for world-level draws (meeting schedules, boarding). */
  worldRandom: RandomStream;
}

/** Everyone their own adoption group (worlds without teams or parties). */
export function ownGroups(people: number): Int32Array {
  return Int32Array.from({ length: people }, (_, p) => p);
}
