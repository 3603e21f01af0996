import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLUEZONE_DEFAULT_IDS_PER_DAY,
  bluezoneDailyIds,
  BluezoneIdChain,
  bluezoneIdsFrom,
  bluezoneNextDailyKey,
  bluezoneScheme,
  bluezoneSlotMs,
  bytesToHex,
  createIdBatch,
  hexToBytes,
  pureCryptoProvider,
} from '@proxsense/core';
import { nodeCryptoProvider } from '@proxsense/core/node';
import { sharedVectorJson } from './vectors.js';

const v = sharedVectorJson('bluezone-ids.json');

describe.each([pureCryptoProvider, nodeCryptoProvider])(
  'Bluezone IDs ($name provider)',
  (crypto) => {
    it('chains daily keys by SHA-256 as the vectors do', () => {
      for (let d = 1; d < v.days.length; d++) {
        expect(bytesToHex(bluezoneNextDailyKey(crypto, hexToBytes(v.days[d - 1].dailyKey)))).toBe(
          v.days[d].dailyKey,
        );
      }
    });

    it('derives every ID of the three vector days (144 per day; the first 96 for the 2020 app)', () => {
      for (const day of v.days) {
        const ids = bluezoneDailyIds(crypto, hexToBytes(day.dailyKey), 144);
        expect(day.ids).toHaveLength(144);
        day.ids.forEach((id: string, i: number) =>
          expect(bytesToHex(ids.subarray(i * 12, i * 12 + 12))).toBe(id),
        );
        const ids96 = bluezoneDailyIds(
          crypto,
          hexToBytes(day.dailyKey),
          BLUEZONE_DEFAULT_IDS_PER_DAY,
        );
        expect(bytesToHex(ids96)).toBe(day.ids.slice(0, 96).join(''));
      }
    });
  },
);

describe('Bluezone slots across days', () => {
  const day0 = hexToBytes(v.days[0].dailyKey);
  it('continues into the next daily key past the last slot of a day', () => {
    const ids = bluezoneIdsFrom(pureCryptoProvider, day0, 96, 94, 4);
    expect(bytesToHex(ids)).toBe(
      [v.days[0].ids[94], v.days[0].ids[95], v.days[1].ids[0], v.days[1].ids[1]].join(''),
    );
  });

  it('any window of slots equals the same slice of the full chain', () => {
    const full = [
      ...v.days[0].ids.slice(0, 96),
      ...v.days[1].ids.slice(0, 96),
      ...v.days[2].ids.slice(0, 96),
    ].join('');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 287 }),
        fc.integer({ min: 1, max: 40 }),
        (first, count) => {
          const n = Math.min(count, 288 - first);
          expect(bytesToHex(bluezoneIdsFrom(pureCryptoProvider, day0, 96, first, n))).toBe(
            full.slice(first * 24, (first + n) * 24),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a chain walked in any order of slots gives the vectors’ IDs (a fresh walk on going back or a new day)', () => {
    const full = [
      ...v.days[0].ids.slice(0, 96),
      ...v.days[1].ids.slice(0, 96),
      ...v.days[2].ids.slice(0, 96),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(pureCryptoProvider, nodeCryptoProvider),
        fc.array(fc.integer({ min: 0, max: 287 }), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        (crypto, slots, ascending, neighbour) => {
          // Between two other chains' 64 bytes when `neighbour` > 0: each keeps to its own.
          const storage = new Uint8Array(64 * 3);
          const at = neighbour > 0 ? 64 : 0;
          const left = new BluezoneIdChain(crypto, day0, 96, storage, 0);
          const chain = new BluezoneIdChain(crypto, day0, 96, storage, at);
          const right = new BluezoneIdChain(crypto, day0, 96, storage, 128);
          const order = ascending ? [...slots].sort((a, b) => a - b) : slots;
          for (const slot of order) {
            expect(bytesToHex(chain.idAt(slot))).toBe(full[slot]);
            if (neighbour > 1) expect(bytesToHex(right.idAt(287 - slot))).toBe(full[287 - slot]);
            if (neighbour > 2) expect(bytesToHex(left.idAt(slot))).toBe(full[slot]);
          }
          expect(bytesToHex(chain.dailyKey)).toBe(v.days[0].dailyKey);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a chain refuses slots and buffers it cannot use, naming the field', () => {
    expect(() => new BluezoneIdChain(pureCryptoProvider, day0, 96).idAt(-1)).toThrow(/slot/);
    expect(() => new BluezoneIdChain(pureCryptoProvider, day0, 96).idAt(1.5)).toThrow(/slot/);
    expect(() => new BluezoneIdChain(pureCryptoProvider, day0, 0)).toThrow(/idsPerDay/);
    expect(() => new BluezoneIdChain(pureCryptoProvider, day0, 96, new Uint8Array(32))).toThrow(
      /storage/,
    );
    expect(
      () => new BluezoneIdChain(pureCryptoProvider, day0, 96, new Uint8Array(100), 40),
    ).toThrow(/storage.*64 bytes from storageOffset.*100 bytes, storageOffset 40/);
    expect(() => new BluezoneIdChain(pureCryptoProvider, day0, 96, new Uint8Array(64), -1)).toThrow(
      /storageOffset -1/,
    );
  });

  it('gives each ID exactly its own 15-minute slot as match window', () => {
    const timeDkS = 1_600_000_000 - (1_600_000_000 % 86_400);
    const key = {
      scheme: 'bluezone' as const,
      dailyKey: day0,
      timeDkS,
      maxRoll: 96,
      timeTeS: timeDkS + 2 * 86_400 - 1,
    };
    const batch = bluezoneScheme.deriveIds(pureCryptoProvider, key, createIdBatch());
    expect(batch.count).toBe(192);
    expect(batch.intervalMs).toBe(bluezoneSlotMs(96));
    expect(batch.firstWindowStartMs).toBe(timeDkS * 1000);
    // The slot's end instant is included, as in the app's checkContactF.
    expect(batch.firstWindowEndMs - batch.firstWindowStartMs).toBe(900_001);
    expect(bytesToHex(batch.ids.subarray(96 * 12, 97 * 12))).toBe(v.days[1].ids[0]);
    // Restricting to a time range derives only the slots it touches.
    const part = bluezoneScheme.deriveIds(
      pureCryptoProvider,
      key,
      createIdBatch(),
      timeDkS * 1000 + 10 * 900_000 + 5,
      timeDkS * 1000 + 12 * 900_000,
    );
    expect([part.firstInterval, part.count]).toEqual([10, 2]);
    expect(bytesToHex(part.ids.subarray(0, 12))).toBe(v.days[0].ids[10]);
  });
});
