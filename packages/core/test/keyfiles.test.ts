import fc from 'fast-check';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  decodeExportBin,
  encodeExportBin,
  KeyFileError,
  readDiagnosisKeyFile,
  readExportZip,
  verifyExportSignature,
  writeExportZip,
  gaenExportFromJson,
  gaenExportToJson,
} from '@proxsense/core';
import { zipSync } from 'fflate';
import { sharedVector, sharedVectorJson } from './vectors.js';

const bin = new Uint8Array(sharedVector('gaen-export-us-110keys.bin'));
const expected = sharedVectorJson('gaen-export-us-110keys.json');

describe('GAEN key export (real export.bin)', () => {
  it('decodes exactly the 110 keys and the header listed beside it', () => {
    const e = decodeExportBin(bin, 'export.bin');
    expect(e.keys).toHaveLength(110);
    expect(
      e.keys.map((k) => ({
        keyData: bytesToHex(k.keyData),
        transmissionRiskLevel: k.transmissionRiskLevel,
        rollingStartIntervalNumber: k.rollingStartIntervalNumber,
        rollingPeriod: k.rollingPeriod,
      })),
    ).toEqual(expected.keys.map((k: any) => ({ ...k, rollingPeriod: k.rollingPeriod ?? 144 })));
    expect([e.startTimestamp, e.endTimestamp, e.region, e.batchNum, e.batchSize]).toEqual([
      expected.startTimestamp,
      expected.endTimestamp,
      expected.region,
      expected.batchNum,
      expected.batchSize,
    ]);
    expect(e.revisedKeys).toEqual([]);
    expect(e.signatureInfos[0]?.androidPackage).toBe(
      'com.google.android.apps.exposurenotification',
    );
  });

  it('round-trips through encode and decode', () => {
    const e = decodeExportBin(bin);
    expect(decodeExportBin(encodeExportBin(e))).toEqual(e);
  });

  it('writes a signed zip that verifies with the public key and fails with another', () => {
    const e = decodeExportBin(bin);
    const secret = p256.utils.randomSecretKey();
    const zip = writeExportZip(e, {
      signingKey: secret,
      signatureInfo: { verificationKeyId: '310', verificationKeyVersion: 'v1' },
    });
    const archive = readExportZip(zip, 'signed.zip');
    expect(archive.export.keys).toEqual(e.keys);
    expect(archive.signatures).toHaveLength(1);
    expect(archive.signatures[0]!.signatureInfo.signatureAlgorithm).toBe('1.2.840.10045.4.3.2');
    expect(verifyExportSignature(archive, p256.getPublicKey(secret, false))).toBe(true);
    expect(verifyExportSignature(archive, p256.getPublicKey(p256.utils.randomSecretKey()))).toBe(
      false,
    );
    // Any change to export.bin breaks the signature.
    const tampered = archive.exportBin.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(
      verifyExportSignature({ ...archive, exportBin: tampered }, p256.getPublicKey(secret)),
    ).toBe(false);
    // Same keys and signing key, same bytes.
    expect(
      bytesToHex(
        writeExportZip(e, {
          signingKey: secret,
          signatureInfo: { verificationKeyId: '310', verificationKeyVersion: 'v1' },
        }),
      ),
    ).toBe(bytesToHex(zip));
  });

  it('reads the same keys from zip, bare bin and keys JSON', () => {
    const e = decodeExportBin(bin);
    const json = new TextEncoder().encode(JSON.stringify(gaenExportToJson(e)));
    const fromZip = readDiagnosisKeyFile(writeExportZip(e), 'a.zip');
    const fromBin = readDiagnosisKeyFile(bin, 'export.bin');
    const fromJson = readDiagnosisKeyFile(json, 'keys.json');
    expect([fromZip.format, fromBin.format, fromJson.format]).toEqual([
      'gaen-export-zip',
      'gaen-export-bin',
      'gaen-keys-json',
    ]);
    expect(fromZip.keys).toEqual(fromBin.keys);
    expect(fromJson.keys).toEqual(fromBin.keys);
  });

  it('reads national-size key lists (no argument-spreading limits)', () => {
    const keys = Array.from({ length: 300_000 }, (_, i) => ({
      keyData: i.toString(16).padStart(32, '0'),
      rollingStartIntervalNumber: 2_658_672 + (i % 14) * 144,
    }));
    const e = gaenExportFromJson({ keys }, 'big.json');
    expect(e.keys).toHaveLength(300_000);
    expect([e.startTimestamp, e.endTimestamp]).toEqual([
      2_658_672 * 600,
      (2_658_672 + 14 * 144) * 600,
    ]);
  });

  it('accepts base64 key data as key servers publish it', () => {
    const e = gaenExportFromJson(
      [
        {
          keyData: 'AOSEq2kyjs/KTOVH3uo+DQ==',
          rollingStartIntervalNumber: 2645035,
          rollingPeriod: 117,
        },
      ],
      'k.json',
    );
    expect(bytesToHex(e.keys[0]!.keyData)).toBe('00e484ab69328ecfca4ce547deea3e0d');
  });
});

describe('Bluezone F0 files', () => {
  it('reads the app format {"data": [{daily_key, time_start, max, time_end}]} and the old names with a note', () => {
    const key = '11'.repeat(32);
    const app = readDiagnosisKeyFile(
      new TextEncoder().encode(
        JSON.stringify({
          data: [{ daily_key: key, time_start: 1595203200, max: 96, time_end: 1595289599 }],
        }),
      ),
      'f0.json',
    );
    expect(app.format).toBe('bluezone-f0-json');
    expect(app.notes).toEqual([]);
    const old = readDiagnosisKeyFile(
      new TextEncoder().encode(
        JSON.stringify([{ dailyKey: key, timeDk: 1595203200, maxRoll: 96, timeTe: 1595289599 }]),
      ),
      'old.json',
    );
    expect(old.keys).toEqual(app.keys);
    expect(old.notes).toEqual([
      expect.stringMatching(/^old\.json: read Bluezone F0 entries with the old field names/),
    ]);
    expect(() =>
      readDiagnosisKeyFile(
        new TextEncoder().encode(
          JSON.stringify({ data: [{ daily_key: key, time_start: 1595203200, max: 96 }] }),
        ),
        'f0.json',
      ),
    ).toThrow(/^f0\.json: data\[0\]\.time_end: expected a time in whole seconds/);
  });
});

describe('bad key files fail with a typed error naming the file and the problem', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated header', bin.subarray(0, 10), /^t\.bin: /],
    ['truncated protobuf', bin.subarray(0, 200), /t\.bin: bad TemporaryExposureKeyExport protobuf/],
    [
      'wrong header',
      (() => {
        const b = bin.slice();
        b[3] = 0x58;
        return b;
      })(),
      /t\.bin: .*(header|not a key file)/,
    ],
    [
      'zip without export.bin',
      zipSync({ 'other.txt': new Uint8Array([1]) }),
      /t\.bin: zip has no export\.bin \(found: other\.txt\)/,
    ],
    [
      'key of wrong length',
      encodeExportBin({
        ...decodeExportBin(bin),
        keys: [{ ...decodeExportBin(bin).keys[0]!, keyData: new Uint8Array(15) }],
      }),
      /t\.bin: keys\[0\]\.keyData: expected 16 bytes, got 15 bytes/,
    ],
    [
      'json key of wrong length',
      new TextEncoder().encode('[{"keyData":"00ff","rollingStartIntervalNumber":1}]'),
      /t\.bin: keys\[0\]\.keyData: expected 16 bytes/,
    ],
    [
      'bluezone key missing field',
      new TextEncoder().encode(
        '[{"dailyKey":"' + '00'.repeat(32) + '","timeDk":1595203200,"maxRoll":96}]',
      ),
      /t\.bin: \[0\]\.timeTe: expected a time in whole seconds/,
    ],
    [
      'bluezone time in ms',
      new TextEncoder().encode(
        '{"data":[{"daily_key":"' +
          '00'.repeat(32) +
          '","time_start":1595203200000,"max":96,"time_end":1595289599}]}',
      ),
      /t\.bin: data\[0\]\.time_start: .*\(that looks like milliseconds: divide by 1000\)/,
    ],
    [
      'json start far past a Date',
      new TextEncoder().encode(
        '{"startTimestamp":1e13,"keys":[{"keyData":"' +
          '00'.repeat(16) +
          '","rollingStartIntervalNumber":2658672}]}',
      ),
      /t\.bin: startTimestamp: expected a time in whole seconds since the Unix epoch within 2020-01-01\.\.2099-12-31, got 10000000000000/,
    ],
    [
      'json start after end',
      new TextEncoder().encode(
        '{"startTimestamp":1595203200,"endTimestamp":1595000000,"keys":[{"keyData":"' +
          '00'.repeat(16) +
          '","rollingStartIntervalNumber":2658672}]}',
      ),
      /t\.bin: endTimestamp: expected a time \(Unix seconds\) not before startTimestamp 1595203200, got 1595000000/,
    ],
    [
      'json empty keys',
      new TextEncoder().encode('{"keys":[]}'),
      /t\.bin: keys: expected at least one key object, got an empty array/,
    ],
    [
      'json rolling start in seconds',
      new TextEncoder().encode(
        '[{"keyData":"' + '00'.repeat(16) + '","rollingStartIntervalNumber":1595203200}]',
      ),
      /keys\[0\]\.rollingStartIntervalNumber: .*looks like Unix seconds: divide by 600/,
    ],
    [
      'bin start far past a Date',
      encodeExportBin({ ...decodeExportBin(bin), startTimestamp: 1e13 }),
      /t\.bin: startTimestamp: expected a time in whole seconds/,
    ],
    [
      'bin start after end',
      encodeExportBin({
        ...decodeExportBin(bin),
        startTimestamp: decodeExportBin(bin).endTimestamp + 1,
      }),
      /t\.bin: endTimestamp: expected a time .*not before startTimestamp/,
    ],
    [
      'bin rolling start before GAEN',
      encodeExportBin({
        ...decodeExportBin(bin),
        keys: [{ ...decodeExportBin(bin).keys[0]!, rollingStartIntervalNumber: 5 }],
      }),
      /t\.bin: keys\[0\]\.rollingStartIntervalNumber: expected an ENIntervalNumber/,
    ],
    [
      'bin report type out of range',
      encodeExportBin({
        ...decodeExportBin(bin),
        keys: [{ ...decodeExportBin(bin).keys[0]!, daysSinceOnsetOfSymptoms: 99 }],
      }),
      /t\.bin: keys\[0\]\.daysSinceOnsetOfSymptoms: expected an integer -14\.\.14, got 99/,
    ],
    ['empty file', new Uint8Array(0), /t\.bin: empty file/],
  ];
  it.each(cases)('%s', (_name, bytes, message) => {
    expect(() => readDiagnosisKeyFile(bytes, 't.bin')).toThrow(KeyFileError);
    expect(() => readDiagnosisKeyFile(bytes, 't.bin')).toThrow(message);
  });

  it('fuzz: random and mutated bytes either decode to keys or throw KeyFileError', () => {
    const zip = writeExportZip(decodeExportBin(bin));
    const seeds = [bin, zip];
    const check = (bytes: Uint8Array) => {
      try {
        const file = readDiagnosisKeyFile(bytes, 'fuzz.bin');
        for (const k of file.keys) if (k.scheme === 'gaen') expect(k.keyData).toHaveLength(16);
      } catch (error) {
        expect(error).toBeInstanceOf(KeyFileError);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), check), { numRuns: 300 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.option(fc.nat()),
        (which, flips, cut) => {
          const bytes = seeds[which]!.slice();
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          check(cut === null ? bytes : bytes.subarray(0, cut % bytes.length));
        },
      ),
      { numRuns: 400 },
    );
  });
});
