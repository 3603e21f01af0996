import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { proxsense, REPO } from './cli.js';
import { sharedJson, sharedPath } from '../../core/test/sharedData.js';

const gaen = sharedJson('vectors/gaen-crypto-v1.2.json');
const bluezone = sharedJson('vectors/bluezone-ids.json');
const exportJson = sharedJson('vectors/gaen-export-us-110keys.json');
const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-'));

describe('proxsense keys derive', () => {
  it('prints all 144 GAEN RPIs and AEMs of the test vectors as JSON', () => {
    const r = proxsense(
      'keys',
      'derive',
      '--scheme',
      'gaen',
      '--key',
      gaen.tek,
      '--interval',
      String(gaen.rollingStartIntervalNumber),
      '--count',
      '144',
      '--metadata',
      gaen.bleMetadata,
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(
      gaen.intervals.map((v: any) => ({ interval: v.intervalNumber, id: v.rpi, aem: v.aem })),
    );
  });

  it('prints Bluezone IDs of a day as a table', () => {
    const r = proxsense(
      'keys',
      'derive',
      '--scheme',
      'bluezone',
      '--key',
      bluezone.days[1].dailyKey,
      '--interval',
      '0',
      '--count',
      '96',
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('interval\tid');
    expect(lines.slice(1)).toEqual(
      bluezone.days[1].ids.slice(0, 96).map((id: string, i: number) => `${i}\t${id}`),
    );
  });

  it.each([
    [['--scheme', 'gaen', '--key', 'abc', '--interval', '1'], /--key: expected a 16-byte GAEN TEK/],
    [
      ['--scheme', 'bluezone', '--key', gaen.tek, '--interval', '1'],
      /--key: expected a 32-byte Bluezone daily key/,
    ],
    [['--scheme', 'wifi', '--key', gaen.tek, '--interval', '1'], /expected one of gaen, bluezone/],
    [
      ['--scheme', 'gaen', '--key', gaen.tek, '--interval', '-3'],
      /--interval.*expected an integer 0\.\.4294967295/,
    ],
    [['--scheme', 'gaen', '--key', gaen.tek], /required option '--interval <n>' not specified/],
  ])('rejects bad input %j with one clear line and exit 2', (args, message) => {
    const r = proxsense('keys', 'derive', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('has --help with an example', () => {
    const r = proxsense('keys', 'derive', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n\s+\$ proxsense keys derive --scheme gaen/);
  });
});

describe('proxsense keys inspect', () => {
  it('decodes the real export.bin to the 110 listed keys', () => {
    const r = proxsense(
      'keys',
      'inspect',
      sharedPath('vectors/gaen-export-us-110keys.bin'),
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe('gaen-export-bin');
    expect(out.region).toBe('US');
    expect(out.keys).toEqual(
      exportJson.keys.map((k: any) => ({ ...k, rollingPeriod: k.rollingPeriod ?? 144 })),
    );
  });

  it('verifies the example export signature and rejects a wrong key with exit 1', () => {
    const ok = proxsense(
      'keys',
      'inspect',
      'examples/diagnosis-keys.zip',
      '--verify',
      'examples/signing-key.pub.pem',
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/verified:\s+yes/);
    const dir = tmp();
    const other = proxsense(
      'keys',
      'export',
      '--in',
      'examples/keys.json',
      '--out',
      join(dir, 'x.zip'),
    );
    expect(other.code).toBe(0);
    const unsigned = proxsense(
      'keys',
      'inspect',
      join(dir, 'x.zip'),
      '--verify',
      'examples/signing-key.pub.pem',
    );
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/zip has no export\.sig/);
  });

  it('names the file and the problem for a bad file', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.bin');
    writeFileSync(
      bad,
      Buffer.concat([
        Buffer.from('EK Export v1    '),
        Buffer.from([0x3a, 0x05, 0x0a, 0x03, 1, 2, 3]),
      ]),
    );
    const r = proxsense('keys', 'inspect', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      new RegExp(
        `^proxsense: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: keys\\[0\\]\\.keyData: expected 16 bytes, got 3 bytes$`,
      ),
    );
  });
});

describe('proxsense keys export', () => {
  it('writes a signed zip that inspects back to the same keys and verifies', () => {
    const dir = tmp();
    const zip = join(dir, 'export.zip');
    const w = proxsense(
      'keys',
      'export',
      '--in',
      'examples/keys.json',
      '--out',
      zip,
      '--sign',
      'examples/signing-key.pem',
      '--key-id',
      '452',
      '--json',
    );
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stdout)).toMatchObject({ keys: 46, signed: true });
    const r = proxsense(
      'keys',
      'inspect',
      zip,
      '--json',
      '--verify',
      'examples/signing-key.pub.pem',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.signatureValid).toBe(true);
    expect(out.signatures[0].signatureInfo).toMatchObject({
      verificationKeyId: '452',
      signatureAlgorithm: '1.2.840.10045.4.3.2',
    });
    expect(out.keys).toEqual(
      JSON.parse(readFileSync(join(REPO, 'examples/keys.json'), 'utf8')).keys,
    );
    // Same input, same bytes.
    const again = join(dir, 'again.zip');
    proxsense(
      'keys',
      'export',
      '--in',
      'examples/keys.json',
      '--out',
      again,
      '--sign',
      'examples/signing-key.pem',
      '--key-id',
      '452',
    );
    expect(readFileSync(again).equals(readFileSync(zip))).toBe(true);
  });

  it('rejects Bluezone keys, bad JSON fields and non-P-256 keys clearly', () => {
    const dir = tmp();
    const r1 = proxsense(
      'keys',
      'export',
      '--in',
      'examples/bluezone-f0.json',
      '--out',
      join(dir, 'a.zip'),
    );
    expect([r1.code, r1.stderr]).toEqual([2, expect.stringMatching(/holds Bluezone F0 keys/)]);
    const bad = join(dir, 'k.json');
    writeFileSync(
      bad,
      JSON.stringify({
        keys: [
          { keyData: '00'.repeat(16), rollingStartIntervalNumber: 2_658_672, rollingPeriod: 300 },
        ],
      }),
    );
    const r2 = proxsense('keys', 'export', '--in', bad, '--out', join(dir, 'b.zip'));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(
      /k\.json: keys\[0\]\.rollingPeriod: expected an integer 1\.\.144, got 300/,
    );
    const r3 = proxsense(
      'keys',
      'export',
      '--in',
      'examples/keys.json',
      '--out',
      join(dir, 'c.zip'),
      '--sign',
      'examples/keys.json',
    );
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/keys\.json: not a PEM private key/);
  });
});
