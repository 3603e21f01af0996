/**
 * One point of the side-by-side bench with The ONE, in a fresh process (see one.ts): the rwp scenario
 * moved, with range-only links logged as ConnectivityONEReport does and written out, either with every
 * walker running the app (GAEN firmware, every advert's RSSI sampled) or range-only. Prints a JSON line.
 * Engine time is measured around the engine only: scenario loading and module start are outside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyOverrides,
  builtinScenarioPath,
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
let advertsSampled = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
if (mode === 'radios') {
  const sim = new Simulation({ scenario, seed: 1, trackPeople: 0, onStep });
  contacts = rangeContactsFor(sim.world, sim.people, Number(rangeM));
  sim.run();
  advertsSampled = sim.air.counters.advertsSampled;
} else {
  const run = new RangeOnlyRun({ scenario, seed: 1, onStep });
  contacts = rangeContactsFor(run.world, run.people, Number(rangeM));
  run.run();
}
const engineDoneS = (performance.now() - t0) / 1000;
const engineCpu = process.cpuUsage(cpu0);
await contacts.writeLog(join(dir, 'range-contacts.txt'));
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    logWriteS: wallS - engineDoneS,
    logWriteCpuS: (cpu.user + cpu.system - engineCpu.user - engineCpu.system) / 1e6,
    advertsSampled,
    logLines: contacts.events,
    ...contacts.summary(),
  }),
);
