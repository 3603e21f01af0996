/**
 * P-256 public keys as health authorities publish them: a PEM `PUBLIC KEY` block (X.509
 * SubjectPublicKeyInfo, DER) or its DER bytes, read in pure TypeScript so signature checks run in
 * browsers and React Native as well as Node. Only ECDSA P-256 keys are accepted, as GAEN requires.
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { base64 } from '@scure/base';
import { bytesToHex } from '../bytes/index.js';
import { KeyFileError } from './errors.js';

// DER of the OIDs: id-ecPublicKey 1.2.840.10045.2.1 and prime256v1 (P-256) 1.2.840.10045.3.1.7.
const EC_PUBLIC_KEY_OID = '2a8648ce3d0201';
const P256_OID = '2a8648ce3d030107';
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * The SEC1 point (65 bytes uncompressed, or 33 compressed) of a PEM `PUBLIC KEY` (SPKI) P-256 key.
 * @param source names the key in errors (a file name, say).
 * @throws KeyFileError for a private key, another PEM block, another algorithm or curve, or bad DER.
 */
export function p256PublicKeyFromPem(pem: string, source = 'public key'): Uint8Array {
  const block = PEM_BLOCK.exec(pem);
  if (!block)
    throw new KeyFileError(source, 'not PEM: expected a "-----BEGIN PUBLIC KEY-----" block');
  const label = block[1]!;
  if (label.includes('PRIVATE KEY')) {
    throw new KeyFileError(
      source,
      `is a ${label}, not a public key: pass the public key only (e.g. openssl ec -in key.pem -pubout)`,
    );
  }
  if (label !== 'PUBLIC KEY')
    throw new KeyFileError(source, `is a PEM "${label}" block, expected "PUBLIC KEY" (SPKI)`);
  let der: Uint8Array;
  try {
    der = base64.decode(block[2]!.replace(/\s+/g, ''));
  } catch (error) {
    throw new KeyFileError(source, `PEM body is not base64: ${(error as Error).message}`);
  }
  return p256PublicKeyFromSpki(der, source);
}

/**
 * The SEC1 point of a DER SubjectPublicKeyInfo holding an ECDSA P-256 key.
 * @throws KeyFileError naming what the DER holds instead.
 */
export function p256PublicKeyFromSpki(der: Uint8Array, source = 'public key'): Uint8Array {
  const reader = new DerReader(der, source);
  const spki = reader.read(0x30, 'SubjectPublicKeyInfo');
  reader.end('SubjectPublicKeyInfo');
  const fields = new DerReader(spki, source);
  const algorithm = new DerReader(fields.read(0x30, 'AlgorithmIdentifier'), source);
  const algorithmOid = bytesToHex(algorithm.read(0x06, 'algorithm OID'));
  if (algorithmOid !== EC_PUBLIC_KEY_OID)
    throw new KeyFileError(
      source,
      `algorithm OID ${oidToString(algorithmOid)}: expected an EC public key (1.2.840.10045.2.1) on P-256`,
    );
  const curveOid = bytesToHex(algorithm.read(0x06, 'EC curve OID'));
  if (curveOid !== P256_OID)
    throw new KeyFileError(
      source,
      `EC curve OID ${oidToString(curveOid)}: expected P-256 (1.2.840.10045.3.1.7), the only curve GAEN signs with`,
    );
  const bits = fields.read(0x03, 'subjectPublicKey BIT STRING');
  fields.end('SubjectPublicKeyInfo');
  if (bits.length < 2 || bits[0] !== 0)
    throw new KeyFileError(source, 'subjectPublicKey: expected a BIT STRING of whole bytes');
  const point = bits.slice(1);
  try {
    p256.Point.fromBytes(point);
  } catch (error) {
    throw new KeyFileError(
      source,
      `subjectPublicKey: not a point on P-256 (${(error as Error).message})`,
    );
  }
  return point;
}

/** Just enough DER (definite lengths, one TLV at a time) for SubjectPublicKeyInfo. */
class DerReader {
  private offset = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string,
  ) {}

  read(tag: number, what: string): Uint8Array {
    const at = this.offset;
    if (this.bytes[at] !== tag) {
      const found =
        at < this.bytes.length
          ? `tag 0x${this.bytes[at]!.toString(16).padStart(2, '0')}`
          : 'the end of the data';
      throw new KeyFileError(
        this.source,
        `DER at byte ${at}: expected ${what} (tag 0x${tag.toString(16).padStart(2, '0')}), found ${found}`,
      );
    }
    let length = this.bytes[at + 1];
    let start = at + 2;
    if (length !== undefined && length >= 0x80) {
      const lengthBytes = length - 0x80;
      if (lengthBytes < 1 || lengthBytes > 2)
        throw new KeyFileError(
          this.source,
          `DER at byte ${at}: ${what} has an unsupported length encoding`,
        );
      length = 0;
      for (let i = 0; i < lengthBytes; i++) length = (length << 8) | (this.bytes[start + i] ?? 0);
      start += lengthBytes;
    }
    if (length === undefined || start + length > this.bytes.length)
      throw new KeyFileError(this.source, `DER at byte ${at}: ${what} is truncated`);
    this.offset = start + length;
    return this.bytes.subarray(start, start + length);
  }

  end(what: string): void {
    if (this.offset !== this.bytes.length)
      throw new KeyFileError(
        this.source,
        `DER: ${this.bytes.length - this.offset} unexpected bytes after ${what}`,
      );
  }
}

function oidToString(hex: string): string {
  const bytes = hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
  if (bytes.length === 0) return '(empty)';
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (const b of bytes.slice(1)) {
    value = value * 128 + (b & 0x7f);
    if (b < 0x80) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}
