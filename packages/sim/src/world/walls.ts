/**
 * Walls of venues: line segments with a loss each, grouped by venue so a link only tests the walls of the
 * venues its two ends are in (a city of thousands of venues costs no more per link than one office).
 * @module
 */
import type { VenueWall } from '../report/reportData.js';

export class Walls {
  private readonly x1: number[] = [];
  private readonly y1: number[] = [];
  private readonly x2: number[] = [];
  private readonly y2: number[] = [];
  private readonly lossDb: number[] = [];
  /** Walls of each venue, as indices, in the order added. */
  private readonly byVenue: number[][] = [];
  /**
   * What links read, made on the first query after a change: each venue's walls as one run of
   * (x1, y1, x2, y2, loss) at 5k … 5k + 4 of `packed`, venue v's walls being k in
   * [venueStart[v], venueStart[v + 1]). A link tests its ends' venues' walls from typed arrays, where
   * arrays of indices into number arrays cost a load that waits on the one before per wall.
   */
  private packed: Float64Array | undefined;
  private venueStart = new Int32Array(1);
  /**
   * Per venue whose walls all lie on the edges of their bounding box (a room: the city's venues), that
   * box as minX, minY, maxX, maxY at 4v … 4v + 3; NaN for other venues. A link strictly inside the box
   * crosses none of those walls (each wall's orientation test then has one exact sign for both ends),
   * so it skips the tests: two people in one room are a city's commonest close link.
   */
  private venueBox: Float64Array = new Float64Array(0);
  /** {@link lossBetweenDb}'s two ends and result, as a records caller's would be. */
  private readonly ends = new Float64Array(7);

  get count(): number {
    return this.x1.length;
  }

  add(venue: number, x1M: number, y1M: number, x2M: number, y2M: number, lossDb: number): void {
    const i = this.x1.length;
    this.x1.push(x1M);
    this.y1.push(y1M);
    this.x2.push(x2M);
    this.y2.push(y2M);
    this.lossDb.push(lossDb);
    (this.byVenue[venue] ??= []).push(i);
    this.packed = undefined;
  }

  /** The four walls of a rectangle. */
  addRect(
    venue: number,
    xM: number,
    yM: number,
    widthM: number,
    heightM: number,
    lossDb: number,
  ): void {
    this.add(venue, xM, yM, xM + widthM, yM, lossDb);
    this.add(venue, xM + widthM, yM, xM + widthM, yM + heightM, lossDb);
    this.add(venue, xM + widthM, yM + heightM, xM, yM + heightM, lossDb);
    this.add(venue, xM, yM + heightM, xM, yM, lossDb);
  }

  /** Total loss of the walls of venues `va` and `vb` that the segment a→b crosses, dB. */
  lossBetweenDb(ax: number, ay: number, va: number, bx: number, by: number, vb: number): number {
    const ends = this.ends;
    ends[0] = ax;
    ends[1] = ay;
    ends[2] = va;
    ends[3] = bx;
    ends[4] = by;
    ends[5] = vb;
    ends[6] = 0;
    this.addLossBetweenRecordsDb(ends, 0, 3, ends, 6);
    return ends[6];
  }

  /**
   * Adds {@link lossBetweenDb} for two people whose x, y and venue lie at `records[a]`, `[a + 1]`,
   * `[a + 2]` and `records[b]` … to `out[at]`: offsets in and a slot out, so a hot caller passes no
   * boxed numbers and gets none back (coordinates passed to a call the compiler did not inline were
   * boxed at every link: half of what a city run allocated).
   */
  addLossBetweenRecordsDb(
    records: Float64Array,
    a: number,
    b: number,
    out: Float64Array,
    at: number,
  ): void {
    const packed = this.packed ?? this.pack();
    const va = records[a + 2]!;
    const vb = records[b + 2]!;
    if (va >= 0) this.addCrossed(packed, va, records, a, b, out, at);
    if (vb >= 0 && vb !== va) this.addCrossed(packed, vb, records, a, b, out, at);
  }

  /** Adds to `out[at]` the loss of the walls of `venue` that the segment between the records at a and b crosses. */
  private addCrossed(
    packed: Float64Array,
    venue: number,
    records: Float64Array,
    a: number,
    b: number,
    out: Float64Array,
    at: number,
  ): void {
    const starts = this.venueStart;
    if (venue + 1 >= starts.length) return;
    const ax = records[a]!;
    const ay = records[a + 1]!;
    const bx = records[b]!;
    const by = records[b + 1]!;
    const box = this.venueBox;
    const k = 4 * venue;
    if (
      ax > box[k]! &&
      ax < box[k + 2]! &&
      ay > box[k + 1]! &&
      ay < box[k + 3]! &&
      bx > box[k]! &&
      bx < box[k + 2]! &&
      by > box[k + 1]! &&
      by < box[k + 3]!
    )
      return;
    let loss = 0;
    const end = 5 * starts[venue + 1]!;
    for (let w = 5 * starts[venue]!; w < end; w += 5)
      if (segmentsCross(ax, ay, bx, by, packed[w]!, packed[w + 1]!, packed[w + 2]!, packed[w + 3]!))
        loss += packed[w + 4]!;
    out[at] = out[at]! + loss;
  }

  private pack(): Float64Array {
    const venues = this.byVenue.length;
    const starts = new Int32Array(venues + 1);
    const packed = new Float64Array(5 * this.count);
    let k = 0;
    for (let v = 0; v < venues; v++) {
      starts[v] = k;
      for (const w of this.byVenue[v] ?? []) {
        packed.set([this.x1[w]!, this.y1[w]!, this.x2[w]!, this.y2[w]!, this.lossDb[w]!], 5 * k);
        k++;
      }
    }
    starts[venues] = k;
    this.venueStart = starts;
    this.venueBox = roomBoxes(packed, starts);
    this.packed = packed;
    return packed;
  }

  /** For the report's map. */
  toReport(): VenueWall[] {
    return this.x1.map((x1M, i) => ({
      x1M,
      y1M: this.y1[i]!,
      x2M: this.x2[i]!,
      y2M: this.y2[i]!,
      lossDb: this.lossDb[i]!,
    }));
  }
}

/** See `Walls.venueBox`: per venue, its walls' bounding box if they all lie on its edges, else NaN. */
function roomBoxes(packed: Float64Array, starts: Int32Array): Float64Array {
  const venues = starts.length - 1;
  const boxes = new Float64Array(4 * venues).fill(NaN);
  for (let v = 0; v < venues; v++) {
    const from = 5 * starts[v]!;
    const to = 5 * starts[v + 1]!;
    if (from === to) continue;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let w = from; w < to; w += 5) {
      minX = Math.min(minX, packed[w]!, packed[w + 2]!);
      maxX = Math.max(maxX, packed[w]!, packed[w + 2]!);
      minY = Math.min(minY, packed[w + 1]!, packed[w + 3]!);
      maxY = Math.max(maxY, packed[w + 1]!, packed[w + 3]!);
    }
    let onEdges = true;
    for (let w = from; w < to && onEdges; w += 5) {
      const [x1, y1, x2, y2] = [packed[w]!, packed[w + 1]!, packed[w + 2]!, packed[w + 3]!];
      onEdges =
        (x1 === x2 && (x1 === minX || x1 === maxX)) || (y1 === y2 && (y1 === minY || y1 === maxY));
    }
    if (onEdges) boxes.set([minX, minY, maxX, maxY], 4 * v);
  }
  return boxes;
}

/** Proper crossing of segments p1p2 and p3p4: each strictly separates the other's ends (grazing a wall's end or running along it is not crossing it). */
export function segmentsCross(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  x3: number,
  y3: number,
  x4: number,
  y4: number,
): boolean {
  const d1 = (x4 - x3) * (y1 - y3) - (y4 - y3) * (x1 - x3);
  const d2 = (x4 - x3) * (y2 - y3) - (y4 - y3) * (x2 - x3);
  const d3 = (x2 - x1) * (y3 - y1) - (y2 - y1) * (x3 - x1);
  const d4 = (x2 - x1) * (y4 - y1) - (y2 - y1) * (x4 - x1);
  return d1 * d2 < 0 && d3 * d4 < 0;
}
