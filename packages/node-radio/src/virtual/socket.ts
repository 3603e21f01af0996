/**
 * A stand-in for @abandonware/bluetooth-hci-socket's `BluetoothHciSocket`, the surface noble
 * (lib/hci-socket/hci.js) and bleno (hci.js, mgmt.js) use: bindRaw / bindUser / bindControl, setFilter,
 * start / stop, isDevUp, write (H4-framed) and the events 'data' and 'error'. It binds to a
 * {@link VirtualController} of the process's hub instead of a kernel socket.
 * @module
 */
import { EventEmitter } from 'node:events';
import type { ControllerEndpoint, VirtualController } from './controller.js';
import { parseFilter, type HciFilter } from './filter.js';
import { virtualHciHub } from './hub.js';

/** An error shaped like the native addon's (`code` as errno name). */
function socketError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

export class VirtualBluetoothHciSocket extends EventEmitter implements ControllerEndpoint {
  channel: 'raw' | 'user' | 'control' = 'raw';
  filter: HciFilter | undefined;
  private controller: VirtualController | undefined;
  private deviceId: number | undefined;
  private started = false;

  bindRaw(deviceId?: number): number {
    return this.bindTo('raw', deviceId);
  }

  /** The user channel takes the device exclusively: EBUSY while any other socket holds it. */
  bindUser(deviceId?: number): number {
    const controller = virtualHciHub().device(deviceId);
    if (
      controller &&
      controller.boundEndpoints().some((e) => e !== this && e.channel !== 'control')
    )
      throw socketError(
        'EBUSY',
        `hci${deviceId ?? 0} is in use: take it down (sudo hciconfig hci${deviceId ?? 0} down) and stop bluetoothd before binding the user channel`,
      );
    return this.bindTo('user', deviceId);
  }

  /** The management channel: bleno opens it for long-term keys; writes are accepted and ignored. */
  bindControl(): void {
    this.channel = 'control';
  }

  setFilter(filter: Buffer): void {
    this.filter = parseFilter(filter);
  }

  isDevUp(): boolean {
    return this.controller?.up ?? false;
  }

  start(): void {
    this.started = true;
  }

  stop(): void {
    this.started = false;
    this.controller?.unbind(this);
  }

  write(packet: Buffer): void {
    if (this.channel === 'control') return;
    if (!this.controller)
      return void this.emit('error', socketError('EBADF', 'write on an unbound HCI socket'));
    this.controller.write(this, Buffer.from(packet));
  }

  /** Called by the controller: queued like a kernel socket's receive buffer, read on a later turn. */
  deliver(packet: Buffer): void {
    if (!this.started) return;
    const hub = virtualHciHub();
    hub.deliveryQueued();
    setImmediate(() => {
      try {
        if (this.started) this.emit('data', packet);
      } finally {
        hub.deliveryDone();
      }
    });
  }

  private bindTo(channel: 'raw' | 'user', deviceId: number | undefined): number {
    const controller = virtualHciHub().device(deviceId);
    if (!controller)
      throw socketError(
        'ENODEV',
        `no virtual HCI device hci${deviceId ?? 0} (${virtualHciHub().size} registered)`,
      );
    this.controller?.unbind(this);
    this.channel = channel;
    this.controller = controller;
    this.deviceId = deviceId ?? 0;
    controller.bind(this);
    return this.deviceId;
  }
}
