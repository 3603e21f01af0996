/**
 * A city bus on its route all day: 2 + 2 seat rows with an aisle, standing places, a stop every
 * `stopIntervalS`. At each stop riders whose ride is over leave, and people waiting board until the
 * occupancy is near its mean; they sit when a seat is free and stand otherwise. People off the bus are
 * away (not in the simulated area).
 * @module
 */
import type { Movers } from '../mobility/movers.js';
import type { VenueRect } from '../report/reportData.js';
import type { Scenario } from '../scenario/schema.js';
import { Walls } from './walls.js';
import { ownGroups, type World, type WorldContext } from './world.js';

type BusSpec = Extract<Scenario['world'], { kind: 'bus' }>;

const BUS_WIDTH_M = 2.5;
const SEAT_Y_M = [0.35, 0.8, 1.7, 2.15];
const AISLE_Y_M = 1.25;
const FRONT_M = 1.5;
const STANDING_SPACING_M = 0.45;
const WALK_MPS = 0.8;

export class BusWorld implements World {
  readonly widthM: number;
  readonly heightM = BUS_WIDTH_M;
  readonly rects: VenueRect[];
  readonly walls = new Walls();
  readonly adoptionGroup: Int32Array;
  private readonly placeXM: number[] = [];
  private readonly placeYM: number[] = [];
  private readonly seats: number;
  /** Person at each place (−1: free). */
  private readonly occupant: Int32Array;
  private readonly placeOf: Int32Array;
  private readonly stopsLeft: Int32Array;
  private nextStopS = 0;

  constructor(
    private readonly spec: BusSpec,
    private readonly ctx: WorldContext,
  ) {
    for (let row = 0; row < spec.seatRows; row++) {
      for (const y of SEAT_Y_M) {
        this.placeXM.push(FRONT_M + (row + 0.5) * spec.seatPitchM);
        this.placeYM.push(y);
      }
    }
    this.seats = this.placeXM.length;
    const lengthM = FRONT_M + spec.seatRows * spec.seatPitchM + 1;
    for (let s = 0; s < spec.standingPlaces; s++) {
      // Standing along the aisle first, then two abreast.
      const lane = Math.floor(s / Math.max(1, Math.floor((lengthM - 0.5) / STANDING_SPACING_M)));
      const along = s % Math.max(1, Math.floor((lengthM - 0.5) / STANDING_SPACING_M));
      this.placeXM.push(0.5 + along * STANDING_SPACING_M);
      this.placeYM.push(AISLE_Y_M + (lane === 0 ? 0 : lane % 2 ? 0.3 : -0.3));
    }
    this.widthM = lengthM;
    this.rects = [{ xM: 0, yM: 0, widthM: lengthM, heightM: BUS_WIDTH_M, label: 'bus' }];
    this.occupant = new Int32Array(this.placeXM.length).fill(-1);
    this.placeOf = new Int32Array(ctx.people).fill(-1);
    this.stopsLeft = new Int32Array(ctx.people);
    // Riders travelling together are not modelled: each adopts on their own.
    this.adoptionGroup = ownGroups(ctx.people);
  }

  init(m: Movers): void {
    m.present.fill(0);
    for (let p = 0; p < m.count; p++) m.place(p, NaN, NaN, -1);
  }

  tick(m: Movers, tS: number): void {
    if (tS < this.nextStopS) return;
    this.nextStopS = tS + this.spec.stopIntervalS;
    const r = this.ctx.worldRandom;
    for (let p = 0; p < m.count; p++) {
      if (!m.present[p] || --this.stopsLeft[p]! > 0) continue;
      this.occupant[this.placeOf[p]!] = -1;
      this.placeOf[p] = -1;
      m.present[p] = 0;
      m.place(p, NaN, NaN, -1);
    }
    let onBoard = 0;
    for (let p = 0; p < m.count; p++) onBoard += m.present[p]!;
    // Boarding brings the load back towards its mean, with Poisson-like scatter between stops.
    const target = Math.min(
      this.occupant.length,
      Math.max(
        0,
        Math.round(
          this.spec.meanOccupancy * this.seats +
            r.nextGaussian() * Math.sqrt(this.spec.meanOccupancy * this.seats + 1),
        ),
      ),
    );
    for (let guard = 0; onBoard < target && guard < 20 * m.count; guard++) {
      const p = r.nextInt(m.count);
      if (m.present[p]) continue;
      const place = this.freePlace(r.nextFloat());
      if (place < 0) break;
      this.occupant[place] = p;
      this.placeOf[p] = place;
      this.stopsLeft[p] = Math.round(r.between(this.spec.rideStops));
      m.present[p] = 1;
      m.place(p, 0.5, AISLE_Y_M, 0);
      m.setTarget(p, this.placeXM[place]!, this.placeYM[place]!, WALK_MPS);
      onBoard++;
    }
  }

  /** A free seat picked at random when there is one, else the first free standing place. */
  private freePlace(u: number): number {
    const freeSeats: number[] = [];
    for (let s = 0; s < this.seats; s++) if (this.occupant[s] === -1) freeSeats.push(s);
    if (freeSeats.length) return freeSeats[Math.floor(u * freeSeats.length)]!;
    for (let s = this.seats; s < this.occupant.length; s++) if (this.occupant[s] === -1) return s;
    return -1;
  }

  idle(m: Movers, p: number): void {
    m.pauseUntilS[p] = Infinity; // seated or standing until their stop
  }
}
