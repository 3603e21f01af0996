import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ERA_END_MS,
  ERA_INTERVALS,
  ERA_START_MS,
  formatSightingLine,
  parseSightingLine,
  parseSightingsLines,
  RSSI_CELL_DBM,
  RSSI_RANGE_DBM,
  SightingFormatError,
  TX_POWER_CELL_DBM,
  TX_POWER_RANGE_DBM,
  type Sighting,
} from '@proxsense/core';

const sighting = fc
  .oneof(
    fc.record({
      scheme: fc.constant('gaen' as const),
      id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    }),
    fc.record({
      scheme: fc.constant('bluezone' as const),
      id: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    }),
  )
  .chain((base) =>
    fc
      .record({
        timeMs: fc.integer({ min: ERA_START_MS, max: ERA_END_MS - 1 }),
        rssiDbm: fc.integer({ min: -127, max: 20 }),
        txPowerDbm: fc.option(
          fc.integer({ min: TX_POWER_RANGE_DBM[0], max: TX_POWER_RANGE_DBM[1] }),
          { nil: undefined },
        ),
        aem:
          base.scheme === 'gaen'
            ? fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined })
            : fc.constant(undefined),
        scanner: fc.option(fc.string(), { nil: undefined }),
      })
      .map((rest) => {
        const s: Sighting = { ...base, timeMs: rest.timeMs, rssiDbm: rest.rssiDbm };
        if (rest.txPowerDbm !== undefined) s.txPowerDbm = rest.txPowerDbm;
        if (rest.aem !== undefined) s.aem = rest.aem;
        if (rest.scanner !== undefined) s.scanner = rest.scanner;
        return s;
      }),
  );

describe('sightings JSONL', () => {
  it('dates its era 2020-01-01 to 2099-12-31 UTC', () => {
    expect([ERA_START_MS, ERA_END_MS]).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2100, 0, 1)]);
    expect(ERA_INTERVALS).toEqual([ERA_START_MS / 600_000, ERA_END_MS / 600_000]);
  });

  it('checks one TX power and RSSI range, as CSV readers do', () => {
    expect([TX_POWER_CELL_DBM.min, TX_POWER_CELL_DBM.max]).toEqual([...TX_POWER_RANGE_DBM]);
    expect([RSSI_CELL_DBM.min, RSSI_CELL_DBM.max]).toEqual([...RSSI_RANGE_DBM]);
  });

  it('round-trips any sighting through its line', () => {
    fc.assert(
      fc.property(sighting, (s) => {
        expect(parseSightingLine(formatSightingLine(s), 1)).toEqual(s);
      }),
    );
  });

  it('parses the documented example', () => {
    const s = parseSightingLine(
      '{"t":1700000000000,"scheme":"gaen","id":"8be6cd371c5c891604bfbe49df845096","rssi":-61,"tx":8,"aem":"72033874","scanner":"pixel-4a"}',
      1,
    );
    expect(s).toMatchObject({
      timeMs: 1700000000000,
      scheme: 'gaen',
      rssiDbm: -61,
      txPowerDbm: 8,
      scanner: 'pixel-4a',
    });
  });

  it.each([
    ['not json', 'x', /s\.jsonl:3: not valid JSON/],
    [
      'wrong id length',
      '{"t":1595205660154,"scheme":"gaen","id":"00ff","rssi":-60}',
      /s\.jsonl:3: id: expected 32 hex digits \(16 bytes\), got 4 hex digits/,
    ],
    [
      'bluezone id given gaen length',
      '{"t":1595205660154,"scheme":"bluezone","id":"' + '00'.repeat(16) + '","rssi":-60}',
      /id: expected 24 hex digits/,
    ],
    [
      'missing rssi',
      '{"t":1595205660154,"scheme":"gaen","id":"' + '00'.repeat(16) + '"}',
      /rssi: expected an RSSI in dBm between -127 and 20, got nothing/,
    ],
    [
      'unknown scheme',
      '{"t":1595205660154,"scheme":"x","id":"00","rssi":-60}',
      /scheme: expected "gaen" or "bluezone", got "x"/,
    ],
    [
      'negative time',
      '{"t":-5,"scheme":"gaen","id":"' + '00'.repeat(16) + '","rssi":-60}',
      /t: expected a time in ms/,
    ],
    [
      'time past a Date',
      '{"t":1e20,"scheme":"gaen","id":"' + '00'.repeat(16) + '","rssi":-60}',
      /t: expected a time in ms since the Unix epoch within 2020-01-01\.\.2099-12-31, got 100000000000000000000 \(beyond any date\)/,
    ],
    [
      'the last Date',
      '{"t":8.64e15,"scheme":"gaen","id":"' + '00'.repeat(16) + '","rssi":-60}',
      /t: expected a time in ms .*\+275760/,
    ],
    [
      'time in seconds',
      '{"t":1595205660,"scheme":"gaen","id":"' + '00'.repeat(16) + '","rssi":-60}',
      /t: .*got 1595205660 \(that looks like seconds: multiply by 1000\)/,
    ],
    [
      'before GAEN',
      '{"t":1262304000000,"scheme":"gaen","id":"' + '00'.repeat(16) + '","rssi":-60}',
      /t: .*within 2020-01-01.*\(2010-01-01T00:00:00\.000Z\)/,
    ],
    [
      'tx above BLE maximum',
      '{"t":1595205660154,"scheme":"gaen","id":"' + '00'.repeat(16) + '","rssi":-60,"tx":100}',
      /tx: expected a TX power in dBm between -50 and 20, got 100/,
    ],
    [
      'rssi above 20',
      '{"t":1595205660154,"scheme":"gaen","id":"' + '00'.repeat(16) + '","rssi":21}',
      /rssi: expected an RSSI/,
    ],
  ])('reports a bad line (%s) with its number and field', (_n, line, message) => {
    expect(() => parseSightingLine(line, 3, 's.jsonl')).toThrow(SightingFormatError);
    expect(() => parseSightingLine(line, 3, 's.jsonl')).toThrow(message);
  });

  it('skips or fails on bad lines by policy, never dropping one silently', () => {
    const good =
      '{"t":1595205660154,"scheme":"bluezone","id":"' + '11'.repeat(12) + '","rssi":-60}';
    const lines = [good, '', 'garbage', good, '{"t":1595205660154}'];
    const skipped = parseSightingsLines(lines, { onBadLine: 'skip', source: 'f' });
    expect(skipped.sightings).toHaveLength(2);
    expect(skipped.badLines.map((e) => e.lineNumber)).toEqual([3, 5]);
    expect(() => parseSightingsLines(lines, { source: 'f' })).toThrow(/^f:3: /);
  });
});

describe('core stays pure', () => {
  it('has no node: imports, Buffer or process outside src/node', () => {
    const root = fileURLToPath(new URL('../src', import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (path !== join(root, 'node')) walk(path);
        } else if (name.endsWith('.ts')) {
          const code = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
          if (
            /from ['"]node:|require\(['"]node:|\bBuffer\b|\bprocess\b|\bglobalThis\b|\bsetTimeout\b|\bDate\.now\b|Math\.random/.test(
              code,
            )
          )
            offenders.push(path);
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
