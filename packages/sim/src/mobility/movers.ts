/**
 * People's positions and motion, structure-of-arrays: every person moves toward a target at a speed,
 * pauses, or follows a leader at an offset. Worlds (office, bus, market, …) only decide targets and pauses;
 * the stepping loop is shared and allocation-free.
 * @module
 */
import { WakeSchedule } from './wakeSchedule.js';

/** What a world decides for its people; see {@link stepMovers}. */
export interface MobilityWorld {
  /** A person with no target whose pause is over: give a target (`setTarget`) or a pause (`pauseUntilS`). */
  idle(m: Movers, person: number, tS: number): void;
  /** Called before people move at each step: scheduled events (meetings, bus stops, arrivals). */
  tick?(m: Movers, tS: number): void;
  /**
   * True when `tick` moves everyone itself and nobody ever gets a target, a finite pause or a leader
   * (random waypoint, traces): {@link stepMovers} then skips its per-person loop, which would do nothing.
   */
  readonly movesEveryone?: boolean;
  /**
   * True when, once `init` has run, the world changes a person (position, presence, venue, motion,
   * pause) only inside that person's own `idle` call, has no `tick` and no followers (a city of walks
   * and pauses): {@link stepMovers} then visits only the people walking or whose pause is due (a
   * {@link WakeSchedule}), and tells the move log whom it visited, instead of looking at everyone.
   */
  readonly onlyIdleChanges?: boolean;
}

export class Movers {
  readonly xM: Float64Array;
  readonly yM: Float64Array;
  readonly targetXM: Float64Array;
  readonly targetYM: Float64Array;
  readonly speedMps: Float32Array;
  /** The person stays put until this time, s (Infinity: until a world event moves them). */
  readonly pauseUntilS: Float64Array;
  /** 1 while walking to the target. */
  readonly moving: Uint8Array;
  /** 1 while in the simulated area (0: away, e.g. off the bus or not yet at the market). */
  readonly present: Uint8Array;
  /** Venue the person is in (−1: street or none); walls are looked up per venue. */
  readonly venue: Int32Array;
  /** Person this one walks with (−1: none): followers copy the leader's position plus an offset. */
  readonly leader: Int32Array;
  readonly offsetXM: Float32Array;
  readonly offsetYM: Float32Array;
  /** World-specific state per person (what they are doing). */
  readonly mode: Uint8Array;
  private readonly followers: number[] = [];
  /** Who to visit, for worlds with {@link MobilityWorld.onlyIdleChanges} (made at their first step). */
  schedule: WakeSchedule | undefined;

  constructor(readonly count: number) {
    this.xM = new Float64Array(count);
    this.yM = new Float64Array(count);
    this.targetXM = new Float64Array(count);
    this.targetYM = new Float64Array(count);
    this.speedMps = new Float32Array(count);
    this.pauseUntilS = new Float64Array(count);
    this.moving = new Uint8Array(count);
    this.present = new Uint8Array(count).fill(1);
    this.venue = new Int32Array(count).fill(-1);
    this.leader = new Int32Array(count).fill(-1);
    this.offsetXM = new Float32Array(count);
    this.offsetYM = new Float32Array(count);
    this.mode = new Uint8Array(count);
  }

  /** Puts a person somewhere at once (arriving, boarding, the start). */
  place(p: number, xM: number, yM: number, venue = this.venue[p]!): void {
    this.xM[p] = xM;
    this.yM[p] = yM;
    this.venue[p] = venue;
    this.moving[p] = 0;
  }

  setTarget(p: number, xM: number, yM: number, speedMps: number): void {
    this.targetXM[p] = xM;
    this.targetYM[p] = yM;
    this.speedMps[p] = speedMps;
    this.moving[p] = 1;
    this.pauseUntilS[p] = 0;
  }

  follow(p: number, leader: number, offsetXM: number, offsetYM: number): void {
    this.leader[p] = leader;
    this.offsetXM[p] = offsetXM;
    this.offsetYM[p] = offsetYM;
    this.followers.push(p);
  }

  /** Followers in the order they were attached (leaders are never followers). */
  followerList(): readonly number[] {
    return this.followers;
  }
}

/**
 * Advances everyone by `dtS` to time `tS`: the world's scheduled events first, then each present
 * non-follower either waits, walks (arriving exactly on the target, then pausing as the world says), or
 * asks the world what next; followers last.
 */
export function stepMovers(m: Movers, world: MobilityWorld, tS: number, dtS: number): void {
  if (world.onlyIdleChanges) {
    stepScheduled(m, world, tS, dtS);
    return;
  }
  world.tick?.(m, tS);
  if (world.movesEveryone) return;
  const { present, leader } = m;
  for (let p = 0; p < m.count; p++) {
    if (!present[p] || leader[p]! >= 0) continue;
    stepPerson(m, world, p, tS, dtS);
  }
  const { xM, yM } = m;
  for (const p of m.followerList()) {
    const l = leader[p]!;
    present[p] = present[l]!;
    xM[p] = xM[l]! + m.offsetXM[p]!;
    yM[p] = yM[l]! + m.offsetYM[p]!;
    m.venue[p] = m.venue[l]!;
  }
}

/** One present non-follower's step: wait, walk (arriving exactly on the target), or ask the world. */
function stepPerson(m: Movers, world: MobilityWorld, p: number, tS: number, dtS: number): void {
  const { xM, yM, targetXM, targetYM, moving } = m;
  if (!moving[p]) {
    if (m.pauseUntilS[p]! <= tS) world.idle(m, p, tS);
    return;
  }
  const dx = targetXM[p]! - xM[p]!;
  const dy = targetYM[p]! - yM[p]!;
  const distM = Math.sqrt(dx * dx + dy * dy);
  const stepM = m.speedMps[p]! * dtS;
  if (stepM >= distM) {
    xM[p] = targetXM[p]!;
    yM[p] = targetYM[p]!;
    moving[p] = 0;
    world.idle(m, p, tS);
  } else {
    xM[p]! += (dx / distM) * stepM;
    yM[p]! += (dy / distM) * stepM;
  }
}

/**
 * {@link stepMovers} for a world with {@link MobilityWorld.onlyIdleChanges}: the same visits in the same
 * (ascending) order as the loop over everyone, made only to the people walking or whose pause is due.
 */
function stepScheduled(m: Movers, world: MobilityWorld, tS: number, dtS: number): void {
  let schedule = m.schedule;
  if (!schedule) {
    if (world.tick || m.followerList().length > 0)
      throw new Error('internal: a world with onlyIdleChanges has a tick or followers');
    schedule = m.schedule = new WakeSchedule(m.count);
    for (let p = 0; p < m.count; p++) {
      if (m.moving[p]) schedule.wake(p);
      else schedule.sleepUntil(p, m.pauseUntilS[p]!);
    }
  }
  schedule.wakeDue(tS);
  const { awake, visited } = schedule;
  const { present, leader, moving, pauseUntilS } = m;
  let visitedCount = 0;
  for (let w = 0; w < awake.length; w++) {
    let bits = awake[w]!;
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const p = 32 * w + 31 - Math.clz32(low);
      visited[visitedCount++] = p;
      if (present[p] && leader[p]! < 0) {
        stepPerson(m, world, p, tS, dtS);
        if (moving[p]) continue;
        schedule.sleepUntil(p, pauseUntilS[p]!);
      }
      awake[w] = awake[w]! & ~low;
    }
  }
  schedule.visitedCount = visitedCount;
  schedule.steps++;
}
