import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  AdvertDecodeCache,
  decodeAdvert,
  decodeAdvertViews,
  encodeBluezoneAdvert,
  encodeBluezoneLegacyAdvert,
  encodeGaenAdvert,
  hexToBytes,
} from '@proxsense/core';
import { sharedVectorJson } from './vectors.js';

const v = sharedVectorJson('gaen-crypto-v1.2.json');

describe('advertisement codec', () => {
  it('builds the 31-byte GAEN advert of the spec (flags 0x1A, UUID list 0xFD6F, service data RPI ‖ AEM)', () => {
    const { rpi, aem } = v.intervals[0];
    const bytes = encodeGaenAdvert(hexToBytes(rpi), hexToBytes(aem));
    expect(bytes).toHaveLength(31);
    expect(bytesToHex(bytes)).toBe(`02011a` + `03036ffd` + `17166ffd` + rpi + aem);
    expect(decodeAdvert(bytes)).toEqual({
      kind: 'gaen',
      rpi: hexToBytes(rpi),
      aem: hexToBytes(aem),
    });
  });

  it('builds Bluezone adverts: UUID 0x4E56 + company 8885 data, and decodes the old 128-bit UUID builds', () => {
    const id = hexToBytes('130cea6472130c185d8643df');
    const bytes = encodeBluezoneAdvert(id);
    expect(bytesToHex(bytes)).toBe('020106' + '0303564e' + '0fffb522' + '130cea6472130c185d8643df');
    expect(decodeAdvert(bytes)).toEqual({ kind: 'bluezone', id, build: '2020-07' });
    expect(decodeAdvert(encodeBluezoneLegacyAdvert(id))).toEqual({
      kind: 'bluezone',
      id,
      build: 'v2.0',
    });
    // iOS: the service UUID only; the ID is read over GATT.
    expect(decodeAdvert(hexToBytes('0303564e'))).toMatchObject({ kind: 'bluezone-gatt' });
  });

  it('classifies foreign and broken adverts without throwing', () => {
    expect(decodeAdvert(hexToBytes('0201060aff4c001005031c'))).toMatchObject({ kind: 'malformed' });
    expect(decodeAdvert(hexToBytes('020106'))).toMatchObject({ kind: 'not-ours' });
    expect(decodeAdvert(hexToBytes('02011a03036ffd0d166ffd00112233445566778899'))).toMatchObject({
      kind: 'malformed',
      reason: expect.stringMatching(/20 bytes/),
    });
    expect(decodeAdvert(hexToBytes('0fffb522' + '00'.repeat(11) + '00'))).toMatchObject({
      kind: 'not-ours',
    });
  });

  it('never throws on random bytes and round-trips any ID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 62 }), (bytes) => {
        expect(['gaen', 'bluezone', 'bluezone-gatt', 'not-ours', 'malformed']).toContain(
          decodeAdvert(bytes).kind,
        );
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        (rpi, aem, id) => {
          expect(decodeAdvert(encodeGaenAdvert(rpi, aem))).toEqual({ kind: 'gaen', rpi, aem });
          expect(decodeAdvert(encodeBluezoneAdvert(id))).toEqual({
            kind: 'bluezone',
            id,
            build: '2020-07',
          });
        },
      ),
    );
  });

  it('decodes to views of the payload exactly what it decodes to copies, and a views cache hands them out', () => {
    const gaen = fc
      .tuple(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
      )
      .map(([rpi, aem]) => encodeGaenAdvert(rpi, aem));
    const bluezone = fc.uint8Array({ minLength: 12, maxLength: 12 }).map(encodeBluezoneAdvert);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 62 }), gaen, bluezone), (bytes) => {
        const copy = decodeAdvert(bytes);
        const view = decodeAdvertViews(bytes);
        expect(view).toEqual(copy);
        const cached = new AdvertDecodeCache({ views: true }).decode(bytes);
        const own = new AdvertDecodeCache().decode(bytes);
        // Field by field: a views decoding reads its ID, AEM and key through getters.
        const fields = (d: typeof own) =>
          'id' in d ? { kind: d.kind, id: d.id, aem: d.aem, key: d.key, head: d.head } : d;
        expect(fields(cached)).toEqual(fields(own));
        if ('id' in cached && 'id' in own) {
          // A view shares the payload's buffer; the default cache's ID is a copy of its own.
          expect(cached.id.buffer).toBe(bytes.buffer);
          expect(own.id.buffer).not.toBe(bytes.buffer);
        }
        if (copy.kind === 'gaen') expect(copy.rpi.buffer).not.toBe(bytes.buffer);
      }),
      { numRuns: 1000 },
    );
  });
});
