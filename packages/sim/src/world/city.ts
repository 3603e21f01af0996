/**
 * A city district at constant density: one venue (a walled room: shop, office floor, café) per
 * `peoplePerVenue` people on a street grid. People stay in a venue for a while, moving between spots
 * with pauses, then walk along the street to a nearby venue. The scale scenario: cost grows with people,
 * not with people².
 * @module
 */
import type { Movers } from '../mobility/movers.js';
import type { VenueRect } from '../report/reportData.js';
import type { Scenario } from '../scenario/schema.js';
import { Walls } from './walls.js';
import { ownGroups, type World, type WorldContext } from './world.js';

type CitySpec = Extract<Scenario['world'], { kind: 'city' }>;

const IN_VENUE = 0;
const WALKING_TO_VENUE = 1;
/** Next venues are drawn among those within this many blocks, so walks stay a few minutes long. */
const NEIGHBOURHOOD_BLOCKS = 2;

export class CityWorld implements World {
  readonly widthM: number;
  readonly heightM: number;
  readonly rects: VenueRect[] = [];
  readonly walls = new Walls();
  readonly adoptionGroup: Int32Array;
  /** People change only in their own `idle` (walks, pauses, venues): steps visit only who is due. */
  readonly onlyIdleChanges = true;
  private readonly cols: number;
  private readonly venueCount: number;
  private readonly dwellUntilS: Float64Array;
  private readonly destination: Int32Array;

  constructor(
    private readonly spec: CitySpec,
    private readonly ctx: WorldContext,
  ) {
    const r = ctx.worldRandom;
    this.venueCount = Math.max(1, Math.ceil(ctx.people / spec.peoplePerVenue));
    this.cols = Math.ceil(Math.sqrt(this.venueCount));
    const block = spec.venueSizeM[1] + spec.streetM;
    for (let v = 0; v < this.venueCount; v++) {
      const size = r.between(spec.venueSizeM);
      const xM = (v % this.cols) * block + spec.streetM + (spec.venueSizeM[1] - size) / 2;
      const yM = Math.floor(v / this.cols) * block + spec.streetM + (spec.venueSizeM[1] - size) / 2;
      this.rects.push({ xM, yM, widthM: size, heightM: size });
      this.walls.addRect(v, xM, yM, size, size, spec.wallLossDb);
    }
    this.widthM = this.cols * block + spec.streetM;
    this.heightM = Math.ceil(this.venueCount / this.cols) * block + spec.streetM;
    this.dwellUntilS = new Float64Array(ctx.people);
    this.destination = new Int32Array(ctx.people);
    this.adoptionGroup = ownGroups(ctx.people);
  }

  init(m: Movers): void {
    for (let p = 0; p < m.count; p++) {
      const r = this.ctx.personRandom[p]!;
      const v = r.nextInt(this.venueCount);
      const [x, y] = this.spotIn(v, p);
      m.place(p, x, y, v);
      m.mode[p] = IN_VENUE;
      // Staggered: everyone is somewhere in the middle of a stay at the start.
      this.dwellUntilS[p] = r.uniform(0, this.spec.dwellS[1]);
      m.pauseUntilS[p] = r.between(this.spec.pauseInVenueS);
    }
  }

  private spotIn(v: number, p: number): [number, number] {
    const rect = this.rects[v]!;
    const r = this.ctx.personRandom[p]!;
    return [
      rect.xM + r.uniform(0.3, rect.widthM - 0.3),
      rect.yM + r.uniform(0.3, rect.heightM - 0.3),
    ];
  }

  private speed(p: number): number {
    return this.ctx.personRandom[p]!.between(this.spec.walkSpeedMps);
  }

  idle(m: Movers, p: number, tS: number): void {
    const r = this.ctx.personRandom[p]!;
    if (m.mode[p] === WALKING_TO_VENUE) {
      // Through the door: inside the new venue.
      const v = this.destination[p]!;
      m.venue[p] = v;
      m.mode[p] = IN_VENUE;
      this.dwellUntilS[p] = tS + r.between(this.spec.dwellS);
      const [x, y] = this.spotIn(v, p);
      m.setTarget(p, x, y, this.speed(p));
      return;
    }
    if (tS >= this.dwellUntilS[p]!) {
      const from = m.venue[p]!;
      const v = this.nearbyVenue(from, p);
      const rect = this.rects[v]!;
      this.destination[p] = v;
      m.mode[p] = WALKING_TO_VENUE;
      m.venue[p] = -1; // on the street
      m.setTarget(p, rect.xM + rect.widthM / 2, rect.yM, this.speed(p));
      return;
    }
    if (m.pauseUntilS[p] === 0) {
      m.pauseUntilS[p] = tS + r.between(this.spec.pauseInVenueS);
      return;
    }
    const [x, y] = this.spotIn(m.venue[p]!, p);
    m.setTarget(p, x, y, this.speed(p));
  }

  private nearbyVenue(from: number, p: number): number {
    const r = this.ctx.personRandom[p]!;
    const rows = Math.ceil(this.venueCount / this.cols);
    const fromCol = from % this.cols;
    const fromRow = Math.floor(from / this.cols);
    for (;;) {
      const col = fromCol + r.nextInt(2 * NEIGHBOURHOOD_BLOCKS + 1) - NEIGHBOURHOOD_BLOCKS;
      const row = fromRow + r.nextInt(2 * NEIGHBOURHOOD_BLOCKS + 1) - NEIGHBOURHOOD_BLOCKS;
      const v = row * this.cols + col;
      if (
        col >= 0 &&
        col < this.cols &&
        row >= 0 &&
        row < rows &&
        v < this.venueCount &&
        (v !== from || this.venueCount === 1)
      )
        return v;
    }
  }
}
