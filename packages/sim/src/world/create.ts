/**
 * The world of a scenario: one of the built-in kinds.
 * @module
 */
import type { Scenario } from '../scenario/schema.js';
import { BusWorld } from './bus.js';
import { CityWorld } from './city.js';
import { MarketWorld } from './market.js';
import { OfficeWorld } from './office.js';
import { RandomWaypointWorld } from './rwp.js';
import type { World, WorldContext } from './world.js';

export function createWorld(spec: Scenario['world'], ctx: WorldContext): World {
  switch (spec.kind) {
    case 'office':
      return new OfficeWorld(spec, ctx);
    case 'bus':
      return new BusWorld(spec, ctx);
    case 'market':
      return new MarketWorld(spec, ctx);
    case 'rwp':
      return new RandomWaypointWorld(spec, ctx);
    case 'city':
      return new CityWorld(spec, ctx);
  }
}
