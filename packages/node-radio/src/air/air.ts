/**
 * The air several virtual controllers share: each advertising controller sends an advertising event every
 * advertising interval plus the 0–10 ms pseudo-random advDelay (Core 5.x Vol 6 Part B §4.4.2.2.1), and
 * every other controller whose scan window is open at that instant hears it at the RSSI the channel gives.
 * Time is a core `Scheduler`: virtual (a `VirtualScheduler`, tests and `--virtual` runs) or the wall clock.
 * @module
 */
import type { Random, Scheduler, TimerHandle } from '@proxsense/core';
import {
  VirtualController,
  type AirEndpoint,
  type AirLink,
  type VirtualControllerOptions,
} from '../virtual/controller.js';
import { fixedRssiChannel, type AirChannel, type AirPosition } from './channel.js';

/** Options of {@link Air}. */
export interface AirOptions {
  scheduler: Scheduler;
  /** Draws advDelay and the interval inside [min, max]; a seeded one makes a run reproducible. */
  random: Random;
  /** Default: every advert at −60 dBm. */
  channel?: AirChannel;
}

/** A node: a controller (or any {@link AirEndpoint}) at a position. */
export interface AirNode extends AirPosition {
  readonly endpoint: AirEndpoint;
}

/** Counts of what happened on the air. */
export interface AirStats {
  advertisingEvents: number;
  receptions: number;
  lostToChannel: number;
  /** Advert × node pairs where the node was not listening (not scanning, or between scan windows). */
  notListening: number;
}

/** advDelay: 0–10 ms added to every advertising interval (Vol 6 Part B §4.4.2.2.1). */
export const ADV_DELAY_MAX_MS = 10;

export class Air implements AirLink {
  readonly stats: AirStats = {
    advertisingEvents: 0,
    receptions: 0,
    lostToChannel: 0,
    notListening: 0,
  };
  private readonly nodes: AirNode[] = [];
  private readonly byEndpoint = new Map<AirEndpoint, AirNode>();
  private readonly timers = new Map<AirEndpoint, TimerHandle>();
  private readonly channel: AirChannel;

  constructor(private readonly options: AirOptions) {
    this.channel = options.channel ?? fixedRssiChannel(-60);
  }

  get scheduler(): Scheduler {
    return this.options.scheduler;
  }

  nowMs(): number {
    return this.options.scheduler.nowMs();
  }

  /** A new virtual controller on this air at `positionM` (default the origin). */
  addController(
    options: VirtualControllerOptions & { positionM?: { x: number; y: number } } = {},
  ): VirtualController {
    const controller = new VirtualController(options);
    this.attach(controller, options.positionM);
    return controller;
  }

  /** Puts any endpoint (a controller, or a simulator's radio) on the air. */
  attach(endpoint: AirEndpoint, positionM = { x: 0, y: 0 }): AirNode {
    const node: AirNode = { index: this.nodes.length, positionM, endpoint };
    this.nodes.push(node);
    this.byEndpoint.set(endpoint, node);
    if (endpoint instanceof VirtualController) endpoint.attachAir(this);
    this.advertisingChanged(endpoint);
    return node;
  }

  /** Moves a node (tests walk devices apart). */
  move(endpoint: AirEndpoint, positionM: { x: number; y: number }): void {
    const node = this.byEndpoint.get(endpoint);
    if (node) (node as { positionM: { x: number; y: number } }).positionM = positionM;
  }

  advertisingChanged(endpoint: AirEndpoint): void {
    const timer = this.timers.get(endpoint);
    if (timer !== undefined) this.options.scheduler.cancelTimer(timer);
    this.timers.delete(endpoint);
    if (endpoint.advertising()) this.scheduleEvent(endpoint, this.nowMs() + this.advDelayMs());
  }

  /** Stops every advertising timer (the air is done). */
  close(): void {
    for (const t of this.timers.values()) this.options.scheduler.cancelTimer(t);
    this.timers.clear();
  }

  private scheduleEvent(endpoint: AirEndpoint, atMs: number): void {
    this.timers.set(
      endpoint,
      this.options.scheduler.setTimer(atMs, () => {
        this.timers.delete(endpoint);
        const adv = endpoint.advertising();
        if (!adv) return;
        this.advertisingEvent(endpoint, adv);
        const intervalMs =
          adv.intervalMinMs + this.unit() * (adv.intervalMaxMs - adv.intervalMinMs);
        this.scheduleEvent(endpoint, this.nowMs() + intervalMs + this.advDelayMs());
      }),
    );
  }

  private advertisingEvent(
    from: AirEndpoint,
    adv: NonNullable<ReturnType<AirEndpoint['advertising']>>,
  ): void {
    this.stats.advertisingEvents++;
    const fromNode = this.byEndpoint.get(from)!;
    const now = this.nowMs();
    for (const node of this.nodes) {
      if (node.endpoint === from) continue;
      if (!node.endpoint.listening(now)) {
        this.stats.notListening++;
        continue;
      }
      const rssiDbm = this.channel.rssiDbm(fromNode, node, now);
      if (rssiDbm === undefined) {
        this.stats.lostToChannel++;
        continue;
      }
      this.stats.receptions++;
      node.endpoint.hear({
        eventType: adv.pduType,
        addressType: adv.addressType,
        address: adv.address,
        data: adv.data,
        rssiDbm,
      });
    }
  }

  private unit(): number {
    const b = this.options.random.randomBytes(4);
    return ((b[0]! | (b[1]! << 8) | (b[2]! << 16)) >>> 0) / 16777216;
  }

  private advDelayMs(): number {
    return this.unit() * ADV_DELAY_MAX_MS;
  }
}
