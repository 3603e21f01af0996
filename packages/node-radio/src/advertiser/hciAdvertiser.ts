/**
 * The advertising half of the Radio port, as raw HCI commands on a stack's socket (bleno's, or noble's
 * for a second device in one process). Neither stack can set a random address or advertise
 * non-connectable (bleno hard-codes ADV_IND from the public address), so every (re)start runs
 *   LE Set Advertising Enable (off) → LE Set Random Address (0x2005, only when it changed; scanning
 *   paused around it, since controllers refuse it while scanning) → LE Set Advertising Parameters
 *   (ADV_NONCONN_IND, own address random, 200–270 ms) → LE Set Advertising Data (exact bytes) → enable,
 * each command waiting for its Command Complete. Disabling first matters: re-enabling while enabled fails
 * on some Raspberry Pi controllers. A failed step aborts the sequence, leaving advertising off rather
 * than sending a new ID from an old address.
 * @module
 */
import { InputError, ProxsenseError } from '@proxsense/core';
import {
  ADDRESS_TYPE,
  ADV_TYPE,
  MAX_ADV_DATA_BYTES,
  OPCODE,
  SLOT_MS,
  STATUS,
} from '../hci/constants.js';
import { commandPacket, readCommandComplete } from '../hci/packets.js';
import type { HciSocketLike } from '../stacks/types.js';

/** Options of {@link HciAdvertiser}. */
export interface HciAdvertiserOptions {
  /** Advertising interval range, ms; default 200–270 (GAEN: "200–270 ms"). */
  intervalMinMs?: number;
  intervalMaxMs?: number;
  /** Called before the random address changes (pause scanning) and after (resume). */
  beforeAddressChange?: () => Promise<void> | void;
  afterAddressChange?: () => void;
  /** How long to wait for a Command Complete, ms; default 2000. */
  commandTimeoutMs?: number;
  /** A sequence failed (the error names the command and the controller's status). */
  onError?: (error: AdvertiserError) => void;
}

/** A command of an advertising sequence failed. */
export class AdvertiserError extends ProxsenseError {
  constructor(
    readonly command: string,
    readonly status: number | 'timeout',
  ) {
    super(
      `${command} ${status === 'timeout' ? 'got no Command Complete' : `failed: ${statusName(status)} (0x${status.toString(16).padStart(2, '0')})`}`,
    );
  }
}

function statusName(status: number): string {
  if (status === STATUS.commandDisallowed) return 'Command Disallowed';
  if (status === STATUS.invalidParameters) return 'Invalid HCI Command Parameters';
  if (status === STATUS.unknownCommand) return 'Unknown HCI Command';
  return 'controller error';
}

/** Running counts. */
export interface AdvertiserCounters {
  sequences: number;
  addressChanges: number;
  failures: number;
}

type Request = { payload: Uint8Array; address: Uint8Array } | 'stop';

const COMMAND_NAMES: Record<number, string> = {
  [OPCODE.leSetAdvertisingEnable]: 'LE Set Advertising Enable',
  [OPCODE.leSetRandomAddress]: 'LE Set Random Address',
  [OPCODE.leSetAdvertisingParameters]: 'LE Set Advertising Parameters',
  [OPCODE.leSetAdvertisingData]: 'LE Set Advertising Data',
};

export class HciAdvertiser {
  readonly counters: AdvertiserCounters = { sequences: 0, addressChanges: 0, failures: 0 };
  /** The last error, if any. */
  lastError: AdvertiserError | undefined;
  private readonly intervalMinSlots: number;
  private readonly intervalMaxSlots: number;
  private readonly timeoutMs: number;
  private address: string | undefined;
  private running: Promise<void> | undefined;
  private next: Request | undefined;
  private waiting: { opcode: number; resolve: (status: number) => void } | undefined;
  private readonly onData = (packet: Buffer) => {
    const complete = readCommandComplete(packet);
    if (complete && this.waiting && complete.opcode === this.waiting.opcode)
      this.waiting.resolve(complete.status);
  };

  constructor(
    private readonly socket: HciSocketLike,
    private readonly options: HciAdvertiserOptions = {},
  ) {
    const minMs = options.intervalMinMs ?? 200;
    const maxMs = options.intervalMaxMs ?? 270;
    if (!(minMs >= 20 && maxMs >= minMs && maxMs <= 10_240))
      throw new InputError(
        'advertiser interval',
        '20 ≤ intervalMinMs ≤ intervalMaxMs ≤ 10240 ms',
        `${minMs}–${maxMs}`,
      );
    this.intervalMinSlots = Math.ceil(minMs / SLOT_MS);
    this.intervalMaxSlots = Math.floor(maxMs / SLOT_MS);
    this.timeoutMs = options.commandTimeoutMs ?? 2_000;
    socket.on('data', this.onData);
  }

  /** Advertises `payload` (≤ 31 bytes, sent as is) from random address `address` (6 bytes, LSB first). */
  advertise(payload: Uint8Array, address: Uint8Array): void {
    if (payload.length > MAX_ADV_DATA_BYTES)
      throw new InputError(
        'advertising payload',
        `at most ${MAX_ADV_DATA_BYTES} bytes (legacy advertising data)`,
        `${payload.length} bytes`,
      );
    if (address.length !== 6)
      throw new InputError('advertising address', '6 bytes', `${address.length} bytes`);
    this.request({ payload: Uint8Array.from(payload), address: Uint8Array.from(address) });
  }

  stop(): void {
    this.request('stop');
  }

  /** Resolves when every requested sequence has run. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops listening on the socket (after {@link stop} and {@link idle}). */
  close(): void {
    this.socket.off('data', this.onData);
  }

  private request(request: Request): void {
    this.next = request;
    if (!this.running) this.running = this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.next) {
      const request = this.next;
      this.next = undefined;
      this.counters.sequences++;
      try {
        await this.runSequence(request);
      } catch (error) {
        if (!(error instanceof AdvertiserError)) throw error;
        this.counters.failures++;
        this.lastError = error;
        this.options.onError?.(error);
      }
    }
  }

  private async runSequence(request: Request): Promise<void> {
    await this.command(OPCODE.leSetAdvertisingEnable, [0x00]);
    if (request === 'stop') return;
    const addressHex = Buffer.from(request.address).toString('hex');
    if (addressHex !== this.address) {
      this.address = undefined;
      await this.options.beforeAddressChange?.();
      try {
        await this.command(OPCODE.leSetRandomAddress, request.address);
      } finally {
        this.options.afterAddressChange?.();
      }
      this.address = addressHex;
      this.counters.addressChanges++;
    }
    const params = Buffer.alloc(15);
    params.writeUInt16LE(this.intervalMinSlots, 0);
    params.writeUInt16LE(this.intervalMaxSlots, 2);
    params[4] = ADV_TYPE.nonConnInd;
    params[5] = ADDRESS_TYPE.random;
    // Peer address type and address (unused for undirected advertising) stay 0; all three channels; no filter.
    params[13] = 0x07;
    await this.command(OPCODE.leSetAdvertisingParameters, params);
    const data = Buffer.alloc(1 + MAX_ADV_DATA_BYTES);
    data[0] = request.payload.length;
    data.set(request.payload, 1);
    await this.command(OPCODE.leSetAdvertisingData, data);
    await this.command(OPCODE.leSetAdvertisingEnable, [0x01]);
  }

  private command(opcode: number, params: ArrayLike<number>): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new AdvertiserError(COMMAND_NAMES[opcode]!, 'timeout'));
      }, this.timeoutMs);
      timer.unref?.();
      this.waiting = {
        opcode,
        resolve: (status) => {
          clearTimeout(timer);
          this.waiting = undefined;
          if (status === STATUS.success) resolve();
          else reject(new AdvertiserError(COMMAND_NAMES[opcode]!, status));
        },
      };
      this.socket.write(commandPacket(opcode, params));
    });
  }
}
