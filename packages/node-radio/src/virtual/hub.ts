/**
 * The virtual HCI devices of this process (hci0, hci1, …) that virtual sockets bind to. One hub per
 * process, kept on `globalThis` so the ESM build, the CJS build and the `--require` preload share it.
 * @module
 */
import type { VirtualController } from './controller.js';

export class VirtualHciHub {
  private readonly devices: VirtualController[] = [];
  private pending = 0;
  private readonly idleWaiters: (() => void)[] = [];

  /** Registers a controller as the next hciN; returns N. */
  add(controller: VirtualController): number {
    this.devices.push(controller);
    return this.devices.length - 1;
  }

  /** The controller of hci`deviceId` (default hci0, as the stacks bind without an id). */
  device(deviceId: number | undefined): VirtualController | undefined {
    return this.devices[deviceId ?? 0];
  }

  get size(): number {
    return this.devices.length;
  }

  /** Forgets every device (between tests). */
  clear(): void {
    this.devices.length = 0;
  }

  /** Socket deliveries queued and not yet run: counted so a driver can wait until the stacks are idle. */
  deliveryQueued(): void {
    this.pending++;
  }

  deliveryDone(): void {
    this.pending--;
    if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  get pendingDeliveries(): number {
    return this.pending;
  }

  /**
   * Resolves once no delivery is queued after a few event-loop turns: the stacks' replies to replies
   * (noble answers Read Local Version with more commands) run before it resolves.
   */
  async settle(maxTurns = 1000): Promise<void> {
    let quiet = 0;
    for (let turn = 0; turn < maxTurns && quiet < 3; turn++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      quiet = this.pending === 0 ? quiet + 1 : 0;
    }
  }
}

const KEY = Symbol.for('proxsense.node-radio.virtualHciHub');

/** The process-wide hub. */
export function virtualHciHub(): VirtualHciHub {
  const g = globalThis as { [KEY]?: VirtualHciHub };
  return (g[KEY] ??= new VirtualHciHub());
}
