/**
 * Who moved this step: compares every person's position and presence with the previous step's, so the
 * grids and ground truth only revisit people who changed (most people stand still most of the time), and
 * lists apart those whose venue changed (in place too: the walls between two people depend on it).
 * One sequential pass over typed arrays per step, whatever the world did to change them; or, where
 * the step visited only some people (a `WakeSchedule`) and nobody else can have changed, a look at
 * those people alone.
 * @module
 */
import type { Movers } from '../mobility/movers.js';

export class MoveLog {
  /** People (ascending) whose position or presence changed at the last {@link scan}. */
  readonly moved: Int32Array;
  movedCount = 0;
  /** People whose venue changed at the last {@link scan} (moved or not). */
  readonly venueChanged: Int32Array;
  venueChangedCount = 0;
  /**
   * Who moved at the last scan, one bit a person: ground truth asks it of both people of every active
   * pair each step, and a district's bits stay in the first-level cache where a word a person did not.
   */
  private readonly movedBits: Uint32Array;
  scans = 0;
  private readonly lastXM: Float64Array;
  private readonly lastYM: Float64Array;
  private readonly lastPresent: Uint8Array;
  private readonly lastVenue: Int32Array;
  /** The schedule's step count at the last scan (see {@link scan}). */
  private scheduleSteps = -1;

  constructor(readonly count: number) {
    this.moved = new Int32Array(count);
    this.venueChanged = new Int32Array(count);
    this.movedBits = new Uint32Array(Math.ceil(count / 32));
    this.lastXM = new Float64Array(count).fill(NaN);
    this.lastYM = new Float64Array(count).fill(NaN);
    this.lastPresent = new Uint8Array(count);
    this.lastVenue = new Int32Array(count);
  }

  /**
   * Records who changed since the previous scan (the first scan: everyone present). When exactly one
   * step of a `WakeSchedule` passed since the previous scan, only the people it visited can have
   * changed, and only they are compared.
   */
  scan(m: Movers): void {
    const { xM, yM, present, venue } = m;
    const { lastXM, lastYM, lastPresent, lastVenue, moved, venueChanged, movedBits } = this;
    const schedule = m.schedule;
    const onlyVisited =
      this.scans > 0 && schedule !== undefined && schedule.steps === this.scheduleSteps + 1;
    this.scheduleSteps = schedule ? schedule.steps : -1;
    this.scans++;
    // Only the words the last scan set need clearing.
    for (let i = 0; i < this.movedCount; i++) movedBits[moved[i]! >>> 5] = 0;
    let n = 0;
    let changed = 0;
    const visited = onlyVisited ? schedule.visited : undefined;
    const looks = onlyVisited ? schedule.visitedCount : this.count;
    for (let i = 0; i < looks; i++) {
      const p = visited ? visited[i]! : i;
      const x = xM[p]!;
      const y = yM[p]!;
      const here = present[p]!;
      const v = venue[p]!;
      if (v !== lastVenue[p]) {
        lastVenue[p] = v;
        venueChanged[changed++] = p;
      }
      // NaN in the snapshot never compares equal, so the first scan records everyone present.
      if (x === lastXM[p] && y === lastYM[p] && here === lastPresent[p]) continue;
      if (!here && !lastPresent[p]) continue;
      lastXM[p] = x;
      lastYM[p] = y;
      lastPresent[p] = here;
      moved[n++] = p;
      movedBits[p >>> 5] = movedBits[p >>> 5]! | (1 << (p & 31));
    }
    this.movedCount = n;
    this.venueChangedCount = changed;
  }

  /** Whether p moved at the last scan. */
  movedNow(p: number): boolean {
    return ((this.movedBits[p >>> 5]! >>> (p & 31)) & 1) === 1;
  }
}
