/**
 * Random waypoint as The ONE simulator runs it (Keränen et al., SIMUTools 2009: `RandomWaypoint` moved
 * by `DTNHost.move`, one `World.update` per step), so `proxsense sim run rwp` and The ONE do the same work:
 *
 * - t = 0: every walker at a uniform point of [0, W) × [0, H) and pausing until t = U(pause).
 * - An update from t to t + Δt moves only walkers whose pause is over at t (the clock reads the step's
 *   start while hosts move). A walker without a path draws one: speed U(speed), then a uniform waypoint.
 * - A step covers speed × Δt metres; a walker reaching its waypoint inside a step stops there, the rest of
 *   the step is lost, and its next pause ends at t + U(pause) (t: the step's start again).
 * - The step after a pause first snaps to the (unchanged) waypoint at the previous leg's speed, draws the
 *   new path, and walks its first step at that previous speed; later steps use the new speed. This is
 *   The ONE's own order of `setNextWaypoint` and `possibleMovement`, kept on purpose.
 *
 * Every walker draws from their own stream in The ONE's order (x, y, pause; then speed, x, y per leg;
 * pause on arrival); The ONE draws all walkers from one `java.util.Random`, so the numbers differ while
 * the distributions and the stepping are the same. The stepping runs in `tick`, so the shared
 * `stepMovers` loop leaves these walkers alone (their `pauseUntilS` is infinite).
 * @module
 */
import type { Movers } from '../mobility/movers.js';
import type { Scenario } from '../scenario/schema.js';
import { Walls } from './walls.js';
import { ownGroups, type World, type WorldContext } from './world.js';

type RwpSpec = Extract<Scenario['world'], { kind: 'rwp' }>;

/** Where a walker is in The ONE's path of two waypoints (its start, then its end). */
const NO_PATH = 0;
const NEXT_IS_END = 1;
const PATH_DONE = 2;

export class RandomWaypointWorld implements World {
  readonly widthM: number;
  readonly heightM: number;
  readonly rects;
  readonly walls = new Walls();
  readonly adoptionGroup: Int32Array;
  /** `tick` moves everyone; `stepMovers` has nothing to do. */
  readonly movesEveryone = true;
  /** Run time from which the walker moves again, s. */
  private readonly nextMoveS: Float64Array;
  /** Speed of the current leg, m/s (still the previous leg's on the first step after a pause). */
  private readonly speedMps: Float64Array;
  private readonly pathEndXM: Float64Array;
  private readonly pathEndYM: Float64Array;
  private readonly destXM: Float64Array;
  private readonly destYM: Float64Array;
  private readonly hasDest: Uint8Array;
  private readonly stage: Uint8Array;
  private lastTickS = 0;

  constructor(
    private readonly spec: RwpSpec,
    private readonly ctx: WorldContext,
  ) {
    this.widthM = spec.widthM;
    this.heightM = spec.heightM;
    this.rects = [{ xM: 0, yM: 0, widthM: spec.widthM, heightM: spec.heightM, label: 'area' }];
    this.adoptionGroup = ownGroups(ctx.people);
    const n = ctx.people;
    this.nextMoveS = new Float64Array(n);
    this.speedMps = new Float64Array(n);
    this.pathEndXM = new Float64Array(n);
    this.pathEndYM = new Float64Array(n);
    this.destXM = new Float64Array(n);
    this.destYM = new Float64Array(n);
    this.hasDest = new Uint8Array(n);
    this.stage = new Uint8Array(n);
  }

  init(m: Movers): void {
    for (let p = 0; p < m.count; p++) {
      const r = this.ctx.personRandom[p]!;
      m.place(p, r.uniform(0, this.widthM), r.uniform(0, this.heightM), 0);
      this.nextMoveS[p] = r.between(this.spec.pauseS);
      m.pauseUntilS[p] = Infinity;
    }
    this.lastTickS = 0;
  }

  /** One update from the previous tick's time to `tS`, every walker in index order. */
  tick(m: Movers, tS: number): void {
    const startS = this.lastTickS;
    const stepS = tS - startS;
    this.lastTickS = tS;
    if (stepS <= 0) return;
    const { xM, yM } = m;
    const { destXM, destYM, nextMoveS, hasDest, speedMps } = this;
    for (let p = 0; p < m.count; p++) {
      if (startS < nextMoveS[p]!) continue;
      if (!hasDest[p] && !this.nextWaypoint(m, p, startS)) continue;
      let possibleM = stepS * speedMps[p]!;
      let distM = distanceM(xM[p]!, yM[p]!, destXM[p]!, destYM[p]!);
      let done = false;
      while (possibleM >= distM) {
        xM[p] = destXM[p]!;
        yM[p] = destYM[p]!;
        possibleM -= distM;
        if (!this.nextWaypoint(m, p, startS)) {
          done = true;
          break;
        }
        distM = distanceM(xM[p]!, yM[p]!, destXM[p]!, destYM[p]!);
      }
      if (done) continue;
      xM[p]! += (possibleM / distM) * (destXM[p]! - xM[p]!);
      yM[p]! += (possibleM / distM) * (destYM[p]! - yM[p]!);
    }
  }

  /** The next waypoint and its speed; false (and a pause from `startS`) once the path is walked. */
  private nextWaypoint(m: Movers, p: number, startS: number): boolean {
    const r = this.ctx.personRandom[p]!;
    const stage = this.stage[p];
    if (stage === PATH_DONE) {
      this.nextMoveS[p] = startS + r.between(this.spec.pauseS);
      this.stage[p] = NO_PATH;
      return false;
    }
    this.hasDest[p] = 1;
    if (stage === NO_PATH) {
      this.speedMps[p] = r.between(this.spec.speedMps);
      this.pathEndXM[p] = r.uniform(0, this.widthM);
      this.pathEndYM[p] = r.uniform(0, this.heightM);
      // A path starts at The ONE's last waypoint, which is where the walker stands when it is drawn.
      this.destXM[p] = m.xM[p]!;
      this.destYM[p] = m.yM[p]!;
      this.stage[p] = NEXT_IS_END;
      return true;
    }
    this.destXM[p] = this.pathEndXM[p]!;
    this.destYM[p] = this.pathEndYM[p]!;
    this.stage[p] = PATH_DONE;
    return true;
  }

  idle(m: Movers, p: number): void {
    m.pauseUntilS[p] = Infinity;
  }
}

function distanceM(x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  return Math.sqrt(dx * dx + dy * dy);
}
