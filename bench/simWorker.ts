/** One sim bench point in a fresh process: prints a JSON line (see sim.ts). */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { applyOverrides, builtinScenarioPath, Simulation, ScenarioSchema } from '@proxsense/sim';

const [phones, durationS, adoption, profile] = process.argv.slice(2);
const base = ScenarioSchema.parse(parse(readFileSync(builtinScenarioPath('city'), 'utf8')));
const scenario = applyOverrides(base, {
  phones: Number(phones),
  durationS: Number(durationS),
  adoption: Number(adoption),
  profile: profile as 'gaen' | 'bluezone',
});
(globalThis as { gc?: () => void }).gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const sim = new Simulation({
  scenario,
  seed: 1,
  trackPeople: 0,
  onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)),
}).run();
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
peak = Math.max(peak, process.memoryUsage().rss);
let sightings = 0;
for (const s of sim.stores) sightings += s?.length ?? 0;
const n = Number(phones);
const grownBytes = peak - baseline;
console.log(
  JSON.stringify({
    phones: n,
    profile,
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    phoneHoursPerS: (n * Number(durationS)) / 3600 / wallS,
    advertsSampled: sim.air.counters.advertsSampled,
    advertsSampledPerS: sim.air.counters.advertsSampled / wallS,
    advertsDeliveredPerS: sim.air.counters.advertsDelivered / wallS,
    sightingsStored: sightings,
    truthPairs: sim.truth.length,
    air: sim.air.counters,
    peakRssBytes: peak,
    bytesPerPhone: grownBytes / n,
    stateBytesPerPhone: (grownBytes - 16 * sightings) / n,
    /** The node flags this process runs with (what the figures were measured under). */
    nodeFlags: process.execArgv,
    gcBeforeBaseline: typeof (globalThis as { gc?: unknown }).gc === 'function',
  }),
);
