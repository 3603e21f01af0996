/**
 * Random waypoint as The ONE defines it (Keränen et al., SIMUTools 2009, `RandomWaypoint`): start at a
 * uniform point with a pause, then walk straight to a uniform destination at a speed drawn from U(min, max),
 * pause U(min, max), repeat.
 * @module
 */
import type { Movers } from '../mobility/movers.js';
import type { Scenario } from '../scenario/schema.js';
import { Walls } from './walls.js';
import type { World, WorldContext } from './world.js';

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
    this.adoptionGroup = Int32Array.from({ length: ctx.people }, (_, p) => p);
  }

  init(m: Movers): void {
    for (let p = 0; p < m.count; p++) {
      const r = this.ctx.personRandom[p]!;
      m.place(p, r.uniform(0, this.widthM), r.uniform(0, this.heightM), 0);
      m.pauseUntilS[p] = r.uniform(this.spec.pauseS[0], this.spec.pauseS[1]);
    }
  }

  idle(m: Movers, p: number, tS: number): void {
    const r = this.ctx.personRandom[p]!;
    if (m.mode[p] === 1) {
      // Arrived: pause before the next leg.
      m.mode[p] = 0;
      m.pauseUntilS[p] = tS + r.uniform(this.spec.pauseS[0], this.spec.pauseS[1]);
      return;
    }
    m.mode[p] = 1;
    m.setTarget(p, r.uniform(0, this.widthM), r.uniform(0, this.heightM), r.uniform(this.spec.speedMps[0], this.spec.speedMps[1]));
  }
}
