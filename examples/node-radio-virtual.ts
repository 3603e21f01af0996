// Two devices on one virtual air, each on the unmodified noble (and bleno) stacks: A's firmware
// advertises GAEN, B's firmware scans; 30 simulated minutes take well under a second.
import { Firmware, GAEN_PROFILE, MemoryStore, SeededRandom } from '@proxsense/core';
import { startVirtualRadioPair } from '@proxsense/node-radio';

const pair = await startVirtualRadioPair({ seed: 1 });
const store = new MemoryStore();
const a = new Firmware({
  profile: GAEN_PROFILE,
  radio: pair.a.radio,
  scheduler: pair.scheduler,
  random: new SeededRandom(1),
  store: new MemoryStore(),
});
const b = new Firmware({
  profile: GAEN_PROFILE,
  radio: pair.b.radio,
  scheduler: pair.scheduler,
  random: new SeededRandom(2),
  store,
});
a.start();
b.start();
await pair.runFor(30 * 60_000);
a.stop();
b.stop();
await pair.close();
const matches = b.checkExposure(a.ownDiagnosisKeys()).matches;
console.log(
  `A rotated ${pair.a.controller.addressChanges.length} times; B matched ${matches.length} of ${store.querySightings().length} sightings to A's key`,
);
// prints: A rotated 3 times; B matched 7 of 7 sightings to A's key
