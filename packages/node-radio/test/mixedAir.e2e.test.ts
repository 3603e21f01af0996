/**
 * One air, two kinds of device: a stackless AirRadio (what a simulator's phone is) and device B on the
 * real noble stack over its virtual controller. Each firmware stores the other's IDs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Firmware, GAEN_PROFILE, MemoryStore, SeededRandom } from '@proxsense/core';
import { AirRadio, startVirtualRadioPair, type VirtualRadioPair } from '../src/index.js';

let pair: VirtualRadioPair;
let phone: Firmware;
let device: Firmware;
const phoneStore = new MemoryStore();
const deviceStore = new MemoryStore();

beforeAll(async () => {
  pair = await startVirtualRadioPair({ seed: 12 });
  const radio = new AirRadio(pair.air, { name: 'phone', positionM: { x: 0, y: 2 } });
  phone = new Firmware({
    profile: GAEN_PROFILE,
    radio,
    scheduler: pair.scheduler,
    random: new SeededRandom(21),
    store: phoneStore,
    name: 'phone',
  });
  device = new Firmware({
    profile: GAEN_PROFILE,
    radio: pair.b.radio,
    scheduler: pair.scheduler,
    random: new SeededRandom(22),
    store: deviceStore,
    name: 'B',
  });
  phone.start();
  device.start();
  await pair.runFor(25 * 60_000);
  phone.stop();
  device.stop();
  await pair.runFor(1_000);
});
afterAll(async () => {
  await pair?.close();
});

describe('a simulator-style phone and a real-stack device on one air', () => {
  it('each stores the other, and every stored sighting matches the other’s key', () => {
    const phoneSightings = phoneStore.querySightings();
    const deviceSightings = deviceStore.querySightings();
    expect(phoneSightings.length).toBeGreaterThanOrEqual(4);
    expect(deviceSightings.length).toBeGreaterThanOrEqual(4);
    expect(device.checkExposure(phone.ownDiagnosisKeys()).matches.length).toBe(
      deviceSightings.length,
    );
    expect(phone.checkExposure(device.ownDiagnosisKeys()).matches.length).toBe(
      phoneSightings.length,
    );
    expect(pair.b.controller.rejections).toEqual([]);
  });
});
