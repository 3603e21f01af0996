/**
 * Taps the HCI traffic the stacks exchange with the controller on their sockets (what `btmon` shows):
 * every H4 packet written (commands) and every packet received (events), for `radio record --btsnoop`.
 * Works on the native socket class of either stack family and on the virtual stand-in alike, by wrapping
 * the class's `write` and `emit('data')`.
 * @module
 */
import { createRequire } from 'node:module';
import type { StackFamily } from '../stacks/load.js';
import { VirtualBluetoothHciSocket } from '../virtual/socket.js';

/** H4 packet indicators (Core Vol 4 Part A §2). */
const H4_COMMAND = 0x01;
const H4_EVENT = 0x04;

/** One packet on the wire between host and controller, without its H4 indicator. */
export interface TappedPacket {
  kind: 'command' | 'event';
  bytes: Uint8Array;
}

/** Options of {@link tapHciSockets}. */
export interface HciTapOptions {
  /** Virtual: only sockets bound to this hciN (the pair's other device stays out); default all. */
  deviceId?: number;
}

interface TappableSocket {
  // Function-typed properties: the tap saves the originals and calls them with `this` again.
  write: (this: TappableSocket, packet: Buffer) => void;
  emit: (this: TappableSocket, event: string | symbol, ...args: unknown[]) => boolean;
  deviceId?: number;
}

/** The socket class the stacks of `family` use (the stand-in for virtual runs). */
export function hciSocketClass(
  family: StackFamily,
  virtual: boolean,
): { prototype: TappableSocket } {
  if (virtual) return VirtualBluetoothHciSocket as unknown as { prototype: TappableSocket };
  const require = createRequire(import.meta.url);
  if (family === 'stoprocent')
    return (
      require('@stoprocent/bluetooth-hci-socket') as {
        loadDriver(kind: string): { prototype: TappableSocket };
      }
    ).loadDriver('default');
  return require('@abandonware/bluetooth-hci-socket') as { prototype: TappableSocket };
}

/**
 * Calls `onPacket` for every command written and every event received on sockets of `socketClass`;
 * returns the function that removes the tap. Several sockets on one adapter (noble's and bleno's) each
 * receive every event, as Linux raw sockets do: an event is reported once, from the first socket that
 * receives it within the same turn (a copy with identical bytes on another socket is the same event);
 * a command another socket wrote, echoed to raw sockets, is not reported again.
 */
export function tapHciSockets(
  socketClass: { prototype: TappableSocket },
  onPacket: (packet: TappedPacket) => void,
  options: HciTapOptions = {},
): () => void {
  const proto = socketClass.prototype;
  const ownWrite = Object.prototype.hasOwnProperty.call(proto, 'write');
  const ownEmit = Object.prototype.hasOwnProperty.call(proto, 'emit');
  const write = proto.write;
  const emit = proto.emit;
  const wanted = (socket: TappableSocket) =>
    options.deviceId === undefined ||
    socket.deviceId === undefined ||
    socket.deviceId === options.deviceId;
  // Events already reported this turn (another socket's copy of the same event).
  let recent: string[] = [];
  let clearing = false;
  proto.write = function (this: TappableSocket, packet: Buffer) {
    if (wanted(this) && packet.length > 1 && packet[0] === H4_COMMAND)
      onPacket({ kind: 'command', bytes: Uint8Array.from(packet.subarray(1)) });
    return write.call(this, packet);
  };
  proto.emit = function (this: TappableSocket, event: string | symbol, ...args: unknown[]) {
    const packet = args[0];
    if (
      event === 'data' &&
      wanted(this) &&
      packet instanceof Uint8Array &&
      packet.length > 1 &&
      packet[0] === H4_EVENT
    ) {
      const key = Buffer.from(packet).toString('latin1');
      if (!recent.includes(key)) {
        recent.push(key);
        if (!clearing) {
          clearing = true;
          setImmediate(() => {
            recent = [];
            clearing = false;
          });
        }
        onPacket({ kind: 'event', bytes: Uint8Array.from(packet.subarray(1)) });
      }
    }
    return emit.call(this, event, ...args);
  };
  return () => {
    if (ownWrite) proto.write = write;
    else delete (proto as Partial<TappableSocket>).write;
    if (ownEmit) proto.emit = emit;
    else delete (proto as Partial<TappableSocket>).emit;
  };
}
