import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, encodeBluezoneAdvert, encodeGaenAdvert, hexToBytes } from '@proxsense/core';
import {
  BtsnoopFile,
  BtsnoopWriter,
  encodeExtendedAdvertReport,
  encodeLegacyAdvertReport,
  parseAdvertEvent,
  readBtsnoop,
} from '@proxsense/node-radio';

const T0 = Date.UTC(2020, 6, 20, 9);
const RPI = hexToBytes('dfc3ed265e97d0eabb630e168b4214ed');
const AEM = hexToBytes('bda2f84a');
const BZ_ID = hexToBytes('0102030405060708090a0b0c');
const ADDR_A = hexToBytes('5544332211c6'); // C6:11:22:33:44:55, little-endian on the wire
const ADDR_B = hexToBytes('aa99887766' + '4d');

describe('btsnoop fixed vector', () => {
  // A Linux monitor capture written by hand from the format (BlueZ src/shared/btsnoop.h) and the HCI
  // LE Advertising Report layout (Core v5.3 Vol 4 Part E §7.7.65.2), independent of the writer.
  const gaenAdvert = '02011a0303' + '6ffd' + '17166ffd' + bytesToHex(RPI) + bytesToHex(AEM);
  const report = '03' + '01' + bytesToHex(ADDR_A) + '1f' + gaenAdvert + 'c2'; // ADV_NONCONN_IND, random, RSSI -62
  const params = '02' + '01' + report;
  const event = '3e' + (params.length / 2).toString(16).padStart(2, '0') + params;
  // 2020-07-20T09:00:01Z in µs since 0000-01-01: (1595235601 s × 10⁶) + 0x00dcddb30f2f8000.
  const ts = (1_595_235_601_000_000n + 0x00dcddb30f2f8000n).toString(16).padStart(16, '0');
  const len = (event.length / 2).toString(16).padStart(8, '0');
  const file =
    '6274736e6f6f7000' + '00000001' + '000007d1' + len + len + '00000003' + '00000000' + ts + event;

  it('reads the one GAEN sighting in it, with time, RSSI, AEM and address', () => {
    const read = readBtsnoop(hexToBytes(file), 'vector.btsnoop');
    expect(read.datalink).toBe(2001);
    expect(read.sightings).toEqual([
      {
        sighting: { timeMs: T0 + 1000, scheme: 'gaen', id: RPI, rssiDbm: -62, aem: AEM },
        address: 'C6:11:22:33:44:55',
      },
    ]);
    expect(read.counts).toMatchObject({
      records: 1,
      advertEvents: 1,
      reports: 1,
      sightings: 1,
      truncatedRecords: 0,
      unknownRecords: 0,
    });
  });

  it('is what the writer writes for that event', () => {
    const w = new BtsnoopWriter();
    const bytes = w.event(T0 + 1000, hexToBytes(event));
    expect(bytesToHex(bytes)).toBe(file.slice(32));
    expect(
      bytesToHex(
        encodeLegacyAdvertReport([
          { address: ADDR_A, data: encodeGaenAdvert(RPI, AEM), rssiDbm: -62 },
        ]),
      ),
    ).toBe(event);
  });
});

describe('btsnoop reader', () => {
  const capture = (datalink: 1002 | 2001) => {
    const w = new BtsnoopWriter({ datalink });
    return new Uint8Array(
      Buffer.concat([
        w.start(T0),
        w.command(T0, hexToBytes('0c2001' + '01')), // LE Set Scan Enable (0x200c): not an advert
        w.event(
          T0 + 100,
          encodeLegacyAdvertReport([
            { address: ADDR_A, data: encodeGaenAdvert(RPI, AEM), rssiDbm: -60 },
            { address: ADDR_B, data: encodeBluezoneAdvert(BZ_ID), rssiDbm: -75 },
            { address: ADDR_B, data: hexToBytes('020106'), rssiDbm: -70 }, // flags only: not ours
          ]),
        ),
        w.event(
          T0 + 200,
          encodeExtendedAdvertReport([
            { address: ADDR_A, data: encodeGaenAdvert(RPI, AEM), rssiDbm: -58, txPowerDbm: 4 },
            { address: ADDR_B, data: encodeBluezoneAdvert(BZ_ID), rssiDbm: 127 }, // RSSI not available
          ]),
        ),
        w.event(T0 + 300, hexToBytes('0e0401030c00')), // Command Complete (Reset): another event
      ]),
    );
  };

  for (const datalink of [1002, 2001] as const) {
    it(`reads legacy and extended reports with several reports per event (datalink ${datalink})`, () => {
      const read = readBtsnoop(capture(datalink), 'c.btsnoop', { scanner: 'pi' });
      expect(read.datalink).toBe(datalink);
      expect(read.sightings.map((s) => s.sighting)).toEqual([
        { timeMs: T0 + 100, scheme: 'gaen', id: RPI, rssiDbm: -60, aem: AEM, scanner: 'pi' },
        { timeMs: T0 + 100, scheme: 'bluezone', id: BZ_ID, rssiDbm: -75, scanner: 'pi' },
        {
          timeMs: T0 + 200,
          scheme: 'gaen',
          id: RPI,
          rssiDbm: -58,
          aem: AEM,
          txPowerDbm: 4,
          scanner: 'pi',
        },
      ]);
      expect(read.sightings.map((s) => s.address)).toEqual([
        'C6:11:22:33:44:55',
        '4D:66:77:88:99:AA',
        'C6:11:22:33:44:55',
      ]);
      expect(read.counts).toMatchObject({
        advertEvents: 2,
        reports: 5,
        sightings: 3,
        advertsNotOurs: 1,
        reportsWithoutRssi: 1,
        truncatedEvents: 0,
        truncatedRecords: 0,
      });
      expect(read.counts.otherPackets).toBe(datalink === 2001 ? 4 : 2); // + New Index, Open Index
    });
  }

  it('counts a capture cut inside a record, an event cut inside a report, and unknown records', () => {
    const w = new BtsnoopWriter({ datalink: 1002 });
    const good = w.event(
      T0,
      encodeLegacyAdvertReport([
        { address: ADDR_A, data: encodeGaenAdvert(RPI, AEM), rssiDbm: -60 },
      ]),
    );
    const ev = encodeLegacyAdvertReport([
      { address: ADDR_A, data: encodeGaenAdvert(RPI, AEM), rssiDbm: -61 },
      { address: ADDR_B, data: encodeBluezoneAdvert(BZ_ID), rssiDbm: -62 },
    ]);
    // Num_Reports says 3 but two are there: the two are kept, the event counted as truncated.
    ev[3] = 3;
    const unknown = new Uint8Array(good);
    unknown[24] = 0x09; // H4 indicator 9
    const bytes = new Uint8Array(
      Buffer.concat([w.start(T0), good, w.event(T0 + 1, ev), unknown, good.subarray(0, 30)]),
    );
    const read = readBtsnoop(bytes, 'cut.btsnoop');
    expect(read.sightings).toHaveLength(3);
    expect(read.counts).toMatchObject({
      records: 3,
      truncatedRecords: 1,
      truncatedEvents: 1,
      unknownRecords: 1,
    });
    expect(read.problems.slice(0, 2)).toEqual([
      'cut.btsnoop: record 2: truncated advertising report event: report 3 of 3: header runs past the event',
      'cut.btsnoop: record 3: unknown H4 packet indicator 0x09',
    ]);
    expect(read.problems[2]).toMatch(
      /^cut\.btsnoop: record at byte \d+: \d+ packet bytes declared, 6 present$/,
    );
  });

  it('reads datalink 1001 (direction and kind in the flags) and drops fragmented extended data', () => {
    const ev = encodeExtendedAdvertReport([
      { address: ADDR_A, data: encodeGaenAdvert(RPI, AEM), rssiDbm: -66 },
      // Data status 01 (bits 5–6): a fragment, more to come.
      {
        address: ADDR_B,
        data: encodeBluezoneAdvert(BZ_ID),
        rssiDbm: -66,
        eventType: 0x0000 | (1 << 5),
      },
    ]);
    const record = (flags: number, packet: Uint8Array) => {
      const r = new BtsnoopWriter().event(T0 + 3000, packet);
      new DataView(r.buffer).setUint32(8, flags);
      return r;
    };
    const header = new BtsnoopWriter().start(T0).slice(0, 16);
    new DataView(header.buffer).setUint32(12, 1001);
    const read = readBtsnoop(
      new Uint8Array(
        Buffer.concat([
          header,
          record(3, ev),
          record(2, hexToBytes('0c2001' + '01')),
          record(1, ev),
        ]),
      ),
      'h1.btsnoop',
    );
    expect(read.datalink).toBe(1001);
    expect(read.sightings.map((x) => x.sighting)).toEqual([
      { timeMs: T0 + 3000, scheme: 'gaen', id: RPI, rssiDbm: -66, aem: AEM },
    ]);
    expect(read.counts).toMatchObject({
      records: 3,
      otherPackets: 2,
      reports: 2,
      reportsIncompleteData: 1,
    });
  });

  it('fails in one line on a file that is not btsnoop, naming what it expected', () => {
    expect(() => readBtsnoop(new TextEncoder().encode('{"t": 1}\n'), 'x.jsonl')).toThrow(
      /^x\.jsonl: expected a btsnoop file/,
    );
    const w = new BtsnoopWriter();
    const header = w.start(T0).slice(0, 16);
    header[15] = 0xea; // datalink 2026
    expect(() => readBtsnoop(header, 'odd.btsnoop')).toThrow(
      /header\.datalink: expected 1001 \(HCI\), 1002 \(HCI UART H4\) or 2001 \(Linux monitor\), got \d+/,
    );
  });

  it('fuzz: any bytes after a valid header are counted, never thrown, never a sighting with a bad field', () => {
    const header = new BtsnoopWriter({ datalink: 1002 }).start(T0);
    const validReport = fc.record({
      rssi: fc.integer({ min: -128, max: 127 }),
      n: fc.integer({ min: 1, max: 5 }),
      cut: fc.nat(),
      flip: fc.nat(),
      ext: fc.boolean(),
      bz: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 80 }), validReport), { maxLength: 8 }),
        fc.boolean(),
        (parts, monitor) => {
          const w = new BtsnoopWriter({ datalink: monitor ? 2001 : 1002 });
          const chunks: Uint8Array[] = [monitor ? w.start(T0) : header];
          for (const p of parts) {
            if (p instanceof Uint8Array) chunks.push(p);
            else {
              const reports = Array.from({ length: p.n }, () => ({
                address: ADDR_A,
                data: p.bz ? encodeBluezoneAdvert(BZ_ID) : encodeGaenAdvert(RPI, AEM),
                rssiDbm: p.rssi,
              }));
              const ev = p.ext
                ? encodeExtendedAdvertReport(reports.slice(0, 3))
                : encodeLegacyAdvertReport(reports);
              // Damage: cut the event short and flip one byte of it (the length fields included).
              const damaged = ev.slice(0, ev.length - (p.cut % 4));
              damaged[p.flip % damaged.length]! ^= p.flip % 3 === 0 ? 0xff : 0;
              chunks.push(w.event(T0 + 5, damaged));
            }
          }
          const read = readBtsnoop(new Uint8Array(Buffer.concat(chunks)), 'fuzz.btsnoop');
          const c = read.counts;
          expect(c.sightings).toBe(read.sightings.length);
          expect(c.reports).toBe(read.receptions.length);
          for (const { sighting: s } of read.sightings) {
            expect(s.rssiDbm).toBeGreaterThanOrEqual(-127);
            expect(s.rssiDbm).toBeLessThanOrEqual(20);
            expect(s.id.length).toBe(s.scheme === 'gaen' ? 16 : 12);
            expect(Number.isFinite(s.timeMs) && s.timeMs >= 0).toBe(true);
            if (s.aem) expect(s.aem.length).toBe(4);
          }
          // Every report is accounted for exactly once.
          expect(
            c.sightings +
              c.advertsNotOurs +
              c.advertsMalformed +
              c.advertsNeedingGatt +
              c.reportsWithoutRssi +
              c.reportsIncompleteData,
          ).toBe(c.reports);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fuzz: parseAdvertEvent never throws on any event bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        fc.constantFrom(0x02, 0x0d),
        (bytes, meta, sub) => {
          const ev = meta
            ? Uint8Array.from([0x3e, Math.min(255, bytes.length + 1), sub, ...bytes])
            : bytes;
          const r = parseAdvertEvent(ev);
          expect(['reports', 'other', 'truncated']).toContain(r.kind);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('btsnoop writer against btmon', () => {
  it('writes files `btmon -r` reads: every report with its address and RSSI (datalinks 2001 and 1002)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxsense-btsnoop-'));
    for (const datalink of [2001, 1002] as const) {
      const path = join(dir, `w-${datalink}.btsnoop`);
      const f = new BtsnoopFile(path, T0, { datalink });
      f.command(T0, hexToBytes('0c2002' + '0100'));
      f.event(
        T0 + 100,
        encodeLegacyAdvertReport([
          { address: ADDR_A, data: encodeGaenAdvert(RPI, AEM), rssiDbm: -61 },
          { address: ADDR_B, data: encodeBluezoneAdvert(BZ_ID), rssiDbm: -77 },
        ]),
      );
      f.event(
        T0 + 200,
        encodeExtendedAdvertReport([
          { address: ADDR_A, data: encodeGaenAdvert(RPI, AEM), rssiDbm: -59 },
        ]),
      );
      f.close();
      const r = spawnSync('btmon', ['-r', path, '-C', '160', '-c', 'never', '-P'], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.error, 'btmon not found: install Debian bluez (.ci/run does)').toBeUndefined();
      expect(r.status).toBe(0);
      const text = r.stdout;
      expect(text).toMatch(/LE Set Scan Enable \(0x08\|0x000c\)/);
      expect(text.match(/LE Advertising Report \(0x02\)/g)).toHaveLength(1);
      expect(text).toMatch(/Num reports: 2/);
      expect(text.match(/LE Extended Advertising Report \(0x0d\)/g)).toHaveLength(1);
      expect(text.match(/Address: C6:11:22:33:44:55/g)).toHaveLength(2);
      expect(text).toMatch(/Address: 4D:66:77:88:99:AA/);
      expect(text).toMatch(/RSSI: -61 dBm \(0xc3\)/);
      expect(text).toMatch(/RSSI: -77 dBm \(0xb3\)/);
      expect(text).toMatch(/RSSI: -59 dBm \(0xc5\)/);
      expect(text).toContain(`Data: ${bytesToHex(RPI)}${bytesToHex(AEM)}`);
      expect(text).toContain(`Data: ${bytesToHex(BZ_ID)}`);
      if (datalink === 2001)
        expect(text).toMatch(/New Index: 00:00:00:00:00:00 \(Primary,Virtual,hci0\)/);
    }
  });
});
