/**
 * core's Radio port on a Linux HCI device: a {@link NobleScanner} and an {@link HciAdvertiser} on one
 * adapter, scanning paused around each address change.
 * @module
 */
import type { Radio, ReceivedAdvert } from '@proxsense/core';
import {
  HciAdvertiser,
  type AdvertiserError,
  type HciAdvertiserOptions,
} from '../advertiser/hciAdvertiser.js';
import { HciEventGuard } from '../hci/eventGuard.js';
import { NobleScanner, type NobleScannerOptions } from '../scanner/nobleScanner.js';
import { adapterStateError, loadBleno, loadNoble, type StackFamily } from '../stacks/load.js';
import type { BlenoLike, NobleLike } from '../stacks/types.js';

/** Options of {@link openNodeRadio}. */
export interface NodeRadioOptions {
  /** HCI device index (hciN); default: the stacks' environment variables, else hci0. */
  deviceId?: number;
  /**
   * Whose HCI socket carries the advertising commands: 'bleno' (default; the Pi set-up) or 'noble'
   * (a second device in one process: bleno is a singleton).
   */
  advertiseVia?: 'bleno' | 'noble';
  scanner?: NobleScannerOptions;
  advertiser?: Omit<HciAdvertiserOptions, 'beforeAddressChange' | 'afterAddressChange'>;
  /** Stack family: 'abandonware' (default) or the 'stoprocent' forks. */
  family?: StackFamily;
  /** How long to wait for the adapter to power on, ms; default 10 000. */
  readyTimeoutMs?: number;
}

export class NodeRadio implements Radio {
  constructor(
    readonly scanner: NobleScanner,
    readonly advertiser: HciAdvertiser,
    private readonly bleno: BlenoLike | undefined,
    /** The guard in front of the stacks' sockets: malformed controller packets counted and dropped. */
    readonly hciGuard: HciEventGuard = new HciEventGuard(),
  ) {}

  startAdvertising(payload: Uint8Array, address: Uint8Array): void {
    this.advertiser.advertise(payload, address);
  }

  stopAdvertising(): void {
    this.advertiser.stop();
  }

  startScanning(): void {
    this.scanner.start();
  }

  stopScanning(): void {
    this.scanner.stop();
  }

  onAdvert(handler: (advert: ReceivedAdvert) => void): void {
    this.scanner.onAdvert(handler);
  }

  /** Stops advertising and scanning and ends both stacks' device polls, so the process can exit. */
  async close(): Promise<void> {
    this.advertiser.stop();
    await this.advertiser.idle();
    this.advertiser.close();
    this.scanner.close();
    if (this.bleno) endDevicePoll(this.bleno);
  }
}

/** bleno re-arms a 1 s device poll forever, as noble does; an own no-op ends the chain. */
function endDevicePoll(bleno: BlenoLike): void {
  bleno._bindings._hci.pollIsDevUp = () => {};
}

function blenoReady(bleno: BlenoLike, timeoutMs: number): Promise<void> {
  if (bleno.state === 'poweredOn') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(adapterStateError('bleno', bleno.state, timeoutMs)),
      timeoutMs,
    );
    timer.unref?.();
    const finish = (error?: Error) => {
      clearTimeout(timer);
      bleno.off('stateChange', onState);
      if (error) reject(error);
      else resolve();
    };
    const onState = (state: string) => {
      if (state === 'poweredOn') finish();
      else if (state === 'unauthorized' || state === 'unsupported')
        finish(adapterStateError('bleno', state));
    };
    // The first 'stateChange' listener is what starts bleno's HCI layer.
    bleno.on('stateChange', onState);
  });
}

/** Opens the stacks on one adapter and resolves once both are powered on. */
export async function openNodeRadio(options: NodeRadioOptions = {}): Promise<NodeRadio> {
  const via = options.advertiseVia ?? 'bleno';
  const timeoutMs = options.readyTimeoutMs ?? 10_000;
  const stack = {
    ...(options.deviceId === undefined ? {} : { deviceId: options.deviceId }),
    ...(options.family ? { family: options.family } : {}),
  };
  const bleno = via === 'bleno' ? loadBleno(stack) : undefined;
  const noble: NobleLike = loadNoble(stack);
  const scanner = new NobleScanner(noble, options.scanner);
  const hciGuard = new HciEventGuard();
  // Before the stacks start where their sockets exist already; in any case once they are up.
  const guardSockets = () => {
    for (const hci of [noble._bindings?._hci, bleno?._bindings?._hci])
      if (hci?._socket) hciGuard.guard(hci._socket);
  };
  guardSockets();
  try {
    await Promise.all([scanner.ready(timeoutMs), bleno ? blenoReady(bleno, timeoutMs) : undefined]);
  } catch (error) {
    // The stacks would keep polling the device every second and hold the process open.
    scanner.close();
    if (bleno) endDevicePoll(bleno);
    throw error;
  }
  guardSockets();
  const socket = bleno ? bleno._bindings._hci._socket : noble._bindings._hci._socket;
  const advertiser = new HciAdvertiser(socket, {
    ...options.advertiser,
    beforeAddressChange: () => scanner.pause(),
    afterAddressChange: () => scanner.resume(),
  });
  return new NodeRadio(scanner, advertiser, bleno, hciGuard);
}

export type { AdvertiserError };
