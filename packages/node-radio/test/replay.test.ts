import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeGaenAdvert,
  exposureWindows,
  hexToBytes,
  scansFromSightings,
  type Sighting,
} from '@proxsense/core';
import {
  aggregateScans,
  BtsnoopWriter,
  encodeLegacyAdvertReport,
  replayRecording,
} from '@proxsense/node-radio';

const T0 = Date.UTC(2020, 6, 20, 9);
const idA = hexToBytes('dfc3ed265e97d0eabb630e168b4214ed');
const idB = hexToBytes('00112233445566778899aabbccddeeff');
const s = (dtMs: number, id: Uint8Array, rssiDbm: number, scanner?: string): Sighting => ({
  timeMs: T0 + dtMs,
  scheme: 'gaen',
  id,
  rssiDbm,
  ...(scanner ? { scanner } : {}),
});

describe('aggregateScans', () => {
  it('gives one sighting per ID per scan: first time, mean RSSI rounded, as the firmware does', () => {
    const raw = [
      s(0, idA, -60),
      s(200, idB, -70),
      s(1000, idA, -63),
      s(2000, idA, -65),
      s(3000, idB, -71),
      s(90_000, idA, -50),
    ];
    const { sightings, scans } = aggregateScans(raw);
    expect(scans).toEqual([
      { startMs: T0, durationMs: 3000 },
      { startMs: T0 + 90_000, durationMs: 0 },
    ]);
    // Math.round as the firmware rounds: −62.67 → −63, −70.5 → −70.
    expect(sightings).toEqual([s(0, idA, -63), s(200, idB, -70), s(90_000, idA, -50)]);
  });

  it('keeps scanners apart', () => {
    const { sightings } = aggregateScans([
      s(0, idA, -60, 'a'),
      s(10, idA, -80, 'b'),
      s(20, idA, -62, 'a'),
    ]);
    expect(sightings).toEqual([s(0, idA, -61, 'a'), s(10, idA, -80, 'b')]);
  });

  it('property: per scan and ID exactly one sighting; scans are what episodes rebuilds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 600_000 }),
            b: fc.boolean(),
            rssi: fc.integer({ min: -100, max: -30 }),
          }),
          { maxLength: 60 },
        ),
        (items) => {
          const raw = items.map((i) => s(i.dt, i.b ? idB : idA, i.rssi));
          const { sightings, scans } = aggregateScans(raw);
          expect(scans).toEqual(scansFromSightings(raw));
          for (const scan of scans) {
            const inScan = sightings.filter(
              (x) => x.timeMs >= scan.startMs && x.timeMs <= scan.startMs + scan.durationMs,
            );
            const rawIn = raw.filter(
              (x) => x.timeMs >= scan.startMs && x.timeMs <= scan.startMs + scan.durationMs,
            );
            expect(inScan.length).toBe(new Set(rawIn.map((x) => x.id.join())).size);
          }
          expect(sightings.length).toBeLessThanOrEqual(raw.length);
        },
      ),
    );
  });
});

describe('replayRecording', () => {
  it('turns a capture into sightings and the same windows episodes gives for them', () => {
    const w = new BtsnoopWriter();
    const chunks = [w.start(T0)];
    // A phone heard twice a second for 20 minutes at −55 dBm, scanned 4 s every minute.
    for (let m = 0; m < 20; m++)
      for (let k = 0; k < 8; k++)
        chunks.push(
          w.event(
            T0 + m * 60_000 + k * 500,
            encodeLegacyAdvertReport([
              {
                address: hexToBytes('010203040506'),
                data: encodeGaenAdvert(idA, new Uint8Array(4)),
                rssiDbm: -55,
              },
            ]),
          ),
        );
    const r = replayRecording(new Uint8Array(Buffer.concat(chunks)), 'c.btsnoop');
    expect(r.format).toBe('btsnoop');
    expect(r.receptions).toBe(160);
    expect(r.sightings).toHaveLength(20);
    expect(r.scans).toHaveLength(20);
    expect(r.windows).toEqual(exposureWindows(r.sightings, {}, undefined, { scans: r.scans }));
    expect(r.summaries).toHaveLength(1);
    expect(r.summaries[0]!.closeMinutes).toBeGreaterThanOrEqual(15);
    expect(r.summaries[0]!.closeContact).toBe(true);
  });

  it('reads sightings JSONL, reporting bad lines, and refuses a file that is neither format', () => {
    const text =
      '{"t": 1595235600000, "scheme": "gaen", "id": "dfc3ed265e97d0eabb630e168b4214ed", "rssi": -60}\nnot json\n';
    const r = replayRecording(new TextEncoder().encode(text), 's.jsonl');
    expect(r.format).toBe('sightings-jsonl');
    expect(r.sightings).toHaveLength(1);
    expect(r.badLines.map((e) => e.message)).toEqual(['s.jsonl:2: not valid JSON ("not json")']);
    expect(() => replayRecording(Uint8Array.of(0, 1, 2, 3, 255), 'junk.bin')).toThrow(
      /^junk\.bin: expected a btsnoop capture \(header "btsnoop\\0"\) or sightings JSONL, got neither/,
    );
  });
});
