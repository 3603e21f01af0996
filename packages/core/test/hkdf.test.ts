import fc from 'fast-check';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  hexToBytes,
  pureCryptoProvider,
  shortHkdfSha256,
  SHORT_HKDF_LIMITS,
} from '@proxsense/core';
import { nodeCryptoProvider } from '@proxsense/core/node';

describe('single-block HKDF-SHA256', () => {
  it('matches RFC 5869 test case 3 (no salt, no info)', () => {
    const ikm = hexToBytes('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b');
    // RFC 5869 A.3: OKM's first 32 bytes.
    expect(bytesToHex(shortHkdfSha256(ikm, new Uint8Array(0), 32))).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d',
    );
  });

  it('equals @noble/hashes hkdf for every size it accepts', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: SHORT_HKDF_LIMITS.ikmBytes }),
        fc.uint8Array({ maxLength: SHORT_HKDF_LIMITS.infoBytes }),
        fc.integer({ min: 1, max: 32 }),
        (ikm, info, length) => {
          expect(bytesToHex(shortHkdfSha256(ikm, info, length))).toBe(
            bytesToHex(hkdf(sha256, ikm, undefined, info, length)),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('providers fall back to general HKDF for salts and long inputs', () => {
    const ikm = new Uint8Array(80).fill(7);
    const salt = new Uint8Array([1, 2, 3]);
    const info = new Uint8Array(70).fill(9);
    for (const c of [pureCryptoProvider, nodeCryptoProvider]) {
      expect(bytesToHex(c.hkdfSha256(ikm, salt, info, 42))).toBe(
        bytesToHex(hkdf(sha256, ikm, salt, info, 42)),
      );
    }
    expect(() => shortHkdfSha256(ikm, info, 16)).toThrow(RangeError);
  });
});
