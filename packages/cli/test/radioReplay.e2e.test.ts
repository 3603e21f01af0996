import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeBluezoneAdvert,
  encodeGaenAdvert,
  hexToBytes,
  parseSightingsLines,
} from '@proxsense/core';
import {
  BtsnoopWriter,
  encodeExtendedAdvertReport,
  encodeLegacyAdvertReport,
} from '@proxsense/node-radio';
import { proxsense } from './cli.js';

const T0 = Date.UTC(2020, 6, 20, 9);
const RPI = hexToBytes('dfc3ed265e97d0eabb630e168b4214ed');
const BZ = hexToBytes('0102030405060708090a0b0c');

/** A capture of 20 minutes: a GAEN phone close by (legacy reports), a Bluezone one far off (extended). */
function capture(datalink: 1002 | 2001): Uint8Array {
  const w = new BtsnoopWriter({ datalink });
  const chunks = [w.start(T0)];
  for (let m = 0; m < 20; m++) {
    for (let k = 0; k < 6; k++) {
      const t = T0 + m * 60_000 + k * 600;
      chunks.push(
        w.event(
          t,
          encodeLegacyAdvertReport([
            {
              address: hexToBytes('0102030405c6'),
              data: encodeGaenAdvert(RPI, hexToBytes('bda2f84a')),
              rssiDbm: -52 - (k % 2),
            },
            {
              address: hexToBytes('0a0b0c0d0e0f'),
              data: hexToBytes('0201060302aafe'),
              rssiDbm: -70,
            },
          ]),
        ),
      );
      chunks.push(
        w.event(
          t + 100,
          encodeExtendedAdvertReport([
            { address: hexToBytes('1112131415d6'), data: encodeBluezoneAdvert(BZ), rssiDbm: -90 },
          ]),
        ),
      );
    }
  }
  return new Uint8Array(Buffer.concat(chunks));
}

describe('proxsense radio replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'proxsense-replay-'));

  for (const datalink of [2001, 1002] as const) {
    it(`replays a btsnoop capture (datalink ${datalink}) into sightings and an episode summary`, () => {
      const file = join(dir, `c${datalink}.btsnoop`);
      writeFileSync(file, capture(datalink));
      const out = join(dir, `s${datalink}.jsonl`);
      const r = proxsense('radio', 'replay', file, '--out', out, '--scanner', 'pi');
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe(
        'day\tcontact\twindows\tscoreSum\tweightedMin\tcloseMin\tcloseContact\tbluezoneCloseMin\tbluezoneCloseContact',
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^2020-07-20\tdfc3ed265e97d0eabb630e168b4214ed\t1\t.*\tYES\t/),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^2020-07-20\t0102030405060708090a0b0c\t1\t.*\tno\t[\d.]+\tno$/),
      );
      expect(r.stderr).toMatch(new RegExp(`btsnoop, datalink ${datalink}`));
      expect(r.stderr).toMatch(/360 advertising reports in 240 events/);
      expect(r.stderr).toMatch(/120 not GAEN\/Bluezone/);
      expect(r.stderr).toMatch(
        /240 receptions → 40 sightings in 20 scans → 2 exposure windows; 2 contact-days, 1 "too close for too long"/,
      );
      const written = parseSightingsLines(readFileSync(out, 'utf8').split('\n'));
      expect(written.sightings).toHaveLength(40);
      expect(written.sightings[0]).toEqual({
        timeMs: T0,
        scheme: 'gaen',
        id: RPI,
        rssiDbm: -52,
        aem: hexToBytes('bda2f84a'),
        scanner: 'pi',
      });
      // The written sightings replay to the same summary.
      const again = proxsense('radio', 'replay', out);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(r.stdout);
    });
  }

  it('prints JSON with the counts, windows and summaries; reports truncated and unknown records', () => {
    const bytes = capture(1002);
    const cut = new Uint8Array(bytes.length + 2);
    cut.set(bytes);
    // A record with an unknown H4 indicator, then a record header cut short.
    const w = new BtsnoopWriter({ datalink: 1002 });
    const unknown = w.event(T0 + 1_300_000, Uint8Array.of(0x0e, 0x00));
    unknown[24] = 0x07;
    const file = join(dir, 'damaged.btsnoop');
    writeFileSync(file, Buffer.concat([bytes, unknown, unknown.subarray(0, 10)]));
    const r = proxsense('radio', 'replay', file, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.format).toBe('btsnoop');
    expect(j.datalink).toBe(1002);
    expect(j.counts).toMatchObject({
      unknownRecords: 1,
      truncatedRecords: 1,
      reports: 360,
      receptions: 240,
      sightings: 40,
      scans: 20,
      windows: 2,
    });
    expect(j.problems).toEqual([
      `${file}: record 241: unknown H4 packet indicator 0x07`,
      `${file}: record header at byte ${bytes.length + unknown.length}: 10 of 24 bytes`,
    ]);
    expect(j.windows).toHaveLength(2);
    expect(j.contacts.filter((c: { closeContact: boolean }) => c.closeContact)).toHaveLength(1);
    expect(j.dailySummaries.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/unknown records 1, truncated records 1, truncated events 0/);
  });

  it('replays the example sightings JSONL to the same summary as `episodes`', () => {
    const r = proxsense('radio', 'replay', 'examples/sightings.jsonl');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(proxsense('episodes', '--sightings', 'examples/sightings.jsonl').stdout);
    expect(r.stderr).toMatch(/365 receptions → 365 sightings in 343 scans → 177 exposure windows/);
  });

  it('fails in one line with exit 2 on a missing file, a file of neither format, a bad btsnoop header', () => {
    const missing = proxsense('radio', 'replay', join(dir, 'nope.btsnoop'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(
      /^proxsense: cannot read recording .*nope\.btsnoop: no such file$/,
    );
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Uint8Array.of(0, 159, 146, 150, 10, 1));
    const j = proxsense('radio', 'replay', junk);
    expect(j.code).toBe(2);
    expect(j.stderr.trim().split('\n')).toHaveLength(1);
    expect(j.stderr).toMatch(
      /junk\.bin: expected a btsnoop capture \(header "btsnoop\\0"\) or sightings JSONL, got neither/,
    );
    const bad = join(dir, 'v2.btsnoop');
    const header = capture(2001).slice(0, 16);
    header[11] = 2;
    writeFileSync(bad, header);
    const b = proxsense('radio', 'replay', bad);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toMatch(/v2\.btsnoop: header\.version: expected 1, got 2$/);
    const failing = join(dir, 'bad.jsonl');
    writeFileSync(failing, '{"t": 1595205660154, "scheme": "gaen", "id": "00", "rssi": -50}\n');
    const f = proxsense('radio', 'replay', failing, '--on-bad-line', 'fail');
    expect(f.code).toBe(2);
    expect(f.stderr.trim()).toMatch(
      /bad\.jsonl:1: id: expected .* \(use --on-bad-line skip to skip bad lines\)$/,
    );
    expect(proxsense('radio', 'replay', '--help').stdout).toMatch(
      /Examples:\n {2}\$ proxsense radio replay/,
    );
  });
});
