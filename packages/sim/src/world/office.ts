/**
 * An open-plan office: desk clusters (two facing rows) separated by aisles, a corridor, meeting rooms
 * behind walls and a kitchen. People sit at their desks, take short walks (kitchen, a colleague's desk)
 * as a Poisson process, and go to scheduled meetings in the rooms.
 * @module
 */
import type { Movers } from '../mobility/movers.js';
import type { VenueRect } from '../report/reportData.js';
import type { Scenario } from '../scenario/schema.js';
import { Walls } from './walls.js';
import type { World, WorldContext } from './world.js';

type OfficeSpec = Extract<Scenario['world'], { kind: 'office' }>;

const AT_DESK = 0;
const ON_BREAK = 1;
const IN_MEETING = 2;
const CORRIDOR_M = 2;

interface Meeting {
  startS: number;
  endS: number;
  room: number;
  people: number[];
}

export class OfficeWorld implements World {
  readonly widthM: number;
  readonly heightM: number;
  readonly rects: VenueRect[] = [];
  readonly walls = new Walls();
  readonly adoptionGroup: Int32Array;
  private readonly deskXM: Float64Array;
  private readonly deskYM: Float64Array;
  private readonly rooms: VenueRect[] = [];
  private readonly kitchen: VenueRect;
  /** Meetings in start order, and the cursor of the next to start / the ones running. */
  private readonly meetings: Meeting[] = [];
  private nextMeeting = 0;
  private readonly running: Meeting[] = [];
  private readonly breakRatePerS: number;

  constructor(
    private readonly spec: OfficeSpec,
    private readonly ctx: WorldContext,
  ) {
    const n = ctx.people;
    const perRow = Math.max(1, Math.floor(spec.deskClusterSize / 2));
    const clusters = Math.ceil(n / (2 * perRow));
    const clusterW = perRow * spec.deskPitchM;
    const clusterH = 2 * spec.deskPitchM;
    const cols = Math.max(1, Math.ceil(Math.sqrt(clusters * 1.5)));
    const rows = Math.ceil(clusters / cols);
    this.deskXM = new Float64Array(n);
    this.deskYM = new Float64Array(n);
    this.adoptionGroup = new Int32Array(n);
    // Desks in clusters; a cluster is a team (the adoption group under `adoptionMode: groups`).
    for (let p = 0; p < n; p++) {
      const cluster = Math.floor(p / (2 * perRow));
      const seat = p % (2 * perRow);
      const cx = spec.aisleM + (cluster % cols) * (clusterW + spec.aisleM);
      const cy = spec.aisleM + Math.floor(cluster / cols) * (clusterH + spec.aisleM);
      this.deskXM[p] = cx + ((seat % perRow) + 0.5) * spec.deskPitchM;
      this.deskYM[p] = cy + (seat < perRow ? 0.25 : 1.75) * spec.deskPitchM;
      this.adoptionGroup[p] = cluster;
    }
    for (let c = 0; c < clusters; c++) {
      this.rects.push({
        xM: spec.aisleM + (c % cols) * (clusterW + spec.aisleM),
        yM: spec.aisleM + Math.floor(c / cols) * (clusterH + spec.aisleM),
        widthM: clusterW,
        heightM: clusterH,
        label: `desks ${c + 1}`,
      });
    }
    const deskAreaW = spec.aisleM + cols * (clusterW + spec.aisleM);
    const deskAreaH = spec.aisleM + rows * (clusterH + spec.aisleM);
    const [roomW, roomD] = spec.meetingRoomSizeM;
    const roomsY = deskAreaH + CORRIDOR_M;
    for (let r = 0; r < spec.meetingRooms; r++) {
      const room = {
        xM: r * roomW,
        yM: roomsY,
        widthM: roomW,
        heightM: roomD,
        label: `meeting ${r + 1}`,
      };
      this.rooms.push(room);
      this.rects.push(room);
      this.walls.addRect(0, room.xM, room.yM, room.widthM, room.heightM, spec.wallLossDb);
    }
    const kitchenX = Math.max(deskAreaW, spec.meetingRooms * roomW);
    this.kitchen = {
      xM: kitchenX,
      yM: deskAreaH - 4,
      widthM: 5,
      heightM: 4 + CORRIDOR_M,
      label: 'kitchen',
    };
    this.rects.push(this.kitchen);
    this.widthM = kitchenX + this.kitchen.widthM;
    this.heightM = roomsY + (spec.meetingRooms > 0 ? roomD : 0);
    this.breakRatePerS = spec.breaksPerHour / 3600;
    this.scheduleMeetings();
  }

  /** Fills rooms one meeting after another until the mean person attends `meetingsPerPersonPerDay` (scaled to the run). */
  private scheduleMeetings(): void {
    const { spec, ctx } = this;
    if (!this.rooms.length || spec.meetingsPerPersonPerDay === 0) return;
    const r = ctx.worldRandom;
    const wanted =
      (ctx.people * spec.meetingsPerPersonPerDay * Math.min(ctx.durationS, 8 * 3600)) / (8 * 3600);
    const busy: [number, number][][] = Array.from({ length: ctx.people }, () => []);
    const roomFreeS = new Float64Array(this.rooms.length).fill(0);
    let attended = 0;
    for (let guard = 0; attended < wanted && guard < 100_000; guard++) {
      let room = 0;
      for (let i = 1; i < roomFreeS.length; i++) if (roomFreeS[i]! < roomFreeS[room]!) room = i;
      const startS = roomFreeS[room]! + r.uniform(0, 1800);
      const endS = startS + r.between(spec.meetingDurationS);
      if (endS > ctx.durationS) break;
      roomFreeS[room] = endS;
      const size = Math.round(r.between(spec.meetingSize));
      // Colleagues meet more often than strangers: start from a random person's team and fill around it.
      const seed = r.nextInt(ctx.people);
      const people: number[] = [];
      for (let k = 0; k < ctx.people * 2 && people.length < size; k++) {
        const p = k < 2 * size ? (seed + k) % ctx.people : r.nextInt(ctx.people);
        if (people.includes(p) || busy[p]!.some(([a, b]) => a < endS + 120 && startS < b + 120))
          continue;
        people.push(p);
      }
      if (people.length < 2) continue;
      for (const p of people) busy[p]!.push([startS, endS]);
      this.meetings.push({ startS, endS, room, people });
      attended += people.length;
    }
    this.meetings.sort((a, b) => a.startS - b.startS || a.room - b.room);
  }

  init(m: Movers): void {
    for (let p = 0; p < m.count; p++) {
      m.place(p, this.deskXM[p]!, this.deskYM[p]!, 0);
      m.mode[p] = AT_DESK;
      m.pauseUntilS[p] = this.nextBreakS(p, 0);
    }
  }

  private nextBreakS(p: number, tS: number): number {
    if (this.breakRatePerS === 0) return Infinity;
    return tS - Math.log(1 - this.ctx.personRandom[p]!.nextFloat()) / this.breakRatePerS;
  }

  private speed(p: number): number {
    return this.ctx.personRandom[p]!.between(this.spec.walkSpeedMps);
  }

  tick(m: Movers, tS: number): void {
    while (
      this.nextMeeting < this.meetings.length &&
      this.meetings[this.nextMeeting]!.startS <= tS
    ) {
      const meeting = this.meetings[this.nextMeeting++]!;
      const room = this.rooms[meeting.room]!;
      meeting.people.forEach((p, i) => {
        // Seats around the table: two long sides, 0.6 m from the room's centre line.
        const along = (Math.floor(i / 2) + 0.5) / Math.ceil(meeting.people.length / 2);
        m.mode[p] = IN_MEETING;
        m.setTarget(
          p,
          room.xM + 0.5 + along * (room.widthM - 1),
          room.yM + room.heightM / 2 + (i % 2 ? 0.6 : -0.6),
          this.speed(p),
        );
      });
      this.running.push(meeting);
    }
    for (let i = this.running.length - 1; i >= 0; i--) {
      const meeting = this.running[i]!;
      if (meeting.endS > tS) continue;
      this.running.splice(i, 1);
      for (const p of meeting.people) {
        m.mode[p] = AT_DESK;
        m.setTarget(p, this.deskXM[p]!, this.deskYM[p]!, this.speed(p));
      }
    }
  }

  idle(m: Movers, p: number, tS: number): void {
    const r = this.ctx.personRandom[p]!;
    const atDesk = m.xM[p] === this.deskXM[p] && m.yM[p] === this.deskYM[p];
    if (m.mode[p] === IN_MEETING) {
      m.pauseUntilS[p] = Infinity; // until the meeting's end moves them
      return;
    }
    if (m.mode[p] === ON_BREAK) {
      if (atDesk) {
        m.mode[p] = AT_DESK;
        m.pauseUntilS[p] = this.nextBreakS(p, tS);
      } else if (m.pauseUntilS[p] === 0 || m.pauseUntilS[p]! > tS) {
        m.pauseUntilS[p] = tS + r.between(this.spec.breakDurationS);
      } else {
        m.setTarget(p, this.deskXM[p]!, this.deskYM[p]!, this.speed(p));
      }
      return;
    }
    if (!atDesk) {
      m.setTarget(p, this.deskXM[p]!, this.deskYM[p]!, this.speed(p));
      return;
    }
    if (m.pauseUntilS[p] === 0) {
      // Just back at the desk (a new target clears the pause): sit until the next short walk.
      m.pauseUntilS[p] = this.nextBreakS(p, tS);
      return;
    }
    // A short walk: the kitchen, or a colleague's desk (standing beside it).
    m.mode[p] = ON_BREAK;
    if (r.chance(0.5)) {
      const k = this.kitchen;
      m.setTarget(
        p,
        k.xM + r.uniform(0.5, k.widthM - 0.5),
        k.yM + r.uniform(0.5, k.heightM - 0.5),
        this.speed(p),
      );
    } else {
      const q = r.nextInt(m.count);
      m.setTarget(p, this.deskXM[q]! + 0.7, this.deskYM[q]!, this.speed(p));
    }
  }
}
