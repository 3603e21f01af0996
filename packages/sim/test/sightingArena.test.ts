import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, type DecodedId, type DiagnosisKey, type Sighting } from '@proxsense/core';
import { ColumnarStore, StoresShared, type StoreCrowd } from '../src/store/columnarStore.js';
import { OwnKeyTable } from '../src/store/ownKeyTable.js';
import { IdTable } from '../src/store/idTable.js';
import { PAGE_SIGHTINGS, SightingArena, SightingColumns } from '../src/store/sightingArena.js';
import { ScanTruth, ScanTruthColumns } from '../src/radio/scanTruth.js';
import { idHead } from '@proxsense/core';

const RUN_START_MS = Date.UTC(2026, 0, 5);
const ID_COUNT = 12;

interface Row {
  timeOffsetMs: number;
  idIndex: number;
  rssiDbm: number;
  trueDistanceCm: number;
}

/** Stores sharing one arena, each checked against a plain array of rows. */
function crowd(storeCount: number) {
  const ids = new IdTable();
  const idBytes = Array.from({ length: ID_COUNT }, (_, i) => {
    const id = new Uint8Array(16);
    id[0] = i * 37;
    id[5] = i;
    // Every other ID came with an AEM (a GAEN advert's), so read-outs carry both kinds.
    ids.intern(id, i, i % 2 ? Uint8Array.of(i, 1, 2, 3) : undefined);
    return id;
  });
  const arena = new SightingArena();
  const truth = new ScanTruth(new ScanTruthColumns());
  const storeCrowd: StoreCrowd = {
    ids,
    sightings: arena,
    ownKeys: new OwnKeyTable(),
    runStartMs: RUN_START_MS,
    scheme: 'gaen',
    truth: { scanTruthOf: () => truth },
    scannerName: (k) => `phone-${k}`,
    shared: new StoresShared(),
  };
  const stores = Array.from({ length: storeCount }, (_, k) => new ColumnarStore(storeCrowd, k));
  const models: Row[][] = stores.map(() => []);
  /**
   * Through appendSightings, or through the firmware's columns path (appendScanSightings), its IDs
   * tagged with their entry in the scan's truth (as the air tags them) or not.
   */
  const append = (k: number, rows: Row[], columns = false, tagged = false) => {
    truth.clear();
    const entries: number[] = [];
    const sightings: Sighting[] = rows.map((r) => {
      const id = idBytes[r.idIndex]!;
      // One reception per chunk, as the air serves a scan: the truth keeps an ID's first distance.
      truth.beginChunk();
      entries.push(truth.record(r.idIndex, r.trueDistanceCm / 100));
      return { timeMs: RUN_START_MS + r.timeOffsetMs, scheme: 'gaen', id, rssiDbm: r.rssiDbm };
    });
    // The truth keeps each ID's first distance in a scan, as the air does.
    const first = new Map<number, number>();
    for (const r of rows) if (!first.has(r.idIndex)) first.set(r.idIndex, r.trueDistanceCm);
    if (columns)
      stores[k]!.appendScanSightings({
        count: sightings.length,
        scheme: 'gaen',
        scanner: `phone-${k}`,
        timeMs: Float64Array.from(sightings, (s) => s.timeMs),
        rssiDbm: Float64Array.from(sightings, (s) => s.rssiDbm),
        decoded: sightings.map((s): DecodedId => ({
          kind: 'gaen',
          id: s.id,
          key: bytesToHex(s.id),
          head: idHead(s.id),
        })),
        idHead: Int32Array.from(sightings, (s) => idHead(s.id)),
        idTag: Int32Array.from(entries, (entry) => (tagged ? entry : -1)),
      });
    else stores[k]!.appendSightings(sightings);
    for (const r of rows) models[k]!.push({ ...r, trueDistanceCm: first.get(r.idIndex)! });
  };
  return { arena, stores, models, append, idBytes };
}

const row = fc.record({
  timeOffsetMs: fc.nat({ max: 10_000_000 }),
  idIndex: fc.nat({ max: ID_COUNT - 1 }),
  rssiDbm: fc.integer({ min: -120, max: 10 }),
  trueDistanceCm: fc.nat({ max: 65_535 }),
});

const op = fc.oneof(
  fc.record({
    kind: fc.constant('append' as const),
    store: fc.nat(),
    rows: fc.array(row, { maxLength: 70 }),
    columns: fc.boolean(),
    tagged: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('prune' as const),
    store: fc.nat(),
    beforeOffsetMs: fc.nat({ max: 10_000_000 }),
  }),
  fc.record({ kind: fc.constant('reverse' as const), store: fc.nat() }),
);

const rowsOf = (store: ColumnarStore): Row[] => {
  const c = store.columns();
  return Array.from({ length: c.length }, (_, i) => ({
    timeOffsetMs: c.timeOffsetMs[i]!,
    idIndex: c.idIndex[i]!,
    rssiDbm: c.rssiDbm[i]!,
    trueDistanceCm: c.trueDistanceCm[i]!,
  }));
};

describe('SightingArena: stores in shared pages', () => {
  it('keeps every store its own rows, in order, through interleaved appends, prunes and rewrites', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 40 }), (n, ops) => {
        const { arena, stores, models, append, idBytes } = crowd(n);
        for (const o of ops) {
          const k = o.store % n;
          if (o.kind === 'append') append(k, o.rows, o.columns, o.tagged);
          else if (o.kind === 'prune') {
            const beforeMs = RUN_START_MS + o.beforeOffsetMs;
            const kept = models[k]!.filter((r) => RUN_START_MS + r.timeOffsetMs >= beforeMs);
            expect(stores[k]!.pruneBefore(beforeMs)).toBe(models[k]!.length - kept.length);
            models[k] = kept;
          } else {
            const c = stores[k]!.columns();
            for (const column of [c.timeOffsetMs, c.idIndex, c.rssiDbm, c.trueDistanceCm])
              column.subarray(0, c.length).reverse();
            stores[k]!.rewrite(c);
            models[k]!.reverse();
          }
        }
        let pages = 0;
        stores.forEach((store, k) => {
          const model = models[k]!;
          expect(store.length).toBe(model.length);
          expect(rowsOf(store)).toEqual(model);
          // Random access agrees with the bulk copy, forwards and backwards.
          for (const i of [...model.keys(), ...[...model.keys()].reverse()]) {
            expect(store.timeMs(i)).toBe(RUN_START_MS + model[i]!.timeOffsetMs);
            expect(store.idIndexAt(i)).toBe(model[i]!.idIndex);
            expect(store.trueDistanceM(i)).toBe(model[i]!.trueDistanceCm / 100);
          }
          // Read out as the port's objects (rows of one ID share its copies): as row by row, also
          // through a time window and for one ID.
          const each = model.map((_, i) => store.sighting(i));
          expect(store.querySightings()).toEqual(each);
          const fromMs = RUN_START_MS + 2_500_000;
          const toMs = RUN_START_MS + 7_500_000;
          expect(store.querySightings({ fromMs, toMs })).toEqual(
            each.filter((s) => s.timeMs >= fromMs && s.timeMs < toMs),
          );
          const id = idBytes[k % ID_COUNT]!;
          expect(store.querySightings({ id })).toEqual(
            each.filter((s) => bytesToHex(s.id) === bytesToHex(id)),
          );
          pages += Math.ceil(model.length / PAGE_SIGHTINGS);
        });
        // No page is lost or shared: a store holds exactly the pages its rows need.
        expect(arena.pagesInUse).toBe(pages);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps scan records and own keys, and prunes them with the sightings', () => {
    const { stores } = crowd(1);
    const store = stores[0]!;
    expect(store.queryScans()).toEqual([]);
    expect(store.ownKeys()).toEqual([]);
    store.appendScans([
      { startMs: RUN_START_MS + 1000, durationMs: 4000 },
      { startMs: RUN_START_MS + 300_000, durationMs: 4000 },
    ]);
    store.appendScans([{ startMs: RUN_START_MS + 600_000, durationMs: 3900 }]);
    expect(store.queryScans({ fromMs: RUN_START_MS + 2000 })).toEqual([
      { startMs: RUN_START_MS + 300_000, durationMs: 4000, scanner: 'phone-0' },
      { startMs: RUN_START_MS + 600_000, durationMs: 3900, scanner: 'phone-0' },
    ]);
    store.pruneBefore(RUN_START_MS + 300_000);
    expect(store.queryScans().map((s) => s.startMs)).toEqual([
      RUN_START_MS + 300_000,
      RUN_START_MS + 600_000,
    ]);
  });

  it('gives back every scan record as appended, packed or not, and prunes them as a list would', () => {
    // Scenarios only make records that pack (whole ms, 30 days, 600 s scans); the rest must still come
    // back exactly: a record before the run's start, a fraction of a ms, a long one, a late one.
    const record = fc.record({
      startMs: fc.oneof(
        fc.integer({ min: 0, max: 30 * 86_400_000 }).map((ms) => RUN_START_MS + ms),
        fc.double({ min: RUN_START_MS - 1e9, max: RUN_START_MS + 1e11, noNaN: true }),
      ),
      durationMs: fc.oneof(
        fc.integer({ min: 0, max: 600_000 }),
        fc.integer({ min: 0, max: 2 ** 22 }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
      ),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(record, { maxLength: 4 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 30 * 86_400_000 }),
        (batches, pruneAtMs) => {
          const store = crowd(1).stores[0]!;
          const model: { startMs: number; durationMs: number }[] = [];
          for (const batch of batches) {
            store.appendScans(batch);
            model.push(...batch);
          }
          const named = (list: typeof model) => list.map((r) => ({ ...r, scanner: 'phone-0' }));
          expect(store.queryScans()).toEqual(named(model));
          const beforeMs = RUN_START_MS + pruneAtMs;
          store.pruneBefore(beforeMs);
          expect(store.queryScans()).toEqual(named(model.filter((r) => r.startMs >= beforeMs)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives back every own key as stored, packed or not, field order included, and prunes them', () => {
    const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
    const gaen = fc.record({
      scheme: fc.constant('gaen' as const),
      keyData: fc.oneof(bytes(16), bytes(15)),
      rollingStartIntervalNumber: fc.integer({ min: 2_900_000, max: 2_950_000 }),
      rollingPeriod: fc.oneof(fc.constant(144), fc.integer({ min: 1, max: 144 })),
    });
    // Exports carry more fields: such keys are kept as they are.
    const gaenWithReport = gaen.map((k) => ({ ...k, reportType: 1 }));
    const bluezone = fc.record({
      scheme: fc.constant('bluezone' as const),
      dailyKey: fc.oneof(bytes(32), bytes(12)),
      timeDkS: fc.integer({ min: 1.7e9, max: 1.8e9 }),
      maxRoll: fc.constantFrom(96, 144),
      timeTeS: fc.oneof(fc.integer({ min: 1.7e9, max: 1.8e9 }), fc.constant(NaN)),
    });
    const key = fc.oneof(gaen, gaenWithReport, bluezone);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), key), { maxLength: 20 }),
        fc.integer({ min: 1.7e12, max: 1.8e12 }),
        (appends, beforeMs) => {
          const { stores } = crowd(3);
          const models: DiagnosisKey[][] = [[], [], []];
          for (const [k, key] of appends) {
            stores[k]!.appendOwnKey(key);
            models[k]!.push(key);
          }
          const endMs = (k: DiagnosisKey) =>
            k.scheme === 'gaen'
              ? (k.rollingStartIntervalNumber + k.rollingPeriod) * 600_000
              : k.timeTeS * 1000;
          stores.forEach((store, k) => {
            const got = store.ownKeys();
            expect(got).toEqual(models[k]);
            expect(got.map((g) => Object.keys(g))).toEqual(models[k]!.map((m) => Object.keys(m)));
            store.pruneBefore(beforeMs);
            models[k] = models[k]!.filter((m) => endMs(m) >= beforeMs);
            expect(store.ownKeys()).toEqual(models[k]);
          });
          // Keys appended after a prune follow the ones it kept, store by store.
          for (const [k, key] of appends.slice(0, 6)) {
            stores[k]!.appendOwnKey(key);
            models[k]!.push(key);
          }
          stores.forEach((store, k) => expect(store.ownKeys()).toEqual(models[k]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses an index outside the store, and reuses a caller’s columns', () => {
    const { stores, append } = crowd(1);
    append(0, [{ timeOffsetMs: 5, idIndex: 3, rssiDbm: -70, trueDistanceCm: 120 }]);
    expect(() => stores[0]!.sighting(1)).toThrow(RangeError);
    expect(stores[0]!.sighting(0)).toMatchObject({ timeMs: RUN_START_MS + 5, rssiDbm: -70 });
    const columns = new SightingColumns();
    expect(stores[0]!.columns(columns)).toBe(columns);
    expect(columns.length).toBe(1);
  });
});
