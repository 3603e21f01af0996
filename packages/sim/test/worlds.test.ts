import { describe, expect, it } from 'vitest';
import { Movers, stepMovers } from '../src/mobility/movers.js';
import { RunStreams } from '../src/random/streams.js';
import type { ScenarioInput } from '../src/scenario/schema.js';
import { evaluate } from '../src/run/evaluate.js';
import { Simulation } from '../src/run/simulation.js';
import { createWorld } from '../src/world/create.js';
import { scenario } from './helpers.js';

function simulate(
  world: ScenarioInput['world'],
  people: number,
  durationS: number,
  check: (m: Movers, tS: number) => void,
) {
  const s = scenario({ world, durationS, people: { count: people } });
  const streams = new RunStreams(1);
  const mobility = streams.family('mobility');
  const personRandom = Array.from({ length: people }, () => mobility.next());
  const w = createWorld(s.world, {
    people,
    durationS,
    personRandom,
    worldRandom: streams.single('world'),
  });
  const m = new Movers(people);
  w.init(m);
  for (let t = 1; t <= durationS; t++) {
    stepMovers(m, w, t, 1);
    check(m, t);
  }
  return { world: w, movers: m };
}

function inside(m: Movers, p: number, w: { widthM: number; heightM: number }, marginM = 0.01) {
  return (
    m.xM[p]! >= -marginM &&
    m.xM[p]! <= w.widthM + marginM &&
    m.yM[p]! >= -marginM &&
    m.yM[p]! <= w.heightM + marginM
  );
}

describe('worlds', () => {
  it('rwp: walkers stay in the area and never move faster than the top speed', () => {
    const prev = { x: new Float64Array(50), y: new Float64Array(50) };
    let moved = 0;
    const { world } = simulate(
      { kind: 'rwp', widthM: 200, heightM: 100, speedMps: [0.5, 1.5], pauseS: [0, 120] },
      50,
      1800,
      (m, t) => {
        for (let p = 0; p < m.count; p++) {
          expect(inside(m, p, { widthM: 200, heightM: 100 })).toBe(true);
          if (t > 1) {
            const d = Math.hypot(m.xM[p]! - prev.x[p]!, m.yM[p]! - prev.y[p]!);
            expect(d).toBeLessThanOrEqual(1.5 + 1e-9);
            if (d > 0) moved++;
          }
          prev.x[p] = m.xM[p]!;
          prev.y[p] = m.yM[p]!;
        }
      },
    );
    expect(world.widthM).toBe(200);
    expect(moved).toBeGreaterThan(50 * 1800 * 0.3);
  });

  it('office: people stay in the building, mostly at their desks, and meetings fill rooms', () => {
    let atDesks = 0;
    let samples = 0;
    const desks = new Map<number, [number, number]>();
    let maxX = 0;
    let maxY = 0;
    let minXY = Infinity;
    const { world } = simulate({ kind: 'office', meetingRooms: 3 }, 60, 4 * 3600, (m, t) => {
      for (let p = 0; p < m.count; p++) {
        maxX = Math.max(maxX, m.xM[p]!);
        maxY = Math.max(maxY, m.yM[p]!);
        minXY = Math.min(minXY, m.xM[p]!, m.yM[p]!);
        if (t === 1) desks.set(p, [m.xM[p]!, m.yM[p]!]);
        if (t % 60 === 0) {
          samples++;
          const [dx, dy] = desks.get(p)!;
          if (m.xM[p] === dx && m.yM[p] === dy) atDesks++;
        }
      }
    });
    expect(minXY).toBeGreaterThanOrEqual(0);
    expect(maxX).toBeLessThanOrEqual(world.widthM);
    expect(maxY).toBeLessThanOrEqual(world.heightM);
    expect(atDesks / samples).toBeGreaterThan(0.5);
    expect(atDesks / samples).toBeLessThan(0.98);
    expect(world.walls.count).toBe(12);
  });

  it('bus: never more riders than places, riders come and go at stops', () => {
    const seen = new Set<number>();
    const places = 12 * 4 + 30;
    simulate({ kind: 'bus', seatRows: 12, standingPlaces: 30 }, 300, 3600, (m) => {
      let on = 0;
      for (let p = 0; p < m.count; p++) {
        if (!m.present[p]) continue;
        on++;
        seen.add(p);
      }
      expect(on).toBeLessThanOrEqual(places);
    });
    expect(seen.size).toBeGreaterThan(places);
  });

  it('market: shoppers arrive and leave; queues and groups keep people inside the market', () => {
    let maxPresent = 0;
    const { world, movers } = simulate(
      { kind: 'market', visitS: [600, 1200] },
      200,
      3 * 3600,
      (m) => {
        let present = 0;
        for (let p = 0; p < m.count; p++) if (m.present[p]) present++;
        maxPresent = Math.max(maxPresent, present);
      },
    );
    for (let p = 0; p < movers.count; p++)
      if (movers.present[p]) expect(inside(movers, p, world, 2)).toBe(true);
    expect(maxPresent).toBeLessThan(200);
    expect(movers.followerList().length).toBeGreaterThan(0);
  });

  it('city: people move between venues along streets', () => {
    const venuesVisited = new Set<number>();
    simulate({ kind: 'city', peoplePerVenue: 20 }, 200, 3600, (m) => {
      for (let p = 0; p < 20; p++) venuesVisited.add(m.venue[p]!);
    });
    expect(venuesVisited.has(-1)).toBe(true);
    expect(venuesVisited.size).toBeGreaterThan(5);
  });
});

describe('profiles on the air', () => {
  it('Bluezone: background iPhones do not see each other; GAEN phones are not limited', () => {
    const people = { count: 30, adoption: 1, iosShare: 1, iosForegroundShare: 0 };
    const world = { kind: 'office' as const, meetingRooms: 0 };
    const bz = new Simulation({
      scenario: scenario({ durationS: 1800, profile: 'bluezone', people, world }),
      seed: 2,
    }).run();
    const gaen = new Simulation({
      scenario: scenario({ durationS: 1800, profile: 'gaen', people, world }),
      seed: 2,
    }).run();
    expect(bz.air.counters.advertsDelivered).toBe(0);
    expect(bz.air.counters.linksBlockedIos).toBeGreaterThan(0);
    expect(gaen.air.counters.advertsDelivered).toBeGreaterThan(0);
  });

  it('Bluezone profile end to end: 15 s on / 15 s off adverts, 40 s scans, tracing through the F0 JSON file', () => {
    const sim = new Simulation({
      scenario: scenario({
        durationS: 3600,
        profile: 'bluezone',
        people: { count: 30, adoption: 1, iosShare: 0 },
        world: { kind: 'office', meetingRooms: 0 },
        tracing: { f0: [0, 1] },
      }),
      seed: 4,
    }).run();
    const { results, tracing } = evaluate(sim, { thresholdSweep: false });
    expect(tracing.keyFile.name).toBe('diagnosis-keys.json');
    expect(results.tracing.keysPublished).toBe(2);
    expect(results.sightingsStored).toBeGreaterThan(0);
    expect(results.tracing.notifiedF1).toBeGreaterThan(0);
  });
});
