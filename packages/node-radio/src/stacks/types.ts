/**
 * The parts of noble and bleno (and of their HCI layer) the adapters use, typed structurally: the
 * packages ship no usable types for their internals.
 * @module
 */
import type { EventEmitter } from 'node:events';

/** An HCI socket as the stacks hold it (the native addon or the virtual stand-in). */
export interface HciSocketLike extends EventEmitter {
  write(packet: Buffer): void;
}

/** noble's HCI layer (lib/hci-socket/hci.js). */
export interface NobleHci extends EventEmitter {
  _socket: HciSocketLike;
  pollIsDevUp(): void;
}

/** A noble instance made by `with-custom-binding` on the hci-socket bindings. */
export interface NobleLike extends EventEmitter {
  state: string;
  _state?: string;
  startScanning(
    serviceUuids: string[],
    allowDuplicates: boolean,
    callback?: (error?: Error | null) => void,
  ): void;
  stopScanning(callback?: () => void): void;
  _peripherals: Record<string, unknown> | Map<string, unknown>;
  _services: Record<string, unknown>;
  _characteristics: Record<string, unknown>;
  _descriptors: Record<string, unknown>;
  /** @abandonware only. */
  _discoveredPeripheralUUids?: Record<string, unknown>;
  /** @stoprocent only. */
  _discoveredPeripherals?: Map<string, unknown>;
  _bindings: {
    _hci: NobleHci;
    _gap: { _discoveries: Record<string, unknown> };
    _addresses: Record<string, unknown>;
    _addresseTypes: Record<string, unknown>;
    _connectable: Record<string, unknown>;
    scannable: Record<string, unknown>;
  };
}

/** bleno's singleton (lib/bleno.js) on the hci-socket bindings. */
export interface BlenoLike extends EventEmitter {
  state: string;
  _bindings: { _hci: { _socket: HciSocketLike; pollIsDevUp(): void } };
}
