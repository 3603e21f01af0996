import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AdvertDecodeCache,
  bytesToHex,
  encodeGaenAdvert,
  idHead,
  ScanAggregatePool,
  type DecodedAdvert,
} from '@proxsense/core';

type Decoded = Extract<DecodedAdvert, { id: Uint8Array }>;

function decodedId(id: Uint8Array, cache = new AdvertDecodeCache()): Decoded {
  const d = cache.decode(encodeGaenAdvert(id, new Uint8Array(4)));
  if (d.kind !== 'gaen') throw new Error('test IDs decode as GAEN');
  return d;
}

// IDs drawn from few leading bytes, so many share a head and the tie-breaking path runs.
const idArb = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 15, maxLength: 15 }))
  .map(([lead, rest]) => Uint8Array.of(lead, ...rest));

describe('scan aggregates: one slot per ID, IDs in hex order', () => {
  it('dedupes by ID (tagged or not, one decoding or two) and sorts slots as their hex sorts, through pool reuse', () => {
    const pool = new ScanAggregatePool();
    fc.assert(
      fc.property(
        fc.array(fc.array(idArb, { minLength: 0, maxLength: 80 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(200), fc.boolean(), fc.boolean()), {
          minLength: 1,
          maxLength: 400,
        }),
        (scans, picks) => {
          for (const ids of scans) {
            const agg = pool.take();
            // Each ID decoded twice into distinct objects (as two hosts' caches would), and tagged as a
            // host would: equal tags for equal IDs.
            const [first, second] = [new AdvertDecodeCache(), new AdvertDecodeCache()];
            const decoded = ids.map((id) => [decodedId(id, first), decodedId(id, second)] as const);
            const tagOf = new Map<string, number>();
            for (const [d] of decoded) if (!tagOf.has(d.key)) tagOf.set(d.key, 7 * tagOf.size + 3);
            const expected = new Map<string, number>();
            for (const [k, [pick, other, tagged]] of picks.entries()) {
              if (!decoded.length) break;
              const d = decoded[pick % decoded.length]![other ? 1 : 0];
              const slot = agg.slot(d, d.head, tagged ? tagOf.get(d.key)! : -1, k, 1024);
              agg.columns.count[slot] = agg.columns.count[slot]! + 1;
              expected.set(d.key, (expected.get(d.key) ?? 0) + 1);
            }
            expect(agg.size).toBe(expected.size);
            const order = [...agg.sortedSlots().subarray(0, agg.size)];
            const { decoded: slotDecoded, count, heads, tags } = agg.columns;
            const keys = order.map((s) => slotDecoded[s]!.key);
            expect(keys).toEqual([...expected.keys()].sort());
            for (const s of order) {
              const key = slotDecoded[s]!.key;
              expect(count[s]).toBe(expected.get(key));
              expect(heads[s]).toBe(slotDecoded[s]!.head);
              // A slot keeps the tag once any of its deliveries carried one.
              expect([-1, tagOf.get(key)]).toContain(tags[s]);
            }
            pool.give(agg);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps scans open at once apart in the shared pages of their pool, and gets every page back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), idArb), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 0, max: 2 }),
        (picks, ended) => {
          const pool = new ScanAggregatePool();
          const cache = new AdvertDecodeCache();
          const open = [0, 1, 2].map(() => pool.take());
          const expected = open.map(() => new Map<string, number>());
          const feed = (s: number, id: Uint8Array) => {
            const d = decodedId(id, cache);
            const slot = open[s]!.slot(d, d.head, -1, 0, 1024);
            pool.columns.count[slot] = pool.columns.count[slot]! + 1;
            expected[s]!.set(d.key, (expected[s]!.get(d.key) ?? 0) + 1);
          };
          picks.forEach(([s, id], k) => {
            feed(s, id);
            // Halfway, one scan ends and a new one takes its place (and its pages).
            if (k === picks.length >> 1) {
              pool.give(open[ended]!);
              open[ended] = pool.take();
              expected[ended]!.clear();
            }
          });
          open.forEach((agg, s) => {
            const { decoded, count } = pool.columns;
            const order = [...agg.sortedSlots().subarray(0, agg.size)];
            expect(order.map((slot) => decoded[slot]!.key)).toEqual(
              [...expected[s]!.keys()].sort(),
            );
            for (const slot of order)
              expect(count[slot]).toBe(expected[s]!.get(decoded[slot]!.key));
          });
          for (const agg of open) pool.give(agg);
          expect(pool.columns.pages.pagesInUse).toBe(0);
          expect(pool.columns.decoded.every((d) => d === undefined)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a new ID once the cap is reached but still finds known ones', () => {
    const agg = new ScanAggregatePool().take();
    const ids = [1, 2, 3].map((b) => decodedId(new Uint8Array(16).fill(b)));
    expect(agg.slot(ids[0]!, ids[0]!.head, -1, 0, 2)).toBe(0);
    expect(agg.slot(ids[1]!, ids[1]!.head, 11, 0, 2)).toBe(1);
    expect(agg.slot(ids[2]!, ids[2]!.head, -1, 0, 2)).toBe(-1);
    expect(agg.slot(ids[0]!, ids[0]!.head, 10, 5, 2)).toBe(0);
    expect(agg.slot(ids[1]!, ids[1]!.head, 11, 5, 2)).toBe(1);
    expect(agg.columns.firstMs[agg.slotAt(0)]).toBe(0);
    expect(agg.columns.tags[agg.slotAt(0)]).toBe(10);
  });

  it('a decoded ID carries its head: the first three bytes, big-endian', () => {
    const id = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i);
    expect(decodedId(id).head).toBe(0xf0f1f2);
    expect(idHead(id)).toBe(0xf0f1f2);
    expect(bytesToHex(id).slice(0, 6)).toBe('f0f1f2');
  });
});
