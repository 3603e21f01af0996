import {
  FakeRadio,
  FakeRadioMedium,
  Firmware,
  GAEN_PROFILE,
  MemoryStore,
  VirtualScheduler,
} from '@proxsense/core/firmware';
import { SeededRandom } from '@proxsense/core/ports';

// Two phones on a desk for an hour of virtual time: the same firmware a dongle or the simulator runs;
// only the Radio, Scheduler, Random and Store adapters differ (an app passes its own).
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

const exposure = bob.checkExposure(alice.ownDiagnosisKeys());
console.log(
  `${exposure.matches.length} sightings matched, close contact: ${exposure.closeContact}`,
); // prints: 14 sightings matched, close contact: true
