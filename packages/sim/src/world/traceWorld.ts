/**
 * A world whose people follow imported position traces (JuPedSim, Vadere, The ONE, real traces): each
 * step samples every person's position from the trace, interpolated linearly; no walls.
 * @module
 */
import type { Movers } from '../mobility/movers.js';
import type { PositionTrace } from '../mobility/trace.js';
import { Walls } from './walls.js';
import { ownGroups, type World } from './world.js';

export class TraceWorld implements World {
  readonly widthM: number;
  readonly heightM: number;
  readonly rects;
  readonly walls = new Walls();
  readonly adoptionGroup: Int32Array;
  /** `tick` moves everyone; `stepMovers` has nothing to do. */
  readonly movesEveryone = true;
  private readonly originXM: number;
  private readonly originYM: number;

  constructor(private readonly trace: PositionTrace) {
    this.originXM = trace.minXM;
    this.originYM = trace.minYM;
    // A margin so people on the edge still have neighbours' cells around them.
    this.widthM = Math.max(1, trace.maxXM - trace.minXM) + 2;
    this.heightM = Math.max(1, trace.maxYM - trace.minYM) + 2;
    this.rects = [
      { xM: 0, yM: 0, widthM: this.widthM, heightM: this.heightM, label: 'trace area' },
    ];
    this.adoptionGroup = ownGroups(trace.persons.length);
  }

  init(m: Movers): void {
    this.tick(m, 0);
  }

  tick(m: Movers, tS: number): void {
    this.trace.sample(this.trace.startS + tS, m.xM, m.yM, m.present, m.venue);
    for (let p = 0; p < m.count; p++) {
      m.xM[p]! += 1 - this.originXM;
      m.yM[p]! += 1 - this.originYM;
      m.pauseUntilS[p] = Infinity;
    }
  }

  idle(m: Movers, p: number): void {
    m.pauseUntilS[p] = Infinity;
  }
}
