import fc from 'fast-check';
import { unsafe } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import {
  AES128_SCHEDULE_WORDS,
  aes128EncryptBlock,
  associatedEncryptedMetadata,
  associatedEncryptedMetadataKey,
  bytesToHex,
  decodeGaenMetadata,
  encodeGaenMetadata,
  enIntervalNumber,
  expandAes128KeyLE,
  generateTemporaryExposureKey,
  hexToBytes,
  InputError,
  pureCryptoProvider,
  rollingProximityIdentifier,
  rollingProximityIdentifierKey,
  rollingProximityIdentifiers,
  rollingStartIntervalNumber,
  SeededRandom,
} from '@proxsense/core';
import { nodeCryptoProvider } from '@proxsense/core/node';
import { sharedVectorJson } from './vectors.js';

const v = sharedVectorJson('gaen-crypto-v1.2.json');

describe.each([pureCryptoProvider, nodeCryptoProvider])(
  'GAEN v1.2 test vectors ($name provider)',
  (crypto) => {
    const tek = hexToBytes(v.tek);
    it('derives RPIK and AEMK', () => {
      expect(bytesToHex(rollingProximityIdentifierKey(crypto, tek))).toBe(v.rpik);
      expect(bytesToHex(associatedEncryptedMetadataKey(crypto, tek))).toBe(v.aemk);
    });

    it('derives all 144 RPIs and AEMs bit for bit', () => {
      expect(v.intervals).toHaveLength(144);
      const rpik = rollingProximityIdentifierKey(crypto, tek);
      const aemk = associatedEncryptedMetadataKey(crypto, tek);
      const metadata = hexToBytes(v.bleMetadata);
      const batch = rollingProximityIdentifiers(crypto, rpik, v.rollingStartIntervalNumber, 144);
      v.intervals.forEach(
        (row: { intervalNumber: number; rpi: string; aem: string }, i: number) => {
          const rpi = rollingProximityIdentifier(crypto, rpik, row.intervalNumber);
          expect(bytesToHex(rpi)).toBe(row.rpi);
          expect(bytesToHex(batch.subarray(i * 16, i * 16 + 16))).toBe(row.rpi);
          const aem = associatedEncryptedMetadata(crypto, aemk, rpi, metadata);
          expect(bytesToHex(aem)).toBe(row.aem);
          // CTR is its own inverse: decrypting the AEM gives the metadata back.
          expect(bytesToHex(associatedEncryptedMetadata(crypto, aemk, rpi, aem))).toBe(
            v.bleMetadata,
          );
        },
      );
    });
  },
);

describe('GAEN intervals and keys', () => {
  it('numbers intervals as the spec does', () => {
    expect(enIntervalNumber(v.keyGenerationUnixSeconds)).toBe(v.rollingStartIntervalNumber);
    expect(rollingStartIntervalNumber(v.rollingStartIntervalNumber + 143)).toBe(
      v.rollingStartIntervalNumber,
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e9 }), (t) => {
        const i = enIntervalNumber(t);
        const start = rollingStartIntervalNumber(i);
        return (
          start % 144 === 0 && start <= i && i - start < 144 && i * 600 <= t && t < (i + 1) * 600
        );
      }),
    );
  });

  it('generates TEKs through the Random port', () => {
    const a = generateTemporaryExposureKey(new SeededRandom(7), v.keyGenerationUnixSeconds + 3000);
    const b = generateTemporaryExposureKey(new SeededRandom(7), v.keyGenerationUnixSeconds + 3000);
    expect(a.keyData).toHaveLength(16);
    expect(bytesToHex(a.keyData)).toBe(bytesToHex(b.keyData));
    expect(a.rollingStartIntervalNumber).toBe(v.rollingStartIntervalNumber);
    expect(a.rollingPeriod).toBe(144);
    const bad = { randomBytes: () => new Uint8Array(3) };
    expect(() => generateTemporaryExposureKey(bad, 0)).toThrow(InputError);
  });

  it('encodes and decodes metadata (version byte, int8 TX power)', () => {
    expect(bytesToHex(encodeGaenMetadata({ txPowerDbm: 8 }))).toBe(v.bleMetadata);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -128, max: 127 }),
        fc.integer({ min: 0, max: 3 }),
        (versionMajor, versionMinor, txPowerDbm, calibrationConfidence) => {
          expect(
            decodeGaenMetadata(
              encodeGaenMetadata({ versionMajor, versionMinor, txPowerDbm, calibrationConfidence }),
            ),
          ).toEqual({ versionMajor, versionMinor, txPowerDbm, calibrationConfidence });
        },
      ),
    );
    expect(() => encodeGaenMetadata({ txPowerDbm: 200 })).toThrow(
      /txPowerDbm: expected an integer -128..127/,
    );
  });

  it('rejects keys of the wrong length with a named field', () => {
    expect(() => rollingProximityIdentifierKey(pureCryptoProvider, new Uint8Array(15))).toThrow(
      /tek: expected 16 bytes, got 15 bytes/,
    );
  });
});

describe('providers agree', () => {
  it('pure-TS and node:crypto give identical RPIs and AEMs for random keys and intervals', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 0xffffffff - 200 }),
        fc.integer({ min: 1, max: 144 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        (tek, interval, count, metadata) => {
          const results = [pureCryptoProvider, nodeCryptoProvider].map((c) => {
            const rpik = rollingProximityIdentifierKey(c, tek);
            const rpis = rollingProximityIdentifiers(c, rpik, interval, count);
            const aem = associatedEncryptedMetadata(
              c,
              associatedEncryptedMetadataKey(c, tek),
              rpis.subarray(0, 16),
              metadata,
            );
            return bytesToHex(rpis) + bytesToHex(aem);
          });
          expect(results[0]).toBe(results[1]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('node crypto provider: small calls on pure-TS AES give the bytes OpenSSL gives', () => {
  it('ECB of up to one block and CTR of up to 16 bytes', async () => {
    const { createCipheriv } = await import('node:crypto');
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 0, maxLength: 40 }),
        (key, iv, data) => {
          const ctr = createCipheriv('aes-128-ctr', key, iv);
          const want = Uint8Array.from(Buffer.concat([ctr.update(data), ctr.final()]));
          expect(nodeCryptoProvider.aes128Ctr(key, iv, data)).toEqual(want);
          const ecb = createCipheriv('aes-128-ecb', key, null);
          ecb.setAutoPadding(false);
          expect(nodeCryptoProvider.aes128EcbEncrypt(key, iv)).toEqual(
            Uint8Array.from(ecb.update(iv)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("pure-TS AES of one block gives OpenSSL's bytes wherever key and block sit in their buffers", async () => {
    const { createCipheriv } = await import('node:crypto');
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 48, maxLength: 48 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 32 }),
        (bytes, keyAt, blockAt) => {
          const key = bytes.subarray(keyAt, keyAt + 16);
          const block = bytes.subarray(blockAt, blockAt + 16);
          const before = Uint8Array.from(bytes);
          const ecb = createCipheriv('aes-128-ecb', key, null);
          ecb.setAutoPadding(false);
          expect(pureCryptoProvider.aes128EcbEncrypt(key, block)).toEqual(
            Uint8Array.from(ecb.update(block)),
          );
          // The inputs are left as they were.
          expect(bytes).toEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the reused key schedule is @noble/ciphers' own, word for word", () => {
    const into = new Uint32Array(AES128_SCHEDULE_WORDS);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (key) => {
        expect(expandAes128KeyLE(key, into)).toEqual(unsafe.expandKeyLE(key));
      }),
      { numRuns: 500 },
    );
    // FIPS 197 Appendix A.1: the last word of the schedule of 2b7e1516 28aed2a6 abf71588 09cf4f3c.
    const fips = expandAes128KeyLE(hexToBytes('2b7e151628aed2a6abf7158809cf4f3c'), into);
    expect(fips[43]!.toString(16)).toBe('a60c63b6'); // b6630ca6 read little-endian
    // Appendix B: the example block.
    expect(
      bytesToHex(
        aes128EncryptBlock(
          hexToBytes('2b7e151628aed2a6abf7158809cf4f3c'),
          hexToBytes('3243f6a8885a308d313198a2e0370734'),
        ),
      ),
    ).toBe('3925841d02dc09fbdc118597196a0b32');
  });
});
