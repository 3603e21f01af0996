/**
 * The virtual controller as a host sees it through virtual sockets: answers, refusals, broadcast to every
 * socket on one adapter, the user channel's exclusivity, and any byte string written handled without a throw.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SeededRandom, VirtualScheduler } from '@proxsense/core';
import {
  Air,
  OPCODE,
  STATUS,
  VirtualBluetoothHciSocket,
  commandPacket,
  readCommandComplete,
  virtualHciHub,
} from '../src/index.js';

function setup() {
  const hub = virtualHciHub();
  hub.clear();
  const scheduler = new VirtualScheduler(0);
  const air = new Air({ scheduler, random: new SeededRandom(1) });
  const controller = air.addController({ name: 'unit' });
  hub.add(controller);
  const open = () => {
    const socket = new VirtualBluetoothHciSocket();
    const packets: Buffer[] = [];
    socket.on('data', (p: Buffer) => packets.push(p));
    socket.bindRaw(0);
    socket.start();
    return { socket, packets };
  };
  const statusOf = async (s: ReturnType<typeof open>, opcode: number, params: number[] = []) => {
    s.packets.length = 0;
    s.socket.write(commandPacket(opcode, params));
    await hub.settle();
    return s.packets.map(readCommandComplete).find((c) => c?.opcode === opcode);
  };
  return { hub, scheduler, air, controller, open, statusOf };
}

const advParams = (type = 0x03, own = 0x01) => [
  0x40,
  0x01,
  0xb0,
  0x01,
  type,
  own,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0x07,
  0,
];

afterEach(() => virtualHciHub().clear());

describe('VirtualController', () => {
  it('answers start-up commands like a Bluetooth 5.0 controller', async () => {
    const { open, statusOf, controller } = setup();
    const s = open();
    const version = await statusOf(s, OPCODE.readLocalVersion);
    expect(version?.status).toBe(STATUS.success);
    expect(version?.returns[0]).toBeGreaterThanOrEqual(0x09);
    expect([...(await statusOf(s, OPCODE.readBdAddr))!.returns]).toEqual([
      ...controller.publicAddress,
    ]);
    expect((await statusOf(s, OPCODE.leReadBufferSize))?.returns.readUInt16LE(0)).toBe(251);
    expect((await statusOf(s, OPCODE.readLeHostSupported))?.returns[0]).toBe(1);
    for (const opcode of [OPCODE.reset, OPCODE.setEventMask, OPCODE.leSetEventMask])
      expect(
        (await statusOf(s, opcode, opcode === OPCODE.reset ? [] : [0, 0, 0, 0, 0, 0, 0, 0]))
          ?.status,
      ).toBe(0);
  });

  it('answers an unknown opcode with Unknown HCI Command', async () => {
    const { open, statusOf, controller } = setup();
    expect((await statusOf(open(), 0x2041, [1, 2, 3]))?.status).toBe(STATUS.unknownCommand);
    expect(controller.counters.unknownCommands).toBe(1);
  });

  it('refuses advertising data over 31 bytes and parameter changes while advertising', async () => {
    const { open, statusOf } = setup();
    const s = open();
    const tooLong = [32, ...new Array<number>(31).fill(0)];
    expect((await statusOf(s, OPCODE.leSetAdvertisingData, tooLong))?.status).toBe(
      STATUS.invalidParameters,
    );
    expect(
      (
        await statusOf(s, OPCODE.leSetAdvertisingData, [
          3,
          2,
          1,
          6,
          ...new Array<number>(28).fill(0),
        ])
      )?.status,
    ).toBe(0);
    expect((await statusOf(s, OPCODE.leSetRandomAddress, [1, 2, 3, 4, 5, 0x06]))?.status).toBe(0);
    expect((await statusOf(s, OPCODE.leSetAdvertisingParameters, advParams()))?.status).toBe(0);
    expect((await statusOf(s, OPCODE.leSetAdvertisingEnable, [1]))?.status).toBe(0);
    expect((await statusOf(s, OPCODE.leSetAdvertisingParameters, advParams()))?.status).toBe(
      STATUS.commandDisallowed,
    );
    expect((await statusOf(s, OPCODE.leSetRandomAddress, [9, 2, 3, 4, 5, 0x06]))?.status).toBe(
      STATUS.commandDisallowed,
    );
    expect((await statusOf(s, OPCODE.leSetAdvertisingEnable, [1]))?.status).toBe(
      STATUS.commandDisallowed,
    );
    expect((await statusOf(s, OPCODE.leSetAdvertisingEnable, [0]))?.status).toBe(0);
    expect((await statusOf(s, OPCODE.leSetAdvertisingParameters, advParams()))?.status).toBe(0);
  });

  it('refuses a random address while scanning, and random-address advertising before one is set', async () => {
    const { open, statusOf } = setup();
    const s = open();
    expect((await statusOf(s, OPCODE.leSetAdvertisingParameters, advParams()))?.status).toBe(0);
    expect((await statusOf(s, OPCODE.leSetAdvertisingEnable, [1]))?.status).toBe(
      STATUS.invalidParameters,
    );
    expect((await statusOf(s, OPCODE.leSetScanEnable, [1, 0]))?.status).toBe(0);
    expect(
      (await statusOf(s, OPCODE.leSetScanParameters, [1, 0x10, 0, 0x10, 0, 0, 0]))?.status,
    ).toBe(STATUS.commandDisallowed);
    expect((await statusOf(s, OPCODE.leSetRandomAddress, [1, 2, 3, 4, 5, 6]))?.status).toBe(
      STATUS.commandDisallowed,
    );
  });

  it('broadcasts events to every socket on the adapter and echoes commands to the other raw sockets', async () => {
    const { open, hub } = setup();
    const a = open();
    const b = open();
    a.socket.write(commandPacket(OPCODE.readBdAddr));
    await hub.settle();
    expect(a.packets.filter((p) => p[0] === 0x04)).toHaveLength(1);
    expect(b.packets.filter((p) => p[0] === 0x04)).toHaveLength(1);
    // b saw a's command (as Linux raw sockets do); a did not see its own.
    expect(b.packets.filter((p) => p[0] === 0x01)).toHaveLength(1);
    expect(a.packets.filter((p) => p[0] === 0x01)).toHaveLength(0);
    // A filter without the command type keeps commands out (bleno's filter).
    const filter = Buffer.alloc(16);
    filter.writeUInt32LE(1 << 4, 0);
    filter.writeUInt32LE(0xffffffff, 4);
    filter.writeUInt32LE(0xffffffff, 8);
    b.socket.setFilter(filter);
    b.packets.length = 0;
    a.socket.write(commandPacket(OPCODE.readBdAddr));
    await hub.settle();
    expect(b.packets.map((p) => p[0])).toEqual([0x04]);
  });

  it('gives the user channel exclusively: EBUSY while another socket holds the device', () => {
    const { open } = setup();
    open();
    const user = new VirtualBluetoothHciSocket();
    expect(() => user.bindUser(0)).toThrow(/EBUSY/);
    expect(() => new VirtualBluetoothHciSocket().bindRaw(7)).toThrow(/ENODEV/);
  });

  it('handles any bytes written without throwing: a command is answered, anything else counted', async () => {
    const { open, hub, controller } = setup();
    const s = open();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 40 }), async (bytes) => {
        const before = { ...controller.counters };
        s.packets.length = 0;
        s.socket.write(Buffer.from(bytes));
        await hub.settle();
        const answered = s.packets.filter((p) => readCommandComplete(p)).length;
        const counted =
          controller.counters.malformedPackets -
          before.malformedPackets +
          controller.counters.aclPacketsDropped -
          before.aclPacketsDropped;
        expect(answered + counted).toBe(1);
        // Leave the controller idle for the next case.
        s.socket.write(commandPacket(OPCODE.reset));
        await hub.settle();
      }),
      { numRuns: 60 },
    );
  });
});

describe('Air', () => {
  it('sends advertising events every interval + 0–10 ms advDelay, heard only inside open scan windows', async () => {
    const { open, statusOf, air, scheduler, hub } = setup();
    const tx = open();
    const rxController = air.addController({ name: 'rx', positionM: { x: 1, y: 0 } });
    hub.add(rxController);
    const rx = new VirtualBluetoothHciSocket();
    const reports: number[] = [];
    rx.on('data', (p: Buffer) => p[1] === 0x3e && reports.push(scheduler.nowMs()));
    rx.bindRaw(1);
    rx.start();
    await statusOf(tx, OPCODE.leSetRandomAddress, [1, 2, 3, 4, 5, 6]);
    // 100 ms interval (160 slots), non-connectable, own address random.
    await statusOf(
      tx,
      OPCODE.leSetAdvertisingParameters,
      [160, 0, 160, 0, 3, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0],
    );
    await statusOf(tx, OPCODE.leSetAdvertisingData, [3, 2, 1, 6, ...new Array<number>(28).fill(0)]);
    await statusOf(tx, OPCODE.leSetAdvertisingEnable, [1]);
    // Scan interval 1000 ms (1600 slots), window 500 ms (800 slots).
    rx.write(commandPacket(OPCODE.leSetScanParameters, [0, 0x40, 0x06, 0x20, 0x03, 0, 0]));
    rx.write(commandPacket(OPCODE.leSetScanEnable, [1, 0]));
    const scanStartMs = scheduler.nowMs();
    const times: number[] = [];
    const stats0 = air.stats.advertisingEvents;
    for (let t = 0; t < 10_000; t += 5) {
      scheduler.runUntil(scanStartMs + t);
      await hub.settle();
    }
    times.push(air.stats.advertisingEvents - stats0);
    // 10 s at 100 ms + 0–10 ms: between 90 and 100 events.
    expect(times[0]).toBeGreaterThanOrEqual(90);
    expect(times[0]).toBeLessThanOrEqual(100);
    expect(reports.length).toBeGreaterThan(30);
    for (const t of reports) expect((t - scanStartMs) % 1000).toBeLessThan(500);
  });
});
