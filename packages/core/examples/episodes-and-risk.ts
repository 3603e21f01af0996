import { dailySummaries, exposureWindows } from '@proxsense/core/episodes';
import { bluezoneRisk, cwaRisk } from '@proxsense/core/risk';
import type { Sighting } from '@proxsense/core/sightings';

// Twenty minutes next to one phone: a sighting every minute at -60 dBm (tx -24 dBm in its metadata).
const id = new Uint8Array(16).fill(0x42);
const start = Date.UTC(2020, 6, 20, 9);
const sightings: Sighting[] = Array.from({ length: 20 }, (_, m) => ({
  scheme: 'gaen',
  id,
  rssiDbm: -60,
  txPowerDbm: -24,
  timeMs: start + m * 60_000,
}));

// GAEN's exposure windows and daily summary, then two national rules over the same windows.
const windows = exposureWindows(sightings);
const [day] = dailySummaries(windows);
console.log(
  `${windows.length} window(s), ${Math.round(day!.closeMinutes)} close minutes on ${day!.day}`,
); // prints: 1 window(s), 21 close minutes on 2020-07-20
console.log(
  `CWA risk: ${cwaRisk(windows, undefined, start).totalRiskLevel === 2 ? 'high' : 'low'}`,
); // prints: CWA risk: high
console.log(`Bluezone close contact: ${bluezoneRisk(windows).closeContact}`); // prints: Bluezone close contact: true
