/**
 * One entry for hosts (the CLI's `radio` commands): a started radio on a real adapter (wall clock) or on
 * a virtual pair (virtual time, with the other device of the pair as a simulated peer).
 * @module
 */
import type { Scheduler } from '@proxsense/core';
import type { AirChannel } from '../air/channel.js';
import { WallClockScheduler } from '../clock/wallClockScheduler.js';
import { openNodeRadio, type NodeRadio } from '../radio/nodeRadio.js';
import type { StackFamily } from '../stacks/load.js';
import { startVirtualRadioPair, type VirtualDevice, type VirtualRadioPair } from './virtualPair.js';

/** Options of {@link openRadioHost}. */
export interface RadioHostOptions {
  /** Run on a virtual pair instead of hardware. */
  virtual?: boolean;
  /** Hardware: HCI device index (hciN). */
  deviceId?: number;
  /** Stack family: 'abandonware' (default) or the 'stoprocent' forks. */
  family?: StackFamily;
  /** Virtual: seed of the air; channel model; distance to the peer, m. */
  seed?: number;
  channel?: AirChannel;
  distanceM?: number;
}

/** A started radio and its clock. */
export interface RadioHost {
  radio: NodeRadio;
  scheduler: Scheduler;
  /** Virtual runs: the pair, whose device B is the simulated peer. */
  pair?: VirtualRadioPair;
  peer?: VirtualDevice;
  /** Lets `durationMs` of the host's time pass (virtual: instantly; hardware: waits). */
  runFor(durationMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function openRadioHost(options: RadioHostOptions = {}): Promise<RadioHost> {
  if (options.virtual) {
    const pair = await startVirtualRadioPair({
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.channel ? { channel: options.channel } : {}),
      ...(options.distanceM !== undefined ? { distanceM: options.distanceM } : {}),
      ...(options.family ? { family: options.family } : {}),
    });
    return {
      radio: pair.a.radio,
      scheduler: pair.scheduler,
      pair,
      peer: pair.b,
      runFor: (ms) => pair.runFor(ms),
      close: () => pair.close(),
    };
  }
  const scheduler = new WallClockScheduler();
  const radio = await openNodeRadio({
    ...(options.deviceId === undefined ? {} : { deviceId: options.deviceId }),
    ...(options.family ? { family: options.family } : {}),
  });
  return {
    radio,
    scheduler,
    runFor: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    async close() {
      scheduler.cancelAll();
      await radio.close();
    },
  };
}
