/**
 * One matching configuration in its own process, so its peak memory is its own: builds the sightings
 * and the keys, then matches them as `proxsense match` does (one thread in-process, or worker threads:
 * a given count, or `auto` = what the CLI chooses by default). Prints one JSON line.
 * Usage: matchingChild.ts KEYS SIGHTINGS PLANTED THREADS|auto
 */
import { Matcher } from '@proxsense/core';
import { chooseMatchThreads, matchInParallel, nodeCryptoProvider } from '@proxsense/core/node';
import { keyStream, makeSightings } from './matchingData.js';

const [keyCount, sightingCount, planted] = process.argv.slice(2, 5).map(Number) as [
  number,
  number,
  number,
];
const threadsArg = process.argv[5]!;

const { sightings, plantedKeys } = makeSightings(sightingCount, planted, 1);
const keys = [...keyStream(keyCount, 3, plantedKeys)];
const rssBeforeMb = process.memoryUsage().rss / 1e6;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
// The CLI's choice is part of what is measured: it scans the keys and sightings.
const threads = threadsArg === 'auto' ? chooseMatchThreads(keys, sightings) : Number(threadsArg);
let matches = 0;
if (threads > 1) {
  await matchInParallel(keys, sightings, () => matches++, { threads, crypto: 'node' });
} else {
  const matcher = new Matcher(sightings, { crypto: nodeCryptoProvider });
  for (const key of keys) matcher.matchKey(key, () => matches++);
}
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
// maxRSS (kB) is the whole process's peak: main thread, workers and the shared index together.
const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
console.log(
  JSON.stringify({
    keys: keyCount,
    sightings: sightingCount,
    threads,
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    rssBeforeMb,
    peakRssMb,
    matches,
  }),
);
