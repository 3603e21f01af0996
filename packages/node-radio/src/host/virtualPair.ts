/**
 * Two devices on one virtual air, each running the real noble (and device A bleno) stacks on its own
 * virtual controller: what the end-to-end tests and `proxsense radio … --virtual` run.
 * @module
 */
import { SeededRandom, VirtualScheduler, type Scheduler, type TimerTarget } from '@proxsense/core';
import { Air } from '../air/air.js';
import type { AirChannel } from '../air/channel.js';
import { openNodeRadio, type NodeRadio } from '../radio/nodeRadio.js';
import type { StackFamily } from '../stacks/load.js';
import type { VirtualController } from '../virtual/controller.js';
import { virtualHciHub, type VirtualHciHub } from '../virtual/hub.js';
import { installVirtualHciSocket } from '../virtual/install.js';

/** Options of {@link startVirtualRadioPair}. */
export interface VirtualRadioPairOptions {
  /** Seed of the air's advDelay and interval draws; default 1. */
  seed?: number;
  /** Virtual time at the start, ms since the epoch; default 2026-01-01T00:00Z. */
  startMs?: number;
  /** Default: every advert at −60 dBm. */
  channel?: AirChannel;
  /** Distance between A and B, m (for channels that use positions); default 1. */
  distanceM?: number;
  /** Stack family both devices run: 'abandonware' (default) or the 'stoprocent' forks. */
  family?: StackFamily;
}

/** A device of the pair. */
export interface VirtualDevice {
  name: string;
  deviceId: number;
  controller: VirtualController;
  radio: NodeRadio;
}

/** A started pair on virtual time. */
export interface VirtualRadioPair {
  air: Air;
  scheduler: Scheduler & { nowMs(): number };
  hub: VirtualHciHub;
  /** A: bleno advertiser + noble scanner on hci0. B: noble scanner + advertiser on noble's socket, hci1. */
  a: VirtualDevice;
  b: VirtualDevice;
  /** Advances virtual time by `durationMs`, letting the stacks answer after every event. */
  runFor(durationMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Virtual time that lets the stacks (real event-loop code) run between timer events. */
export class SteppedScheduler extends VirtualScheduler {
  private readonly due: number[] = [];

  override setTimer(atMs: number, callback: () => void): number {
    const handle = super.setTimer(atMs, callback);
    this.due.push(Math.max(atMs, this.nowMs()));
    return handle;
  }

  override setTimerFor(atMs: number, target: TimerTarget, kind: number): number {
    const handle = super.setTimerFor(atMs, target, kind);
    this.due.push(Math.max(atMs, this.nowMs()));
    return handle;
  }

  /** Earliest time any timer was set for that is still ahead (cancelled ones included: harmless). */
  nextDueMs(): number | undefined {
    let best: number | undefined;
    let write = 0;
    const now = this.nowMs();
    for (const t of this.due) {
      if (t < now) continue;
      this.due[write++] = t;
      if (best === undefined || t < best) best = t;
    }
    this.due.length = write;
    return best;
  }

  /** Runs timers one instant at a time up to `untilMs`, awaiting `between` after each instant. */
  async runSteppedUntil(untilMs: number, between: () => Promise<void>): Promise<void> {
    for (;;) {
      // What the last instant started (a command sequence, stack replies) finishes before time moves on.
      await between();
      const next = this.nextDueMs();
      if (next === undefined || next > untilMs) break;
      this.due.splice(this.due.indexOf(next), 1);
      this.runUntil(next);
    }
    this.runUntil(untilMs);
    await between();
  }
}

/** Starts A and B on a fresh hub (hci0, hci1) and air; resolves once both stacks are powered on. */
export async function startVirtualRadioPair(
  options: VirtualRadioPairOptions = {},
): Promise<VirtualRadioPair> {
  installVirtualHciSocket();
  const hub = virtualHciHub();
  hub.clear();
  const scheduler = new SteppedScheduler(options.startMs ?? Date.UTC(2026, 0, 1));
  const air = new Air({
    scheduler,
    random: new SeededRandom(options.seed ?? 1),
    ...(options.channel ? { channel: options.channel } : {}),
  });
  const controllerA = air.addController({ name: 'A', positionM: { x: 0, y: 0 } });
  const controllerB = air.addController({
    name: 'B',
    positionM: { x: options.distanceM ?? 1, y: 0 },
  });
  const idA = hub.add(controllerA);
  const idB = hub.add(controllerB);
  const settle = () => (hub.pendingDeliveries > 0 ? hub.settle() : Promise.resolve());
  const family = options.family ? { family: options.family } : {};
  // The stacks power on through real event-loop turns (socket deliveries); no virtual time passes.
  const opened = await Promise.allSettled([
    openNodeRadio({ deviceId: idA, advertiseVia: 'bleno', ...family }),
    openNodeRadio({ deviceId: idB, advertiseVia: 'noble', ...family }),
  ]);
  const failed = opened.find((o) => o.status === 'rejected');
  if (failed) {
    // Close what did open, or its stack's device poll holds the process.
    await Promise.all(
      opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : Promise.resolve())),
    );
    throw failed.reason;
  }
  const [radioA, radioB] = opened.map((o) => (o as PromiseFulfilledResult<NodeRadio>).value) as [
    NodeRadio,
    NodeRadio,
  ];
  await hub.settle();
  return {
    air,
    scheduler,
    hub,
    a: { name: 'A', deviceId: idA, controller: controllerA, radio: radioA },
    b: { name: 'B', deviceId: idB, controller: controllerB, radio: radioB },
    runFor: (durationMs) =>
      scheduler.runSteppedUntil(scheduler.nowMs() + durationMs, () => settle()),
    async close() {
      await Promise.all([radioA.close(), radioB.close()]);
      await hub.settle();
      air.close();
    },
  };
}
