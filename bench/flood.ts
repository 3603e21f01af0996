/**
 * A flood through the virtual controller: 2,000 devices sending 10,000 adverts/s together for 60 s of
 * virtual time into device A's real noble stack and firmware (scanning 4 s every 5 s), storing into a
 * FileStore. Prints adverts/s handled (advertising events through the air, controller, socket, noble,
 * scanner and firmware, per second of CPU time) and its ratio to the flood rate (≥ 1: the host keeps up
 * with the flood in real time), with the drops, what was stored and the memory held.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FileStore, runFlood } from '@proxsense/node-radio';

/** A full GC before a heap sample, so the samples show what is held, not what awaits collection. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return gc;
}

export async function runFloodBench({
  devices = 2_000,
  rate = 10_000,
  seconds = 60,
  quiet = 0,
}: { devices?: number; rate?: number; seconds?: number; quiet?: number } = {}) {
  const log = quiet ? () => {} : (line: string) => console.log(line);
  const gc = collector();
  const dir = mkdtempSync(join(tmpdir(), 'proxsense-bench-flood-'));
  try {
    const store = FileStore.open(dir);
    log(
      `flood: ${devices.toLocaleString('en-US')} devices, ${rate.toLocaleString('en-US')} adverts/s, ${seconds} s of virtual time, into a FileStore (machine load shows in wall time; rates are per CPU second)`,
    );
    const r = await runFlood({
      devices,
      advertsPerS: rate,
      durationS: seconds,
      store,
      sampleEveryS: Math.max(1, Math.round(seconds / 12)),
      onSample: (s) => {
        gc();
        const heap = process.memoryUsage().heapUsed;
        s.heapUsedBytes = heap;
        log(
          `flood:   t=${String(s.virtualS).padStart(3)} s  heap ${(heap / 2 ** 20).toFixed(1)} MiB  noble tracked addresses ${s.nobleTrackedAddresses}`,
        );
      },
    });
    const stored = store.querySightings().length;
    store.close();
    const handledPerCpuS = r.advertsSent / (r.cpuMs / 1000);
    const heaps = r.samples.map((s) => s.heapUsedBytes);
    const half = heaps.slice(Math.floor(heaps.length / 2));
    log(
      `flood: ${r.advertsSent.toLocaleString('en-US')} adverts sent (${(r.advertsSent / seconds).toFixed(0)}/s), ${r.reportsToHost.toLocaleString('en-US')} inside A's scan windows reported to the host, ${r.notHeard.toLocaleString('en-US')} outside them`,
    );
    log(
      `flood: scanner passed ${r.scanner.passed.toLocaleString('en-US')}, dropped ${r.scanner.malformed + r.scanner.notOurs} (malformed / not ours), ${r.scanner.prunes} prunes of noble's maps (peak ${r.peakNobleTrackedAddresses} addresses, bound 2 × 256)`,
    );
    log(
      `flood: firmware ${r.firmware.scans} scans, logged ${r.firmware.advertsLogged.toLocaleString('en-US')}, dropped by the flood cap (1,024 IDs a scan) ${r.firmware.advertsDroppedFlood.toLocaleString('en-US')}; ${r.sightingsStored.toLocaleString('en-US')} sightings stored, ${stored.toLocaleString('en-US')} read back`,
    );
    log(
      `flood: heap after GC ${(Math.min(...heaps) / 2 ** 20).toFixed(1)}–${(Math.max(...heaps) / 2 ** 20).toFixed(1)} MiB over the run; second half ${(Math.min(...half) / 2 ** 20).toFixed(1)}–${(Math.max(...half) / 2 ** 20).toFixed(1)} MiB`,
    );
    log(
      `flood: handled ${(handledPerCpuS / 1e3).toFixed(1)} k adverts per CPU second (cpu ${(r.cpuMs / 1000).toFixed(1)} s, wall ${(r.wallMs / 1000).toFixed(1)} s) = ${(handledPerCpuS / rate).toFixed(2)} × the flood rate`,
    );
    return { ...r, stored, handledPerCpuS, ratioToFloodRate: handledPerCpuS / rate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
