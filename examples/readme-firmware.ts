import {
  FakeRadio,
  FakeRadioMedium,
  Firmware,
  GAEN_PROFILE,
  MemoryStore,
  SeededRandom,
  VirtualScheduler,
} from '@proxsense/core';

// Two phones on a desk for an hour of virtual time: the firmware is the same one a dongle or the
// simulator runs; only the Radio, Scheduler, Random and Store adapters differ.
const scheduler = new VirtualScheduler(Date.UTC(2020, 6, 20, 9));
const desk = new FakeRadioMedium(scheduler, () => -62); // every advert heard at -62 dBm
const phone = (name: string, seed: number) =>
  new Firmware({
    profile: GAEN_PROFILE,
    radio: new FakeRadio(name, desk),
    scheduler,
    random: new SeededRandom(seed),
    store: new MemoryStore(),
    name,
  });
const alice = phone('alice', 1);
const bob = phone('bob', 2);
alice.start();
bob.start();
scheduler.runUntil(Date.UTC(2020, 6, 20, 10));

// Alice tests positive and publishes her keys; Bob's phone checks them against what it logged.
const exposure = bob.checkExposure(alice.ownDiagnosisKeys());
const [day] = exposure.summaries;
console.log(
  `${exposure.matches.length} sightings matched, ${Math.round(day!.closeMinutes)} close minutes, close contact: ${exposure.closeContact}`,
);
// prints: 14 sightings matched, 57 close minutes, close contact: true
