/**
 * FileStore append throughput with fsync batching: records/s through `appendSightings` (each call one
 * batch, written and fsynced before it returns), against a raw append-only write of the same bytes in
 * the same batches measured in the same run, once with the same fsyncs (what the store's encoding,
 * checks and bookkeeping cost) and once without fsync (what durability costs).
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes, SeededRandom, type Sighting } from '@proxsense/core';
import { encodeFrame, encodeRecord, fileHeader, FileStore } from '@proxsense/node-radio';

interface Timing {
  wallS: number;
  cpuS: number;
}

function timed(run: () => void): Timing {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const cpu = process.cpuUsage(cpu0);
  return { wallS: (performance.now() - t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 };
}

export function runStoreBench({
  records = 50_000,
  batch = 100,
  quiet = 0,
}: { records?: number; batch?: number; quiet?: number } = {}) {
  const log = quiet ? () => {} : (line: string) => console.log(line);
  const random = new SeededRandom(14);
  const t0 = Date.UTC(2020, 6, 20, 9);
  // A scan's worth of sightings per batch, ~2 s apart: batches of 100 fill a 1 h segment in ~180 batches.
  const sightings: Sighting[] = Array.from({ length: records }, (_, i) => ({
    timeMs: t0 + Math.floor(i / batch) * 2000 + (i % batch),
    scheme: 'gaen',
    id: random.randomBytes(16),
    rssiDbm: -40 - (i % 60),
    aem: random.randomBytes(4),
    scanner: 'bench-pi',
  }));
  const batches: Sighting[][] = [];
  for (let i = 0; i < records; i += batch) batches.push(sightings.slice(i, i + batch));
  const frames = batches.map((b) => {
    const parts = b.map((s) => encodeFrame(encodeRecord({ type: 'sighting', sighting: s })));
    return concatBytes(...parts);
  });
  const bytes = frames.reduce((n, f) => n + f.length, 0);
  const dir = mkdtempSync(join(tmpdir(), 'proxsense-bench-store-'));
  try {
    const raw = (sync: boolean): Timing => {
      const fd = openSync(join(dir, `raw-${sync}.bin`), 'a');
      const t = timed(() => {
        writeSync(fd, fileHeader());
        for (const f of frames) {
          writeSync(fd, f);
          if (sync) fsyncSync(fd);
        }
      });
      closeSync(fd);
      return t;
    };
    const rawSync = raw(true);
    const rawNoSync = raw(false);
    let store: FileStore | undefined;
    const st = timed(() => {
      store = FileStore.open(join(dir, 'store'));
      for (const b of batches) store.appendSightings(b);
      store.close();
    });
    const check = FileStore.open(join(dir, 'store')).querySightings().length;
    if (check !== records) throw new Error(`store bench: read back ${check} of ${records} records`);
    const perS = (t: Timing) => records / t.wallS;
    log(
      `store: ${records.toLocaleString('en-US')} sightings in ${batches.length} batches of ${batch}, ${(bytes / 1e6).toFixed(1)} MB, fsync per batch (machine load shows in wall time; CPU time beside it)`,
    );
    log(
      `store: raw append + fsync   ${(perS(rawSync) / 1e3).toFixed(1)} k records/s (wall ${rawSync.wallS.toFixed(2)} s, cpu ${rawSync.cpuS.toFixed(2)} s)`,
    );
    log(
      `store: raw append, no fsync ${(perS(rawNoSync) / 1e3).toFixed(1)} k records/s (wall ${rawNoSync.wallS.toFixed(2)} s, cpu ${rawNoSync.cpuS.toFixed(2)} s)`,
    );
    log(
      `store: FileStore            ${(perS(st) / 1e3).toFixed(1)} k records/s (wall ${st.wallS.toFixed(2)} s, cpu ${st.cpuS.toFixed(2)} s) = ${(perS(st) / perS(rawSync)).toFixed(2)} × raw append + fsync, ${(perS(st) / perS(rawNoSync)).toFixed(3)} × raw append without fsync`,
    );
    return {
      records,
      batches: batches.length,
      bytes,
      rawSyncPerS: perS(rawSync),
      rawNoSyncPerS: perS(rawNoSync),
      storePerS: perS(st),
      ratioToRawSync: perS(st) / perS(rawSync),
      ratioToRawNoSync: perS(st) / perS(rawNoSync),
      storeCpuS: st.cpuS,
      rawSyncCpuS: rawSync.cpuS,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
