/**
 * Runs two firmwares on a virtual pair (A: bleno + noble on hci0, B: noble on hci1) and records what A
 * broadcast and what B's radio passed on, for the end-to-end tests.
 * @module
 */
import {
  Firmware,
  MemoryStore,
  SeededRandom,
  bytesToHex,
  type FirmwareProfile,
  type ReceivedAdvert,
} from '@proxsense/core';
import { startVirtualRadioPair, type StackFamily, type VirtualRadioPair } from '../src/index.js';

export interface Broadcast {
  timeMs: number;
  id: string;
  address: string;
}

export interface PairRun {
  pair: VirtualRadioPair;
  firmwareA: Firmware;
  firmwareB: Firmware;
  storeB: MemoryStore;
  /** A's ID/address at each rotation, as the firmware chose them. */
  broadcastsA: Broadcast[];
  /** Every advert B's radio passed to its firmware. */
  heardB: { timeMs: number; advert: ReceivedAdvert }[];
  /** A's controller advertising state just before the firmwares stopped. */
  advertisingA: ReturnType<VirtualRadioPair['a']['controller']['advertising']>;
}

export async function runPair(
  profile: FirmwareProfile,
  durationMs: number,
  seed: number,
  family: StackFamily = 'abandonware',
): Promise<PairRun> {
  const pair = await startVirtualRadioPair({ seed, family });
  const broadcastsA: Broadcast[] = [];
  const heardB: PairRun['heardB'] = [];
  const radioB = pair.b.radio;
  const onAdvert = radioB.onAdvert.bind(radioB);
  radioB.onAdvert = (handler) =>
    onAdvert((advert) => {
      heardB.push({ timeMs: pair.scheduler.nowMs(), advert });
      handler(advert);
    });
  const storeB = new MemoryStore();
  const firmwareA = new Firmware({
    profile,
    radio: pair.a.radio,
    scheduler: pair.scheduler,
    random: new SeededRandom(seed * 31 + 1),
    store: new MemoryStore(),
    name: 'A',
  });
  const firmwareB = new Firmware({
    profile,
    radio: radioB,
    scheduler: pair.scheduler,
    random: new SeededRandom(seed * 31 + 2),
    store: storeB,
    name: 'B',
  });
  const rotate = (firmwareA as unknown as { rotate(): void }).rotate.bind(firmwareA);
  (firmwareA as unknown as { rotate(): void }).rotate = () => {
    rotate();
    const now = firmwareA.currentBroadcast()!;
    broadcastsA.push({
      timeMs: pair.scheduler.nowMs(),
      id: bytesToHex(now.id),
      address: bytesToHex(now.address),
    });
  };
  firmwareA.start();
  firmwareB.start();
  await pair.runFor(durationMs);
  const advertisingA = pair.a.controller.advertising();
  firmwareA.stop();
  firmwareB.stop();
  await pair.runFor(1_000);
  return { pair, firmwareA, firmwareB, storeB, broadcastsA, heardB, advertisingA };
}

/** The broadcast A was sending at `timeMs`. */
export function broadcastAt(broadcasts: Broadcast[], timeMs: number): Broadcast | undefined {
  let found: Broadcast | undefined;
  for (const b of broadcasts) if (b.timeMs <= timeMs) found = b;
  return found;
}
