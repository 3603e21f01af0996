import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  hexToBytes,
  pureCryptoProvider,
  shortSha256,
  SHORT_SHA256_MAX_BYTES,
  utf8,
} from '@proxsense/core';
import { nodeCryptoProvider } from '@proxsense/core/node';

describe('single-block SHA-256', () => {
  it('matches the FIPS 180-4 example "abc" and the empty message', () => {
    expect(bytesToHex(shortSha256(utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(bytesToHex(shortSha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('equals @noble/hashes and OpenSSL for every length it accepts, into any offset', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: SHORT_SHA256_MAX_BYTES }),
        fc.integer({ min: 0, max: 8 }),
        (msg, offset) => {
          const expected = bytesToHex(sha256(msg));
          expect(createHash('sha256').update(msg).digest('hex')).toBe(expected);
          const out = new Uint8Array(offset + 32).fill(0xaa);
          shortSha256(msg, out, offset);
          expect(bytesToHex(out.subarray(offset))).toBe(expected);
          expect(out.subarray(0, offset).every((b) => b === 0xaa)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a message longer than one block with the limit in the message', () => {
    expect(() => shortSha256(new Uint8Array(SHORT_SHA256_MAX_BYTES + 1))).toThrow(/56 bytes.*55/);
  });

  it('both providers hash short and long messages alike (the long ones on the general path)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (msg) => {
        const expected = bytesToHex(sha256(msg));
        expect(bytesToHex(pureCryptoProvider.sha256(msg))).toBe(expected);
        expect(bytesToHex(nodeCryptoProvider.sha256(msg))).toBe(expected);
      }),
      { numRuns: 300 },
    );
    expect(bytesToHex(pureCryptoProvider.sha256(hexToBytes('00'.repeat(56))))).toBe(
      bytesToHex(sha256(new Uint8Array(56))),
    );
  });
});
