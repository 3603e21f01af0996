/**
 * A market: rows of stalls facing aisles; sellers stay at their stalls all day; shoppers arrive through
 * the day (some in groups of 2–4 walking together), wander from stall to stall, pause, queue at busy
 * stalls, and leave after their visit.
 * @module
 */
import type { Movers } from '../mobility/movers.js';
import type { VenueRect } from '../report/reportData.js';
import type { Scenario } from '../scenario/schema.js';
import { Walls } from './walls.js';
import { ownGroups, type World, type WorldContext } from './world.js';

type MarketSpec = Extract<Scenario['world'], { kind: 'market' }>;

const SELLER = 1;
const WALKING = 2;
const AT_STALL = 3;
const QUEUING = 4;
const LEAVING = 5;
const STALL_DEPTH_M = 2;

export class MarketWorld implements World {
  readonly widthM: number;
  readonly heightM: number;
  readonly rects: VenueRect[] = [];
  readonly walls = new Walls();
  readonly adoptionGroup: Int32Array;
  private readonly stallFrontXM: number[] = [];
  private readonly stallFrontYM: number[] = [];
  /** +1 when the stall's aisle is above it, −1 below: queues extend into the aisle. */
  private readonly stallFacing: number[] = [];
  private readonly queueStall: boolean[] = [];
  private readonly queues: number[][] = [];
  private readonly serviceEndS: number[] = [];
  private readonly arriveS: Float64Array;
  private readonly leaveS: Float64Array;
  private readonly queueOf: Int32Array;
  private readonly sellers: number;

  constructor(
    private readonly spec: MarketSpec,
    private readonly ctx: WorldContext,
  ) {
    const n = ctx.people;
    const r = ctx.worldRandom;
    this.sellers = Math.min(n - 1, Math.round(spec.sellerShare * n));
    const stalls = Math.max(4, this.sellers);
    const perRow = Math.max(2, Math.ceil(Math.sqrt(stalls * 2)));
    const rowPairs = Math.ceil(stalls / (2 * perRow));
    // Each aisle has a row of stalls on both sides; pairs of rows are back to back.
    const pairH = 2 * STALL_DEPTH_M + spec.aisleM;
    for (let s = 0; s < stalls; s++) {
      const pair = Math.floor(s / (2 * perRow));
      const side = Math.floor(s / perRow) % 2; // 0: below the aisle, 1: above
      const xM = spec.aisleM + (s % perRow) * spec.stallWidthM;
      const yM =
        spec.aisleM + pair * (pairH + spec.aisleM) + (side ? STALL_DEPTH_M + spec.aisleM : 0);
      this.rects.push({
        xM,
        yM,
        widthM: spec.stallWidthM,
        heightM: STALL_DEPTH_M,
        label: `stall ${s + 1}`,
      });
      this.stallFrontXM.push(xM + spec.stallWidthM / 2);
      this.stallFrontYM.push(side ? yM - 0.4 : yM + STALL_DEPTH_M + 0.4);
      this.stallFacing.push(side ? -1 : 1);
      this.queueStall.push(r.chance(spec.queueStallShare));
      this.queues.push([]);
      this.serviceEndS.push(Infinity);
    }
    this.widthM = 2 * spec.aisleM + perRow * spec.stallWidthM;
    this.heightM = spec.aisleM + rowPairs * (pairH + spec.aisleM);
    this.arriveS = new Float64Array(n);
    this.leaveS = new Float64Array(n);
    this.queueOf = new Int32Array(n).fill(-1);
    this.adoptionGroup = ownGroups(n);
  }

  init(m: Movers): void {
    const { spec, ctx } = this;
    const r = ctx.worldRandom;
    for (let p = 0; p < m.count; p++) {
      if (p < this.sellers) {
        // Sellers stand behind their stall's counter, all day.
        m.place(p, this.stallFrontXM[p]!, this.stallFrontYM[p]! - this.stallFacing[p]! * 0.9, 0);
        m.mode[p] = SELLER;
        m.pauseUntilS[p] = Infinity;
        continue;
      }
      const visitS = ctx.personRandom[p]!.between(spec.visitS);
      this.arriveS[p] = ctx.personRandom[p]!.uniform(0, Math.max(1, ctx.durationS - visitS / 2));
      this.leaveS[p] = this.arriveS[p]! + visitS;
      m.present[p] = 0;
      m.place(p, NaN, NaN, -1);
    }
    // Groups: a share of shoppers follow another shopper (the leader arrives and chooses for them).
    let p = this.sellers;
    while (p < m.count) {
      const size = r.chance(spec.groupShare) ? 2 + r.nextInt(3) : 1;
      for (let k = 1; k < size && p + k < m.count; k++) {
        const angle = (2 * Math.PI * k) / size;
        m.follow(p + k, p, 0.7 * Math.cos(angle), 0.7 * Math.sin(angle));
        this.adoptionGroup[p + k] = p;
      }
      p += size;
    }
  }

  tick(m: Movers, tS: number): void {
    for (let p = this.sellers; p < m.count; p++) {
      if (m.leader[p]! >= 0) continue;
      if (!m.present[p] && m.mode[p] === 0 && this.arriveS[p]! <= tS) {
        m.present[p] = 1;
        m.place(p, 0.5, this.spec.aisleM / 2, 0);
        m.mode[p] = WALKING;
        this.goToStall(m, p);
      }
    }
    // Queues: the head is served, then leaves; the rest move up one place.
    for (let s = 0; s < this.queues.length; s++) {
      const q = this.queues[s]!;
      if (!q.length || this.serviceEndS[s]! > tS) continue;
      const head = q.shift()!;
      this.queueOf[head] = -1;
      m.mode[head] = WALKING;
      m.pauseUntilS[head] = 0;
      this.serviceEndS[s] = q.length ? tS + this.serviceS(q[0]!) : Infinity;
      q.forEach((p, i) => this.queueSpot(m, p, s, i));
    }
  }

  private serviceS(p: number): number {
    return this.ctx.personRandom[p]!.between(this.spec.serviceS);
  }

  private speed(p: number): number {
    return this.ctx.personRandom[p]!.between(this.spec.walkSpeedMps);
  }

  private queueSpot(m: Movers, p: number, stall: number, index: number): void {
    m.setTarget(
      p,
      this.stallFrontXM[stall]!,
      this.stallFrontYM[stall]! + this.stallFacing[stall]! * index * this.spec.queueSpacingM,
      this.speed(p),
    );
  }

  private goToStall(m: Movers, p: number): void {
    const r = this.ctx.personRandom[p]!;
    const s = r.nextInt(this.stallFrontXM.length);
    if (this.queueStall[s]) {
      const q = this.queues[s]!;
      q.push(p);
      this.queueOf[p] = s;
      m.mode[p] = QUEUING;
      if (q.length === 1) this.serviceEndS[s] = Number.POSITIVE_INFINITY; // set on arrival at the head
      this.queueSpot(m, p, s, q.length - 1);
      return;
    }
    m.mode[p] = WALKING;
    // Browsing: a spot along the stall's front, not its exact centre.
    m.setTarget(
      p,
      this.stallFrontXM[s]! + r.uniform(-0.4, 0.4) * this.spec.stallWidthM,
      this.stallFrontYM[s]! + this.stallFacing[s]! * r.uniform(0, 0.5),
      this.speed(p),
    );
  }

  idle(m: Movers, p: number, tS: number): void {
    const mode = m.mode[p];
    if (mode === LEAVING) {
      m.present[p] = 0;
      m.mode[p] = 0;
      this.arriveS[p] = Infinity;
      m.place(p, NaN, NaN, -1);
      return;
    }
    if (mode === QUEUING) {
      const s = this.queueOf[p]!;
      // At the head with nobody being served: service starts now; otherwise wait for the queue to move.
      if (this.queues[s]![0] === p && this.serviceEndS[s] === Infinity)
        this.serviceEndS[s] = tS + this.serviceS(p);
      m.pauseUntilS[p] = Infinity;
      return;
    }
    if (mode === AT_STALL || tS >= this.leaveS[p]!) {
      if (tS >= this.leaveS[p]!) {
        m.mode[p] = LEAVING;
        m.setTarget(p, 0.5, this.spec.aisleM / 2, this.speed(p));
        return;
      }
      m.mode[p] = WALKING;
      this.goToStall(m, p);
      return;
    }
    // Arrived at a stall (walking, or just served): look for a while.
    m.mode[p] = AT_STALL;
    m.pauseUntilS[p] = tS + this.ctx.personRandom[p]!.between(this.spec.pauseAtStallS);
  }
}
