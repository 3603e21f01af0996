import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '@proxsense/core';

describe('virtual scheduler', () => {
  it('runs timers in (time, creation) order, skips cancelled ones, and timers set while running', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean(), fc.nat(30)), {
          maxLength: 300,
        }),
        fc.integer({ min: 0, max: 60 }),
        (timers, untilMs) => {
          const scheduler = new VirtualScheduler(0);
          const ran: number[] = [];
          const expected: { atMs: number; order: number; id: number }[] = [];
          let order = 0;
          timers.forEach(([atMs, cancel, childDelayMs], id) => {
            const handle = scheduler.setTimer(atMs, () => {
              ran.push(id);
              // A timer set while running goes after everything due at the same time already set.
              if (childDelayMs % 3 === 0)
                scheduler.setTimer(atMs + childDelayMs, () => ran.push(-id - 1));
            });
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
      { numRuns: 300 },
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
});
