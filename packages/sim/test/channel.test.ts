import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Channel } from '../src/channel/channel.js';
import { UniformGrid } from '../src/grid/uniformGrid.js';
import { segmentsCross, Walls } from '../src/world/walls.js';
import { scenario } from './helpers.js';

const spec = scenario({ world: { kind: 'rwp' } }).channel;

describe('channel', () => {
  it('shadowing is the same for (a, b) and (b, a), finite, and deterministic per seed', () => {
    const channel = new Channel(spec, 7);
    fc.assert(
      fc.property(
        fc.nat(100_000),
        fc.nat(100_000),
        fc.double({ min: 0, max: 86_400, noNaN: true }),
        (a, b, t) => {
          const s = channel.shadowingDb(a, b, t);
          expect(Number.isFinite(s)).toBe(true);
          expect(s).toBe(channel.shadowingDb(b, a, t));
          expect(s).toBe(new Channel(spec, 7).shadowingDb(a, b, t));
        },
      ),
    );
  });

  it('shadowing has the configured spread at any instant and decorrelates over the correlation time', () => {
    const channel = new Channel({ ...spec, shadowingSigmaDb: 6, shadowingCorrelationS: 20 }, 1);
    const n = 20_000;
    let sum = 0;
    let sum2 = 0;
    let near = 0;
    let far = 0;
    for (let i = 0; i < n; i++) {
      // Instants between knots too: the variance must hold there as well.
      const t = 1000 + (i % 97) * 0.37;
      const s0 = channel.shadowingDb(i, i + 1, t);
      sum += s0;
      sum2 += s0 * s0;
      near += s0 * channel.shadowingDb(i, i + 1, t + 1);
      far += s0 * channel.shadowingDb(i, i + 1, t + 200);
    }
    const variance = sum2 / n - (sum / n) ** 2;
    expect(Math.abs(sum / n)).toBeLessThan(0.2);
    expect(Math.sqrt(variance)).toBeGreaterThan(5.6);
    expect(Math.sqrt(variance)).toBeLessThan(6.4);
    expect(near / n / variance).toBeGreaterThan(0.85);
    expect(Math.abs(far / n / variance)).toBeLessThan(0.05);
  });

  it('median RSSI falls 10·n dB per decade up to the breakpoint, 10·n_far beyond it, and by every loss', () => {
    const channel = new Channel({ ...spec, breakpointM: 5 }, 1);
    const base = { carryLossDb: 0, deviceOffsetDb: 0, wallLossDb: 0 };
    const at1 = channel.medianRssiDbm({ ...base, distanceM: 1 });
    expect(at1).toBeCloseTo(spec.rssiAt1mDbm, 9);
    expect(channel.medianRssiDbm({ ...base, distanceM: 0.5 }) - at1).toBeCloseTo(
      10 * spec.pathLossExponent * Math.log10(2),
      9,
    );
    expect(
      channel.medianRssiDbm({ ...base, distanceM: 5 }) -
        channel.medianRssiDbm({ ...base, distanceM: 50 }),
    ).toBeCloseTo(10 * spec.farPathLossExponent, 9);
    expect(
      channel.medianRssiDbm({ ...base, distanceM: 3, carryLossDb: 5, wallLossDb: 4 }),
    ).toBeCloseTo(channel.medianRssiDbm({ ...base, distanceM: 3 }) - 9, 9);
  });

  it('collision survival falls with advertisers in range and never exceeds the duty cycle', () => {
    const channel = new Channel(spec, 1);
    let last = channel.survivalProbability(0);
    expect(last).toBe(spec.scanDutyCycle);
    for (const n of [1, 10, 100, 1000]) {
      const p = channel.survivalProbability(n);
      expect(p).toBeLessThan(last);
      expect(p).toBeGreaterThan(0);
      last = p;
    }
  });
});

describe('walls', () => {
  it("a link through a closed room is attenuated once per wall crossed, only for that room's venue", () => {
    const walls = new Walls();
    walls.addRect(0, 10, 10, 5, 5, 4);
    expect(walls.lossBetweenDb(0, 12, 0, 12, 12, 0)).toBe(4); // outside → inside
    expect(walls.lossBetweenDb(0, 12, 0, 20, 12, 0)).toBe(8); // through both sides
    expect(walls.lossBetweenDb(0, 0, 0, 5, 0, 0)).toBe(0);
    expect(walls.lossBetweenDb(0, 12, 1, 20, 12, 1)).toBe(0); // other venues' walls are not tested
  });
  it("a link's wall loss is the sum over its ends' venues' walls it crosses, rooms or not, inside or out", () => {
    // Venue 0 and 1 are rooms (the in-room shortcut applies), venue 2 a room with a wall across it (it
    // must not), venue 3 a lone slanted wall.
    const coordinate = fc.double({ min: -5, max: 25, noNaN: true });
    const point = fc.tuple(coordinate, coordinate);
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 10, noNaN: true }),
            fc.double({ min: 0.5, max: 12, noNaN: true }),
          ),
          {
            minLength: 4,
            maxLength: 4,
          },
        ),
        fc.array(
          fc.tuple(point, fc.integer({ min: -1, max: 3 }), point, fc.integer({ min: -1, max: 3 })),
          {
            maxLength: 30,
          },
        ),
        (rooms, links) => {
          const walls = new Walls();
          const drawn: [number, number, number, number, number, number][] = [];
          const add = (
            v: number,
            x1: number,
            y1: number,
            x2: number,
            y2: number,
            lossDb: number,
          ) => {
            walls.add(v, x1, y1, x2, y2, lossDb);
            drawn.push([v, x1, y1, x2, y2, lossDb]);
          };
          rooms.slice(0, 3).forEach(([at, size], v) => {
            const r = [at, at + v, at + size, at + v + size] as const;
            add(v, r[0], r[1], r[2], r[1], 1 + v);
            add(v, r[2], r[1], r[2], r[3], 1 + v);
            add(v, r[2], r[3], r[0], r[3], 1 + v);
            add(v, r[0], r[3], r[0], r[1], 1 + v);
            if (v === 2) add(v, (r[0] + r[2]) / 2, r[1], (r[0] + r[2]) / 2, r[3], 7);
          });
          add(3, rooms[3]![0], 0, rooms[3]![0] + rooms[3]![1], 20, 5);
          for (const [[ax, ay], va, [bx, by], vb] of links) {
            let want = 0;
            for (const [v, x1, y1, x2, y2, lossDb] of drawn)
              if ((v === va || v === vb) && segmentsCross(ax, ay, bx, by, x1, y1, x2, y2))
                want += lossDb;
            expect(walls.lossBetweenDb(ax, ay, va, bx, by, vb)).toBe(want);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
  it('segmentsCross is symmetric in its segments', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 8, maxLength: 8 }),
        ([a, b, c, d, e, f, g, h]) => {
          expect(segmentsCross(a!, b!, c!, d!, e!, f!, g!, h!)).toBe(
            segmentsCross(e!, f!, g!, h!, a!, b!, c!, d!),
          );
        },
      ),
    );
  });
});

describe('uniform grid', () => {
  it('a radius query over the cells finds exactly the pairs brute force finds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 50, noNaN: true }),
            fc.double({ min: 0, max: 30, noNaN: true }),
            fc.boolean(),
          ),
          { minLength: 2, maxLength: 80 },
        ),
        fc.double({ min: 0.5, max: 12, noNaN: true }),
        (points, radius) => {
          const n = points.length;
          const x = Float64Array.from(points.map((p) => p[0]));
          const y = Float64Array.from(points.map((p) => p[1]));
          const present = Uint8Array.from(points.map((p) => (p[2] ? 1 : 0)));
          const grid = new UniformGrid(50, 30, 4, n);
          grid.build(x, y, present, n);
          const found = new Set<string>();
          for (let a = 0; a < n; a++) {
            if (!present[a]) continue;
            const k = grid.within(x[a]!, y[a]!, radius);
            for (let i = 0; i < k; i++) if (grid.found[i]! > a) found.add(`${a},${grid.found[i]}`);
          }
          const brute = new Set<string>();
          for (let a = 0; a < n; a++)
            for (let b = a + 1; b < n; b++)
              if (
                present[a] &&
                present[b] &&
                (x[b]! - x[a]!) ** 2 + (y[b]! - y[a]!) ** 2 <= radius * radius
              )
                brute.add(`${a},${b}`);
          expect([...found].sort()).toEqual([...brute].sort());
        },
      ),
    );
  });
});
