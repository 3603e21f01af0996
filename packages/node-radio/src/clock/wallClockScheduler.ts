/**
 * The Scheduler port on the wall clock, for real radios.
 * @module
 */
import type { Scheduler, TimerHandle } from '@proxsense/core';

export class WallClockScheduler implements Scheduler {
  private nextHandle = 1;
  private readonly timers = new Map<TimerHandle, NodeJS.Timeout>();

  nowMs(): number {
    return Date.now();
  }

  setTimer(atMs: number, callback: () => void): TimerHandle {
    const handle = this.nextHandle++;
    // setTimeout's delay is a signed 32-bit ms count; longer waits are chained.
    const arm = () => {
      const delayMs = Math.min(Math.max(0, atMs - Date.now()), 2 ** 31 - 1);
      this.timers.set(
        handle,
        setTimeout(
          () => (Date.now() >= atMs ? (this.timers.delete(handle), callback()) : arm()),
          delayMs,
        ),
      );
    };
    arm();
    return handle;
  }

  cancelTimer(handle: TimerHandle): void {
    clearTimeout(this.timers.get(handle));
    this.timers.delete(handle);
  }

  /** Cancels every timer (the host is shutting down). */
  cancelAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
