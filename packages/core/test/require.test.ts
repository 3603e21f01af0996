import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The built CommonJS files, found as a CJS app finds them: through package.json `exports` → require.
const require = createRequire(import.meta.url);
const load = (subpath: string) =>
  require(subpath === '.' ? '@proxsense/core' : `@proxsense/core/${subpath}`) as Record<
    string,
    any
  >;

const TEK = '75c734c6dd1a782de7a965da5eb93125';
const FIRST_INTERVAL = 2_642_976;

describe('every export works under require()', () => {
  it('resolves each subpath to its .cjs build', () => {
    for (const s of [
      'advert',
      'bytes',
      'crypto',
      'episodes',
      'errors',
      'firmware',
      'ids',
      'keyfiles',
      'matching',
      'node',
      'ports',
      'proximity',
      'risk',
      'sightings',
    ]) {
      expect(require.resolve(`@proxsense/core/${s}`)).toMatch(
        new RegExp(`packages/core/dist/${s}/index\\.cjs$`),
      );
    }
    expect(require.resolve('@proxsense/core')).toMatch(/packages\/core\/dist\/index\.cjs$/);
  });

  it('derives, matches and reads key files (root, bytes, crypto, ids, matching, keyfiles, sightings)', () => {
    const { hexToBytes, bytesToHex } = load('bytes');
    const { pureCryptoProvider: crypto } = load('crypto');
    const { rollingProximityIdentifierKey, rollingProximityIdentifiers } = load('ids');
    const key = {
      scheme: 'gaen',
      keyData: hexToBytes(TEK),
      rollingStartIntervalNumber: FIRST_INTERVAL,
      rollingPeriod: 144,
    };
    const rpi = rollingProximityIdentifiers(
      crypto,
      rollingProximityIdentifierKey(crypto, key.keyData),
      FIRST_INTERVAL + 3,
      1,
    );
    expect(bytesToHex(rpi)).toBe('dfc3ed265e97d0eabb630e168b4214ed');
    const { parseSightingLine, formatSightingLine } = load('sightings');
    const line = formatSightingLine({
      scheme: 'gaen',
      id: rpi,
      rssiDbm: -62,
      timeMs: (FIRST_INTERVAL + 3) * 600_000,
    });
    const [match] = load('matching').matchDiagnosisKeys([key], [parseSightingLine(line, 1)], {
      crypto,
    });
    expect(match.interval).toBe(FIRST_INTERVAL + 3);
    const { writeExportZip, readDiagnosisKeyFile } = load('keyfiles');
    const zip = writeExportZip({
      startTimestamp: 0,
      endTimestamp: 0,
      region: '310',
      batchNum: 1,
      batchSize: 1,
      signatureInfos: [],
      keys: [key],
      revisedKeys: [],
    });
    expect(
      readDiagnosisKeyFile(zip, 'export.zip').keys.map((k: { keyData: Uint8Array }) =>
        bytesToHex(k.keyData),
      ),
    ).toEqual([TEK]);
    expect(bytesToHex(load('.').rollingProximityIdentifierKey(crypto, key.keyData))).toBe(
      bytesToHex(rollingProximityIdentifierKey(crypto, key.keyData)),
    );
  });

  it('shares one copy of each class across subpaths (errors thrown by one are instances of another)', () => {
    const { InputError, ProxsenseError } = load('errors');
    expect(() => load('bytes').hexToBytes('zz', 'id')).toThrow(InputError);
    expect(() => load('bytes').hexToBytes('zz', 'id')).toThrow(load('.').ProxsenseError);
    expect(() => load('keyfiles').readDiagnosisKeyFile(new Uint8Array(0), 'empty.bin')).toThrow(
      ProxsenseError,
    );
  });

  it('encodes adverts, estimates distance, builds windows, scores risk and runs firmware (advert, proximity, episodes, risk, firmware, ports)', () => {
    const { encodeGaenAdvert, decodeAdvert } = load('advert');
    expect(decodeAdvert(encodeGaenAdvert(new Uint8Array(16).fill(7), new Uint8Array(4))).kind).toBe(
      'gaen',
    );
    const { estimateDistance, DEFAULT_PATH_LOSS_MODEL } = load('proximity');
    expect(estimateDistance(DEFAULT_PATH_LOSS_MODEL, 60).distanceM).toBeGreaterThan(0);
    const sightings = [0, 1, 2].map((m) => ({
      scheme: 'gaen',
      id: new Uint8Array(16).fill(1),
      rssiDbm: -60,
      timeMs: Date.UTC(2020, 6, 20) + m * 60_000,
    }));
    const windows = load('episodes').exposureWindows(sightings);
    expect(windows.length).toBeGreaterThan(0);
    const { bluezoneRisk } = load('risk');
    expect(typeof bluezoneRisk([]).closeContact).toBe('boolean');
    const { VirtualScheduler } = load('firmware');
    const scheduler = new VirtualScheduler(0);
    let fired = 0;
    scheduler.setTimer(1_000, () => fired++);
    scheduler.runUntil(2_000);
    expect(fired).toBe(1);
    const { SeededRandom } = load('ports');
    expect(new SeededRandom(1).randomBytes(4)).toEqual(new SeededRandom(1).randomBytes(4));
  });

  it('matches on worker threads and uses node:crypto (node)', async () => {
    const { hexToBytes } = load('bytes');
    const { nodeCryptoProvider, matchInParallel } = load('node');
    const { rollingProximityIdentifierKey, rollingProximityIdentifiers } = load('ids');
    const key = {
      scheme: 'gaen',
      keyData: hexToBytes(TEK),
      rollingStartIntervalNumber: FIRST_INTERVAL,
      rollingPeriod: 144,
    };
    const rpi = rollingProximityIdentifiers(
      nodeCryptoProvider,
      rollingProximityIdentifierKey(nodeCryptoProvider, key.keyData),
      FIRST_INTERVAL + 3,
      1,
    );
    const matches: unknown[] = [];
    const stats = await matchInParallel(
      [key],
      [{ scheme: 'gaen', id: rpi, rssiDbm: -62, timeMs: (FIRST_INTERVAL + 3) * 600_000 }],
      (m: unknown) => matches.push(m),
      { threads: 1 },
    );
    expect(stats.matches).toBe(1);
    expect(matches).toHaveLength(1);
  });
});
