import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@proxsense/core/bytes';
import {
  KeyFileError,
  p256PublicKeyFromPem,
  p256PublicKeyFromSpki,
  readDiagnosisKeyFile,
  verifyExportSignature,
  writeExportZip,
  type GaenKeyExport,
} from '@proxsense/core/keyfiles';

const REPO = join(import.meta.dirname, '../../..');
const publicPem = readFileSync(join(REPO, 'examples/signing-key.pub.pem'), 'utf8');
const privatePem = readFileSync(join(REPO, 'examples/signing-key.pem'), 'utf8');

/** The reference answer: node:crypto's (OpenSSL's) reading of a PEM key, as SEC1 uncompressed bytes. */
function opensslPoint(pem: string): string {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  return (
    '04' +
    Buffer.from(jwk.x!, 'base64url').toString('hex') +
    Buffer.from(jwk.y!, 'base64url').toString('hex')
  );
}

const oneKeyExport: GaenKeyExport = {
  startTimestamp: 1_585_785_600,
  endTimestamp: 1_585_872_000,
  region: '310',
  batchNum: 1,
  batchSize: 1,
  signatureInfos: [],
  keys: [
    {
      scheme: 'gaen',
      keyData: hexToBytes('75c734c6dd1a782de7a965da5eb93125'),
      rollingStartIntervalNumber: 2_642_976,
      rollingPeriod: 144,
    },
  ],
  revisedKeys: [],
};

describe('P-256 public keys from PEM (SPKI) in pure TypeScript', () => {
  it('reads the example PEM key as OpenSSL does', () => {
    expect(bytesToHex(p256PublicKeyFromPem(publicPem))).toBe(opensslPoint(publicPem));
  });

  it('reads the same key from SPKI DER and from a compressed-point SPKI', () => {
    const der = createPublicKey(publicPem).export({ format: 'der', type: 'spki' });
    expect(bytesToHex(p256PublicKeyFromSpki(new Uint8Array(der)))).toBe(opensslPoint(publicPem));
    const point = p256PublicKeyFromPem(publicPem);
    const compressed = new Uint8Array([(point[64]! & 1) === 0 ? 2 : 3, ...point.subarray(1, 33)]);
    const spki = hexToBytes(
      '3039301306072a8648ce3d020106082a8648ce3d030107032200' + bytesToHex(compressed),
    );
    expect(bytesToHex(p256PublicKeyFromSpki(spki))).toBe(bytesToHex(compressed));
  });

  it('verifies a signed export with the PEM string, SPKI DER or SEC1 bytes, and rejects other keys', () => {
    const d = createPrivateKey(privatePem).export({ format: 'jwk' }).d!;
    const zip = writeExportZip(oneKeyExport, {
      signingKey: new Uint8Array(Buffer.from(d, 'base64url')),
    });
    const file = readDiagnosisKeyFile(zip, 'export.zip');
    const archive = { exportBin: file.exportBin!, signatures: file.signatures! };
    expect(verifyExportSignature(archive, publicPem)).toBe(true);
    expect(
      verifyExportSignature(
        archive,
        new Uint8Array(createPublicKey(publicPem).export({ format: 'der', type: 'spki' })),
      ),
    ).toBe(true);
    expect(verifyExportSignature(archive, p256PublicKeyFromPem(publicPem))).toBe(true);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      format: 'pem',
      type: 'spki',
    }) as string;
    expect(verifyExportSignature(archive, other)).toBe(false);
  });

  it('rejects a private key PEM with a clear error', () => {
    expect(() => p256PublicKeyFromPem(privatePem, 'key.pem')).toThrow(KeyFileError);
    expect(() => p256PublicKeyFromPem(privatePem, 'key.pem')).toThrow(
      /^key\.pem: is a PRIVATE KEY, not a public key/,
    );
    const sec1 = createPrivateKey(privatePem).export({ format: 'pem', type: 'sec1' }) as string;
    expect(() =>
      verifyExportSignature({ exportBin: new Uint8Array(0), signatures: [] }, sec1),
    ).toThrow(/is a EC PRIVATE KEY, not a public key/);
  });

  it('rejects other algorithms and curves, naming the OID found', () => {
    const ed25519 = generateKeyPairSync('ed25519').publicKey.export({
      format: 'pem',
      type: 'spki',
    }) as string;
    expect(() => p256PublicKeyFromPem(ed25519)).toThrow(
      /algorithm OID 1\.3\.101\.112: expected an EC public key/,
    );
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({
      format: 'pem',
      type: 'spki',
    }) as string;
    expect(() => p256PublicKeyFromPem(p384)).toThrow(
      /EC curve OID 1\.3\.132\.0\.34: expected P-256/,
    );
    expect(() => p256PublicKeyFromPem('hello')).toThrow(/not PEM/);
    expect(() =>
      p256PublicKeyFromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
    ).toThrow(/"CERTIFICATE" block, expected "PUBLIC KEY"/);
  });

  it('fails on any damaged DER with a KeyFileError, never another error', () => {
    const der = new Uint8Array(createPublicKey(publicPem).export({ format: 'der', type: 'spki' }));
    fc.assert(
      fc.property(
        fc.nat(der.length - 1),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(der.length),
        (at, value, cut) => {
          const damaged = der.slice(0, Math.max(1, cut));
          if (at < damaged.length) damaged[at] = value;
          try {
            const point = p256PublicKeyFromSpki(damaged);
            expect(point.length === 65 || point.length === 33).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(KeyFileError);
          }
        },
      ),
    );
  });
});
