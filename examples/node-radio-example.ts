import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGaenAdvert, hexToBytes } from '@proxsense/core';
import {
  BtsnoopWriter,
  encodeLegacyAdvertReport,
  FileStore,
  replayRecording,
} from '@proxsense/node-radio';

const rpi = hexToBytes('dfc3ed265e97d0eabb630e168b4214ed');
const t = Date.UTC(2020, 6, 20, 9);

// A durable store (on a Pi: a directory on its SD card). Each append call is one batch, written and
// fsynced before it returns; a kill -9 after it cannot lose it.
const dir = mkdtempSync(join(tmpdir(), 'proxsense-store-'));
const store = FileStore.open(dir);
store.appendSightings([
  { timeMs: t, scheme: 'gaen', id: rpi, rssiDbm: -62 },
  { timeMs: t + 7_200_000, scheme: 'gaen', id: rpi, rssiDbm: -70 },
]);
// No close(), as after a crash: opening again recovers (and would cut a torn tail).
const reopened = FileStore.open(dir);
console.log(
  `${reopened.querySightings({ id: rpi }).length} sightings back, ${reopened.recovery.tornTails.length} torn tails cut`,
);
// prints: 2 sightings back, 0 torn tails cut
console.log(
  `pruned ${reopened.pruneBefore(t + 3_600_000)}, kept ${reopened.querySightings().length}`,
);
// prints: pruned 1, kept 1

// A btsnoop capture (as btmon -w writes) of one phone heard 3 times in a scan, replayed with no radio.
const w = new BtsnoopWriter();
const advert = (dtMs: number, rssiDbm: number) =>
  w.event(
    t + dtMs,
    encodeLegacyAdvertReport([
      {
        address: hexToBytes('0102030405c6'),
        data: encodeGaenAdvert(rpi, new Uint8Array(4)),
        rssiDbm,
      },
    ]),
  );
const capture = new Uint8Array(
  Buffer.concat([w.start(t), advert(0, -60), advert(500, -62), advert(1000, -64)]),
);
const r = replayRecording(capture, 'capture.btsnoop');
console.log(
  `${r.capture!.reports} reports → ${r.sightings.length} sighting at ${r.sightings[0]!.rssiDbm} dBm → ${r.windows.length} exposure window`,
);
// prints: 3 reports → 1 sighting at -62 dBm → 1 exposure window
