import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MoveLog } from '../src/grid/moveLog.js';
import { Movers, stepMovers, type MobilityWorld } from '../src/mobility/movers.js';
import { WakeSchedule } from '../src/mobility/wakeSchedule.js';
import { RunStreams } from '../src/random/streams.js';
import { createWorld } from '../src/world/create.js';
import type { World } from '../src/world/world.js';
import { scenario } from './helpers.js';

function cityOf(seed: number, people: number, pauseInVenueS: [number, number]): World {
  const s = scenario({
    world: { kind: 'city', peoplePerVenue: 5, dwellS: [60, 300], pauseInVenueS },
    durationS: 600,
    people: { count: people },
  });
  const streams = new RunStreams(seed);
  const mobility = streams.family('mobility');
  return createWorld(s.world, {
    people,
    durationS: 600,
    personRandom: Array.from({ length: people }, () => mobility.next()),
    worldRandom: streams.single('world'),
  });
}

describe('WakeSchedule', () => {
  it('wakes exactly the people whose pause has come, whatever the order they were pushed in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(63), fc.integer({ min: 0, max: 50 })), { maxLength: 300 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 10 }),
        (pauses, checks) => {
          const schedule = new WakeSchedule(64);
          const pending = pauses.map(([p, untilS]) => ({ p, untilS }));
          for (const { p, untilS } of pending) schedule.sleepUntil(p, untilS);
          schedule.sleepUntil(3, Infinity);
          for (const tS of [...checks].sort((a, b) => a - b)) {
            schedule.wakeDue(tS);
            const expected = new Set<number>();
            for (let i = pending.length - 1; i >= 0; i--)
              if (pending[i]!.untilS <= tS) {
                expected.add(pending[i]!.p);
                pending.splice(i, 1);
              }
            const woken = new Set<number>();
            for (let p = 0; p < 64; p++)
              if ((schedule.awake[p >>> 5]! >>> (p & 31)) & 1) woken.add(p);
            expect(woken).toEqual(expected);
            expect(schedule.pending).toBe(pending.length);
            schedule.awake.fill(0);
          }
        },
      ),
    );
  });

  it('a city stepped through its schedule matches the loop over everyone, step for step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 2, max: 60 }),
        fc.constantFrom<[number, number]>([0, 0], [0, 5], [3, 40], [60, 900]),
        // Steps the move logs skip (0: none): their next scan must still see what those steps changed.
        fc.constantFrom(0, 2, 3, 7),
        (seed, people, pauseInVenueS, unseenEvery) => {
          const scheduled = cityOf(seed, people, pauseInVenueS);
          const city = cityOf(seed, people, pauseInVenueS);
          // The same world without the flag: stepMovers loops over everyone.
          const everyone: MobilityWorld = { idle: (m, p, tS) => city.idle(m, p, tS) };
          const a = new Movers(people);
          const b = new Movers(people);
          scheduled.init(a);
          city.init(b);
          const logA = new MoveLog(people);
          const logB = new MoveLog(people);
          for (let tS = 1; tS <= 300; tS++) {
            stepMovers(a, scheduled, tS, 1);
            stepMovers(b, everyone, tS, 1);
            expect(a.xM).toEqual(b.xM);
            expect(a.yM).toEqual(b.yM);
            expect(a.venue).toEqual(b.venue);
            expect(a.moving).toEqual(b.moving);
            expect(a.pauseUntilS).toEqual(b.pauseUntilS);
            if (unseenEvery > 0 && tS % unseenEvery === 0) continue;
            logA.scan(a);
            logB.scan(b);
            expect(logA.moved.subarray(0, logA.movedCount)).toEqual(
              logB.moved.subarray(0, logB.movedCount),
            );
            expect(logA.venueChanged.subarray(0, logA.venueChangedCount)).toEqual(
              logB.venueChanged.subarray(0, logB.venueChangedCount),
            );
          }
          expect(a.schedule).toBeDefined();
          expect(b.schedule).toBeUndefined();
        },
      ),
      { numRuns: 25 },
    );
  });
});
