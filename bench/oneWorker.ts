/**
 * One point of the side-by-side bench with The ONE, in a fresh process (see one.ts): the rwp scenario
 * moved, with range-only links logged as ConnectivityONEReport does and written out, either with every
 * walker running the app (GAEN firmware, every advert's RSSI sampled) or range-only. Prints a JSON line.
 * Engine time is measured around the engine and the log (streamed to a file while the run goes, as the
 * CLI does): scenario loading and module start are outside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyOverrides,
  builtinScenarioPath,
  fileLogSink,
  loadScenarioFile,
  RangeOnlyRun,
  rangeContactsFor,
  ScenarioSchema,
  Simulation,
  type RangeContacts,
} from '@proxsense/sim';

const [phones, sideM, durationS, mode, rangeM] = process.argv.slice(2);
const base = await loadScenarioFile(builtinScenarioPath('rwp'), ScenarioSchema);
const side = Number(sideM);
const scenario = applyOverrides(base, {
  phones: Number(phones),
  areaM: [side, side],
  durationS: Number(durationS),
  adoption: 1,
  profile: 'gaen',
});
const dir = mkdtempSync(join(tmpdir(), 'proxsense-one-'));
let contacts: RangeContacts | undefined;
const onStep = (tS: number, m: { xM: Float64Array; yM: Float64Array; present: Uint8Array }) =>
  contacts!.update(tS, m.xM, m.yM, m.present);
const clock = () => performance.now() / 1000;
let advertsSampled = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
// The log streams into the file while the run goes, as the CLI writes it: the write is inside the time.
const file = fileLogSink(join(dir, 'range-contacts.txt'));
if (mode === 'radios') {
  const sim = new Simulation({ scenario, seed: 1, trackPeople: 0, onStep });
  contacts = rangeContactsFor(sim.world, sim.people, Number(rangeM), { log: file.sink, clock });
  sim.run();
  advertsSampled = sim.air.counters.advertsSampled;
} else {
  const run = new RangeOnlyRun({ scenario, seed: 1, onStep });
  contacts = rangeContactsFor(run.world, run.people, Number(rangeM), { log: file.sink, clock });
  run.run();
}
contacts.flushLog();
const closeT0 = clock();
file.close();
const closeS = clock() - closeT0;
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    // Phases (wall): links found and compared; the log sorted, formatted and written; the rest is
    // moving people (and, with radios, everything the phones and the air do).
    linksS: contacts.linksS,
    logS: contacts.logS + closeS,
    restS: wallS - contacts.linksS - contacts.logS - closeS,
    advertsSampled,
    logLines: contacts.events,
    ...contacts.summary(),
  }),
);
