/**
 * A fake Radio and the tiny shared medium that connects fake radios, for tests: each advertising radio
 * emits its payload every `advertIntervalMs` of scheduler time, and every other radio that is scanning
 * at that moment hears it at the RSSI the test's `rssiDbm(from, to)` gives.
 * @module
 */
import type {
  Radio,
  ReceivedAdvert,
  ReceivedAdvertBatch,
  Scheduler,
  TimerHandle,
} from './ports.js';

export class FakeRadio implements Radio {
  advertising: { payload: Uint8Array; address: Uint8Array } | undefined;
  scanning = false;
  /** Every payload/address pair this radio started advertising, in order. */
  readonly advertised: { timeMs: number; payload: Uint8Array; address: Uint8Array }[] = [];
  private handler: ((advert: ReceivedAdvert) => void) | undefined;
  private batchHandler: ((batch: ReceivedAdvertBatch) => void) | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    readonly name: string,
    private readonly medium?: FakeRadioMedium,
  ) {
    medium?.attach(this);
  }

  startAdvertising(payload: Uint8Array, address: Uint8Array): void {
    this.advertising = { payload, address };
    this.advertised.push({ timeMs: this.medium?.scheduler.nowMs() ?? 0, payload, address });
    if (this.medium && this.timer === undefined) this.scheduleNext();
  }

  stopAdvertising(): void {
    this.advertising = undefined;
    if (this.timer !== undefined) this.medium?.scheduler.cancelTimer(this.timer);
    this.timer = undefined;
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

  onAdvertBatch(handler: (batch: ReceivedAdvertBatch) => void): void {
    this.batchHandler = handler;
  }

  /** Delivers a batch of receptions (ignored unless scanning), as a host sampling the air in bulk does. */
  receiveBatch(batch: ReceivedAdvertBatch): void {
    if (this.scanning) this.batchHandler?.(batch);
  }

  /** Delivers an advert as if heard over the air (ignored unless scanning, like a real radio). */
  receive(advert: ReceivedAdvert): void {
    if (this.scanning) this.handler?.(advert);
  }

  private scheduleNext(): void {
    const medium = this.medium!;
    this.timer = medium.scheduler.setTimer(
      medium.scheduler.nowMs() + medium.advertIntervalMs,
      () => {
        this.timer = undefined;
        if (!this.advertising) return;
        medium.broadcast(this, this.advertising.payload, this.advertising.address);
        this.scheduleNext();
      },
    );
  }
}

export class FakeRadioMedium {
  private readonly radios: FakeRadio[] = [];
  constructor(
    readonly scheduler: Scheduler,
    readonly rssiDbm: (from: FakeRadio, to: FakeRadio) => number | undefined,
    readonly advertIntervalMs = 250,
  ) {}

  attach(radio: FakeRadio): void {
    this.radios.push(radio);
  }

  broadcast(from: FakeRadio, payload: Uint8Array, address: Uint8Array): void {
    for (const to of this.radios) {
      if (to === from) continue;
      const rssiDbm = this.rssiDbm(from, to);
      if (rssiDbm !== undefined) to.receive({ payload, rssiDbm, address });
    }
  }
}
