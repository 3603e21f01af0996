/**
 * core's Radio port directly on an {@link Air}, with no HCI and no stack: what a simulator's virtual phone
 * is. It shares the air with virtual controllers, so one scenario can mix such phones with a device
 * running the real noble/bleno stacks.
 * @module
 */
import type { Radio, ReceivedAdvert } from '@proxsense/core';
import type { AdvertisingReport } from '../hci/packets.js';
import { ADDRESS_TYPE, ADV_TYPE } from '../hci/constants.js';
import type { AirEndpoint } from '../virtual/controller.js';
import type { Air } from './air.js';

/** Options of {@link AirRadio}. */
export interface AirRadioOptions {
  name?: string;
  /** Position on the air, m; default the origin. */
  positionM?: { x: number; y: number };
  /** Advertising interval range, ms; default 200–270 as the node-radio advertiser uses. */
  intervalMinMs?: number;
  intervalMaxMs?: number;
}

export class AirRadio implements Radio, AirEndpoint {
  readonly name: string;
  private adv: ReturnType<AirEndpoint['advertising']>;
  private scanning = false;
  private handler: ((advert: ReceivedAdvert) => void) | undefined;
  private readonly intervalMinMs: number;
  private readonly intervalMaxMs: number;

  constructor(
    private readonly air: Air,
    options: AirRadioOptions = {},
  ) {
    this.name = options.name ?? 'air-radio';
    this.intervalMinMs = options.intervalMinMs ?? 200;
    this.intervalMaxMs = options.intervalMaxMs ?? 270;
    air.attach(this, options.positionM);
  }

  startAdvertising(payload: Uint8Array, address: Uint8Array): void {
    this.adv = {
      pduType: ADV_TYPE.nonConnInd,
      addressType: ADDRESS_TYPE.random,
      address: Uint8Array.from(address),
      data: Uint8Array.from(payload),
      intervalMinMs: this.intervalMinMs,
      intervalMaxMs: this.intervalMaxMs,
    };
    this.air.advertisingChanged(this);
  }

  stopAdvertising(): void {
    this.adv = undefined;
    this.air.advertisingChanged(this);
  }

  startScanning(): void {
    this.scanning = true;
  }

  stopScanning(): void {
    this.scanning = false;
  }

  onAdvert(handler: (advert: ReceivedAdvert) => void): void {
    this.handler = handler;
  }

  advertising(): ReturnType<AirEndpoint['advertising']> {
    return this.adv;
  }

  listening(): boolean {
    return this.scanning;
  }

  hear(report: AdvertisingReport): void {
    this.handler?.({ payload: report.data, rssiDbm: report.rssiDbm, address: report.address });
  }
}
