/**
 * The noble scanner on a virtual controller: restarts when another host stops the scan (bluetoothd does),
 * passes only GAEN/Bluezone adverts, and keeps noble's per-address maps bounded under rotating addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SeededRandom, encodeGaenAdvert, type ReceivedAdvert } from '@proxsense/core';
import {
  Air,
  NobleScanner,
  OPCODE,
  SteppedScheduler,
  VirtualBluetoothHciSocket,
  commandPacket,
  installVirtualHciSocket,
  loadNoble,
  trackedCount,
  virtualHciHub,
  type StackFamily,
} from '../src/index.js';

installVirtualHciSocket();

describe.each(['abandonware', 'stoprocent'] as StackFamily[])(
  'NobleScanner on %s noble',
  (family) => {
    const hub = virtualHciHub();
    const scheduler = new SteppedScheduler(0);
    const air = new Air({ scheduler, random: new SeededRandom(4) });
    const rxController = air.addController({ name: 'rx' });
    const txController = air.addController({ name: 'tx' });
    const heard: ReceivedAdvert[] = [];
    // Another host on the scanner's adapter (bluetoothd, hcitool) and a bare advertiser on another one.
    const other = new VirtualBluetoothHciSocket();
    const tx = new VirtualBluetoothHciSocket();
    let scanner: NobleScanner;

    beforeAll(() => {
      hub.clear();
      const rxId = hub.add(rxController);
      const txId = hub.add(txController);
      scanner = new NobleScanner(loadNoble({ deviceId: rxId, family }), {
        maxTrackedAddresses: 16,
      });
      scanner.onAdvert((a) => heard.push(a));
      other.bindRaw(rxId);
      other.start();
      tx.bindRaw(txId);
      tx.start();
    });
    const run = async (ms: number) =>
      scheduler.runSteppedUntil(scheduler.nowMs() + ms, () => hub.settle());

    async function advertise(address: number[], data: Uint8Array) {
      tx.write(commandPacket(OPCODE.leSetAdvertisingEnable, [0]));
      tx.write(commandPacket(OPCODE.leSetRandomAddress, address));
      tx.write(
        commandPacket(
          OPCODE.leSetAdvertisingParameters,
          [0x40, 0x01, 0x40, 0x01, 3, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0],
        ),
      );
      tx.write(
        commandPacket(OPCODE.leSetAdvertisingData, [
          data.length,
          ...data,
          ...new Array<number>(31 - data.length).fill(0),
        ]),
      );
      tx.write(commandPacket(OPCODE.leSetAdvertisingEnable, [1]));
      await hub.settle();
    }

    afterAll(() => {
      scanner.close();
      air.close();
    });

    it('restarts scanning when another host stops it', async () => {
      await scanner.ready();
      await advertise(
        [1, 2, 3, 4, 5, 0x06],
        encodeGaenAdvert(new Uint8Array(16).fill(7), new Uint8Array(4)),
      );
      scanner.start();
      await run(2_000);
      expect(rxController.isScanning()).toBe(true);
      const before = heard.length;
      expect(before).toBeGreaterThan(4);
      other.write(commandPacket(OPCODE.leSetScanEnable, [0, 0]));
      await hub.settle();
      expect(scanner.counters.restarts).toBe(1);
      expect(rxController.isScanning()).toBe(true);
      await run(2_000);
      expect(heard.length).toBeGreaterThan(before + 4);
    });

    it('counts and drops adverts that are neither GAEN nor Bluezone', async () => {
      const passed = scanner.counters.passed;
      await advertise([1, 2, 3, 4, 5, 0x07], Uint8Array.from([2, 1, 6, 3, 3, 0x0f, 0x18]));
      await run(2_000);
      expect(scanner.counters.notOurs).toBeGreaterThan(4);
      expect(scanner.counters.passed).toBe(passed);
    });

    it('accounts for every advert of any bytes: passed, not ours or malformed, never a throw', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 31 }), async (data) => {
          const c0 = { ...scanner.counters };
          await advertise([3, 3, 3, 3, 3, 0x04], data);
          await run(600);
          const c = scanner.counters;
          const reports = c.reports - c0.reports;
          expect(reports).toBeGreaterThan(0);
          expect(c.passed - c0.passed + c.notOurs - c0.notOurs + c.malformed - c0.malformed).toBe(
            reports,
          );
        }),
        { numRuns: 25 },
      );
    });

    it("keeps noble's per-address maps bounded under rotating addresses", async () => {
      const noble = scanner.noble;
      let most = 0;
      for (let i = 0; i < 80; i++) {
        await advertise(
          [i, 9, 9, 9, 9, 0x05],
          encodeGaenAdvert(new Uint8Array(16).fill(i), new Uint8Array(4)),
        );
        await run(700);
        most = Math.max(
          most,
          trackedCount(noble._peripherals),
          trackedCount(noble._bindings._gap._discoveries),
        );
      }
      expect(scanner.counters.prunes).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(2 * 16 + 1);
      expect(new Set(heard.map((a) => a.address![0])).size).toBeGreaterThan(60);
    });
  },
);
