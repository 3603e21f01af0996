import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '@proxsense/core';

/**
 * Bucket layouts: the default (every timer here in its first bucket) and narrow wheels of a few buckets,
 * so timers go through all three tiers (heap, wheel, far heap) and wheels turn and skip.
 */
const wheel = fc.oneof(
  fc.constant({}),
  fc.record({
    bucketMs: fc.constantFrom(0.5, 1, 3, 7, 40),
    buckets: fc.constantFrom(2, 4, 16),
  }),
);

describe('virtual scheduler', () => {
  it('runs timers in (time, creation) order, skips cancelled ones, and timers set while running', () => {
    fc.assert(
      fc.property(
        // Up to 2,000 timers: a heap several levels deep, whose last level is partly filled.
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean(), fc.nat(30), fc.boolean()),
          {
            maxLength: 2000,
          },
        ),
        fc.integer({ min: 0, max: 60 }),
        wheel,
        (timers, untilMs, options) => {
          const scheduler = new VirtualScheduler(0, options);
          const ran: number[] = [];
          const expected: { atMs: number; order: number; id: number }[] = [];
          let order = 0;
          // Targets (setTimerFor) and callbacks (setTimer) share one order.
          const target = { onTimer: (id: number) => fire(id) };
          const fire = (id: number) => {
            ran.push(id);
            const [atMs, , childDelayMs] = timers[id]!;
            // A timer set while running goes after everything due at the same time already set.
            if (childDelayMs % 3 === 0)
              scheduler.setTimer(atMs + childDelayMs, () => ran.push(-id - 1));
          };
          timers.forEach(([atMs, cancel, , viaTarget], id) => {
            const handle = viaTarget
              ? scheduler.setTimerFor(atMs, target, id)
              : scheduler.setTimer(atMs, () => fire(id));
            if (cancel) scheduler.cancelTimer(handle);
            else expected.push({ atMs, order: order, id });
            order++;
          });
          scheduler.runUntil(untilMs);
          const parents = ran.filter((id) => id >= 0);
          const want = expected
            .filter((t) => t.atMs <= untilMs)
            .sort((a, b) => a.atMs - b.atMs || a.order - b.order)
            .map((t) => t.id);
          expect(parents).toEqual(want);
          expect(scheduler.nowMs()).toBe(untilMs);
          for (const id of ran.filter((r) => r < 0)) {
            const [atMs, , delay] = timers[-id - 1]!;
            expect(atMs + delay).toBeLessThanOrEqual(untilMs);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fires exactly as a sorted list would, over interleaved sets, cancels and runs', () => {
    type Op =
      | { op: 'set'; inMs: number; spawnMs: number }
      | { op: 'cancel'; pick: number }
      | { op: 'run'; forMs: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          op: fc.constant('set' as const),
          inMs: fc.nat(400),
          spawnMs: fc.integer({ min: -1, max: 200 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('run' as const), forMs: fc.nat(150) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), wheel, (ops, options) => {
        const scheduler = new VirtualScheduler(0, options);
        const fired: number[] = [];
        const target = { onTimer: (id: number) => fired.push(id) };
        // The model: every pending timer (time, handle, id, spawn) in a list, sorted before each pick.
        // A timer with spawn ≥ 0 sets a child (id −id − 1) that many ms after it fires.
        // Order: creation, the tie-break; handle: the scheduler's (opaque) handle of a timer set here.
        type Pending = { atMs: number; order: number; handle: number; id: number; spawnMs: number };
        let model: Pending[] = [];
        const modelFired: number[] = [];
        let order = 0;
        let modelNowMs = 0;
        const handles: number[] = [];
        let nextId = 0;
        const schedule = (atMs: number, id: number, spawnMs: number) =>
          spawnMs < 0
            ? scheduler.setTimerFor(atMs, target, id)
            : scheduler.setTimer(atMs, () => {
                fired.push(id);
                schedule(scheduler.nowMs() + spawnMs, -id - 1, -1);
              });
        for (const o of ops) {
          if (o.op === 'set') {
            const id = nextId++;
            const atMs = modelNowMs + o.inMs;
            const handle = schedule(atMs, id, o.spawnMs);
            handles.push(handle);
            model.push({ atMs, order: order++, handle, id, spawnMs: o.spawnMs });
          } else if (o.op === 'cancel' && handles.length) {
            const handle = handles[o.pick % handles.length]!;
            scheduler.cancelTimer(handle);
            model = model.filter((m) => m.handle !== handle);
          } else if (o.op === 'run') {
            const untilMs = modelNowMs + o.forMs;
            scheduler.runUntil(untilMs);
            for (;;) {
              model.sort((x, y) => x.atMs - y.atMs || x.order - y.order);
              const next = model[0];
              if (!next || next.atMs > untilMs) break;
              model.shift();
              modelFired.push(next.id);
              if (next.spawnMs >= 0)
                // A child's handle is the scheduler's own: nothing cancels it.
                model.push({
                  atMs: next.atMs + next.spawnMs,
                  order: order++,
                  handle: -1,
                  id: -next.id - 1,
                  spawnMs: -1,
                });
            }
            modelNowMs = untilMs;
            expect(scheduler.nowMs()).toBe(untilMs);
          }
        }
        expect(fired).toEqual(modelFired);
        expect(scheduler.pending).toBeGreaterThanOrEqual(model.length);
      }),
      { numRuns: 100 },
    );
  });

  it('a timer in the past runs at the current time', () => {
    const scheduler = new VirtualScheduler(1000);
    const at: number[] = [];
    scheduler.setTimer(10, () => at.push(scheduler.nowMs()));
    scheduler.runUntil(1000);
    expect(at).toEqual([1000]);
    expect(scheduler.pending).toBe(0);
  });

  it('timers at Infinity run only at runUntil(Infinity); a NaN time and a bad layout are refused', () => {
    const scheduler = new VirtualScheduler(0, { bucketMs: 10, buckets: 4 });
    const ran: string[] = [];
    scheduler.setTimer(Infinity, () => ran.push('never-until-infinity'));
    scheduler.setTimer(1e9, () => ran.push('far'));
    scheduler.setTimer(25, () => ran.push('wheel'));
    scheduler.setTimer(5, () => ran.push('near'));
    scheduler.runUntil(1e12);
    expect(ran).toEqual(['near', 'wheel', 'far']);
    expect(scheduler.pending).toBe(1);
    scheduler.runUntil(Infinity);
    expect(ran.at(-1)).toBe('never-until-infinity');
    expect(scheduler.pending).toBe(0);
    expect(() => scheduler.setTimer(NaN, () => {})).toThrow(/NaN/);
    expect(() => new VirtualScheduler(0, { buckets: 1000 })).toThrow(/power of two/);
    expect(() => new VirtualScheduler(0, { bucketMs: 0 })).toThrow(/bucketMs/);
  });
});
