/**
 * Random waypoint as The ONE defines it (Keränen et al., SIMUTools 2009, `RandomWaypoint`): start at a
 * uniform point with a pause, then walk straight to a uniform destination at a speed drawn from U(min, max),
 * pause U(min, max), repeat.
 * @module
 */
import type { Movers } from '../mobility/movers.js';
import type { Scenario } from '../scenario/schema.js';
import { Walls } from './walls.js';
import { ownGroups, type World, type WorldContext } from './world.js';

type RwpSpec = Extract<Scenario['world'], { kind: 'rwp' }>;

export class RandomWaypointWorld implements World {
  readonly widthM: number;
  readonly heightM: number;
  readonly rects;
  readonly walls = new Walls();
  readonly adoptionGroup: Int32Array;

  constructor(private readonly spec: RwpSpec, private readonly ctx: WorldContext) {
    this.widthM = spec.widthM;
    this.heightM = spec.heightM;
    this.rects = [{ xM: 0, yM: 0, widthM: spec.widthM, heightM: spec.heightM, label: 'area' }];
    this.adoptionGroup = ownGroups(ctx.people);
  }

  init(m: Movers): void {
    for (let p = 0; p < m.count; p++) {
      const r = this.ctx.personRandom[p]!;
      m.place(p, r.uniform(0, this.widthM), r.uniform(0, this.heightM), 0);
      m.pauseUntilS[p] = r.between(this.spec.pauseS);
    }
  }

  idle(m: Movers, p: number, tS: number): void {
    const r = this.ctx.personRandom[p]!;
    if (m.mode[p] === 1) {
      // Arrived: pause before the next leg.
      m.mode[p] = 0;
      m.pauseUntilS[p] = tS + r.between(this.spec.pauseS);
      return;
    }
    m.mode[p] = 1;
    m.setTarget(p, r.uniform(0, this.widthM), r.uniform(0, this.heightM), r.between(this.spec.speedMps));
  }
}
