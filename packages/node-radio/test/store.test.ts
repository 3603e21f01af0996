import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  Firmware,
  GAEN_PROFILE,
  FakeRadio,
  FakeRadioMedium,
  MemoryStore,
  SeededRandom,
  VirtualScheduler,
  type Sighting,
} from '@proxsense/core';
import {
  encodeFrame,
  encodeRecord,
  fileHeader,
  FileStore,
  scanFrames,
  type StoreRecord,
} from '@proxsense/node-radio';

const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-store-'));
const T0 = Date.UTC(2020, 6, 20, 9);
const HOUR = 3_600_000;

const sighting = (i: number, over: Partial<Sighting> = {}): Sighting => ({
  timeMs: T0 + i * 60_000,
  scheme: 'gaen',
  id: Uint8Array.from({ length: 16 }, (_, k) => (i * 31 + k * 7) & 0xff),
  rssiDbm: -40 - (i % 50),
  aem: new Uint8Array([1, 2, 3, i & 0xff]),
  scanner: 'pi',
  ...over,
});

describe('FileStore', () => {
  it('reads back what was appended, by time and by ID, across reopen', () => {
    const dir = tmp();
    const store = FileStore.open(dir);
    const all = Array.from({ length: 300 }, (_, i) =>
      sighting(
        i,
        i % 4 === 0
          ? { scheme: 'bluezone', id: new Uint8Array(12).fill(i & 0xff), aem: undefined }
          : {},
      ),
    );
    for (const s of all) if (s.aem === undefined) delete s.aem;
    store.appendSightings(all.slice(0, 150));
    store.appendSightings(all.slice(150));
    store.appendScans([
      { startMs: T0, durationMs: 4000, scanner: 'pi' },
      { startMs: T0 + 2 * HOUR, durationMs: 4000 },
    ]);
    store.appendOwnKey({
      scheme: 'gaen',
      keyData: new Uint8Array(16).fill(7),
      rollingStartIntervalNumber: 2_658_672,
      rollingPeriod: 144,
      reportType: 1,
    });
    expect(store.querySightings()).toEqual(all);
    store.close();
    // 300 minutes from 09:00 in 1-hour segments: five segment files, each with its index.
    expect(readdirSync(dir).filter((n) => n.endsWith('.pxs.idx'))).toHaveLength(5);

    const again = FileStore.open(dir);
    expect(again.recovery.segmentsFromIndex).toBe(5);
    expect(again.recovery.segmentsScanned).toBe(0);
    expect(again.querySightings()).toEqual(all);
    expect(again.querySightings({ fromMs: T0 + HOUR, toMs: T0 + 2 * HOUR })).toEqual(
      all.slice(60, 120),
    );
    expect(again.querySightings({ id: all[77]!.id })).toEqual(
      all.filter((s) => s.id.join() === all[77]!.id.join()),
    );
    expect(again.queryScans({ fromMs: T0 + 1 })).toEqual([
      { startMs: T0 + 2 * HOUR, durationMs: 4000 },
    ]);
    expect(again.ownKeys()).toEqual([
      {
        scheme: 'gaen',
        keyData: new Uint8Array(16).fill(7),
        rollingStartIntervalNumber: 2_658_672,
        rollingPeriod: 144,
        reportType: 1,
      },
    ]);
    again.close();
  });

  it('prunes by dropping whole segments, counts what went, and hides the rest of the straddling one', () => {
    const dir = tmp();
    const store = FileStore.open(dir);
    const all = Array.from({ length: 240 }, (_, i) => sighting(i));
    store.appendSightings(all);
    const before = readdirSync(dir).filter((n) => n.endsWith('.pxs') && n !== 'meta.pxs');
    const kept = statSync(join(dir, before[3]!)).size;
    expect(store.pruneBefore(T0 + 2.5 * HOUR)).toBe(150);
    expect(store.querySightings()).toEqual(all.slice(150));
    expect(store.pruneBefore(T0 + 2.5 * HOUR)).toBe(0);
    const after = readdirSync(dir).filter((n) => n.endsWith('.pxs') && n !== 'meta.pxs');
    expect(after).toEqual(before.slice(2));
    // The remaining segments were not rewritten.
    expect(statSync(join(dir, before[3]!)).size).toBe(kept);
    store.close();
    const again = FileStore.open(dir);
    expect(again.querySightings()).toEqual(all.slice(150));
    expect(again.pruneBefore(T0 + 3 * HOUR)).toBe(30);
    again.close();
  });

  it('cuts a torn tail on open and reports it; keeps every record before it', () => {
    const dir = tmp();
    const store = FileStore.open(dir);
    const all = Array.from({ length: 50 }, (_, i) => sighting(i, { timeMs: T0 + i }));
    store.appendSightings(all);
    const seg = join(
      dir,
      readdirSync(dir).find((n) => n.startsWith('seg-') && n.endsWith('.pxs'))!,
    );
    // Simulate the crash: no close (no index), and half a record at the end.
    const half = encodeFrame(encodeRecord({ type: 'sighting', sighting: sighting(99) })).subarray(
      0,
      20,
    );
    appendFileSync(seg, half);
    const again = FileStore.open(dir);
    expect(again.recovery.tornTails).toEqual([{ file: seg.slice(dir.length + 1), bytes: 20 }]);
    expect(again.querySightings()).toEqual(all);
    again.appendSightings([sighting(60, { timeMs: T0 + 60 })]);
    expect(again.querySightings()).toHaveLength(51);
    again.close();
    expect(FileStore.open(dir).querySightings()).toHaveLength(51);
  });

  it('skips and reports a corrupt record in the middle, returning the records around it', () => {
    const dir = tmp();
    const store = FileStore.open(dir);
    const all = Array.from({ length: 10 }, (_, i) => sighting(i, { timeMs: T0 + i }));
    store.appendSightings(all);
    // No close: the segment has no index, as after a crash, so opening reads it.
    const seg = join(
      dir,
      readdirSync(dir).find((n) => n.startsWith('seg-') && n.endsWith('.pxs'))!,
    );
    const bytes = readFileSync(seg);
    const third = scanFrames(new Uint8Array(bytes)).offsets[3]!;
    bytes[third + 12]! ^= 0x40;
    writeFileSync(seg, bytes);
    const again = FileStore.open(dir);
    expect(again.recovery.corruptRegions).toHaveLength(1);
    expect(again.querySightings()).toEqual(all.filter((_, i) => i !== 3));
  });

  it('sets aside a file whose header is damaged instead of truncating it', () => {
    const dir = tmp();
    const store = FileStore.open(dir);
    store.appendSightings([sighting(1)]);
    const seg = readdirSync(dir).find((n) => n.startsWith('seg-') && n.endsWith('.pxs'))!;
    const bytes = readFileSync(join(dir, seg));
    bytes[0] = 0;
    writeFileSync(join(dir, seg), bytes);
    const again = FileStore.open(dir);
    expect(again.recovery.unreadableFiles).toEqual([seg]);
    expect(readdirSync(dir)).toContain(`${seg}.unreadable`);
    expect(again.querySightings()).toEqual([]);
  });

  it('counts damage found when reading a segment trusted from its index', () => {
    const dir = tmp();
    const store = FileStore.open(dir);
    store.appendSightings([sighting(1), sighting(2)]);
    store.close();
    const seg = join(
      dir,
      readdirSync(dir).find((n) => n.startsWith('seg-') && n.endsWith('.pxs'))!,
    );
    const bytes = readFileSync(seg);
    bytes[bytes.length - 3]! ^= 1;
    writeFileSync(seg, bytes);
    const again = FileStore.open(dir);
    expect(again.recovery.segmentsFromIndex).toBe(1);
    expect(again.querySightings()).toEqual([sighting(1)]);
    expect(again.stats.damagedReads).toBe(1);
  });

  it('refuses a sighting it could not read back, with the field named', () => {
    const store = FileStore.open(tmp());
    expect(() => store.appendSightings([sighting(1, { id: new Uint8Array(15) })])).toThrow(
      /sighting: expected a valid sighting/,
    );
    expect(() => store.appendSightings([sighting(1, { rssiDbm: 99 })])).toThrow(/RSSI/);
  });

  it('in manual mode makes appends durable on commit, in one batch', () => {
    const dir = tmp();
    const store = FileStore.open(dir, { sync: 'manual' });
    store.appendSightings([sighting(1), sighting(2)]);
    store.appendScans([{ startMs: T0, durationMs: 1 }]);
    expect(store.stats.batchesCommitted).toBe(0);
    expect(store.commit()).toBe(3);
    expect(store.stats).toMatchObject({ batchesCommitted: 1, recordsCommitted: 3 });
    expect(FileStore.open(dir).querySightings()).toHaveLength(2);
  });

  it('runs the firmware: the same sightings, scans and keys as MemoryStore', () => {
    const runWith = (store: FileStore | MemoryStore) => {
      const scheduler = new VirtualScheduler(T0);
      const desk = new FakeRadioMedium(scheduler, () => -62);
      const phone = (name: string, seed: number, s: FileStore | MemoryStore) =>
        new Firmware({
          profile: GAEN_PROFILE,
          radio: new FakeRadio(name, desk),
          scheduler,
          random: new SeededRandom(seed),
          store: s,
          name,
        });
      const alice = phone('alice', 1, new MemoryStore());
      const bob = phone('bob', 2, store);
      alice.start();
      bob.start();
      scheduler.runUntil(T0 + 2 * HOUR);
      return {
        sightings: store.querySightings(),
        scans: store.queryScans(),
        keys: store.ownKeys(),
        exposure: bob.checkExposure(alice.ownDiagnosisKeys()).matches.length,
      };
    };
    const dir = tmp();
    const file = FileStore.open(dir);
    const a = runWith(file);
    file.close();
    const b = runWith(new MemoryStore());
    // FileStore answers in time order; MemoryStore in insertion order.
    b.sightings = [...b.sightings].sort((x, y) => x.timeMs - y.timeMs);
    expect(a.sightings.length).toBeGreaterThan(10);
    expect(a).toEqual(b);
    expect(FileStore.open(dir).querySightings()).toEqual(b.sightings);
  });
});

describe('FileStore against MemoryStore (model-based property)', () => {
  type Op =
    | { kind: 'append'; items: { dtMin: number; seed: number }[] }
    | { kind: 'scan'; dtMin: number }
    | { kind: 'prune'; dtMin: number }
    | { kind: 'reopen'; close: boolean }
    | { kind: 'key'; interval: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('append' as const),
        items: fc.array(
          fc.record({
            dtMin: fc.integer({ min: 0, max: 3 * 1440 }),
            seed: fc.integer({ min: 0, max: 5 }),
          }),
          { maxLength: 8 },
        ),
      }),
    },
    fc.record({ kind: fc.constant('scan' as const), dtMin: fc.integer({ min: 0, max: 3 * 1440 }) }),
    fc.record({
      kind: fc.constant('prune' as const),
      dtMin: fc.integer({ min: 0, max: 3 * 1440 }),
    }),
    fc.record({ kind: fc.constant('reopen' as const), close: fc.boolean() }),
    fc.record({
      kind: fc.constant('key' as const),
      interval: fc.integer({ min: 2_658_672, max: 2_658_672 + 3 * 144 }),
    }),
  );

  it('answers every query, prune count and key list as MemoryStore does, across reopen and crash', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 25 }),
        fc.integer({ min: 0, max: 5 }),
        (ops, querySeed) => {
          const dir = tmp();
          let file = FileStore.open(dir, { segmentMs: 6 * HOUR });
          const model = new MemoryStore();
          let prunedBefore = -Infinity;
          for (const o of ops) {
            if (o.kind === 'append') {
              // MemoryStore keeps what is appended behind a prune until the next prune; FileStore drops it (counted).
              const items = o.items.map((i) => sighting(i.seed, { timeMs: T0 + i.dtMin * 60_000 }));
              file.appendSightings(items);
              model.appendSightings(items.filter((x) => x.timeMs >= prunedBefore));
            } else if (o.kind === 'scan') {
              const scan = { startMs: T0 + o.dtMin * 60_000, durationMs: 4000 };
              file.appendScans([scan]);
              if (scan.startMs >= prunedBefore) model.appendScans([scan]);
            } else if (o.kind === 'prune') {
              const before = T0 + o.dtMin * 60_000;
              expect(file.pruneBefore(before)).toBe(model.pruneBefore(before));
              prunedBefore = Math.max(prunedBefore, before);
            } else if (o.kind === 'key') {
              const key = {
                scheme: 'gaen' as const,
                keyData: new Uint8Array(16).fill(o.interval & 0xff),
                rollingStartIntervalNumber: o.interval,
                rollingPeriod: 144,
              };
              file.appendOwnKey(key);
              model.appendOwnKey(key);
            } else {
              if (o.close) file.close();
              file = FileStore.open(dir, { segmentMs: 6 * HOUR });
            }
          }
          const byTime = (list: Sighting[]) => [...list].sort((a, b) => a.timeMs - b.timeMs);
          expect(file.querySightings()).toEqual(byTime(model.querySightings()));
          const id = sighting(querySeed).id;
          const range = { fromMs: T0 + 600 * 60_000, toMs: T0 + 2000 * 60_000 };
          expect(file.querySightings({ id })).toEqual(byTime(model.querySightings({ id })));
          expect(file.querySightings(range)).toEqual(byTime(model.querySightings(range)));
          expect(file.queryScans()).toEqual(
            model.queryScans().sort((a, b) => a.startMs - b.startMs),
          );
          expect(file.ownKeys()).toEqual(model.ownKeys());
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('store file format (properties)', () => {
  const sightingArb = fc
    .record({
      timeMs: fc.integer({ min: 0, max: 2 ** 45 }),
      scheme: fc.constantFrom('gaen' as const, 'bluezone' as const),
      rssiDbm: fc.integer({ min: -127, max: 20 }),
      seed: fc.integer({ min: 0, max: 255 }),
      tx: fc.option(fc.integer({ min: -127, max: 127 }), { nil: undefined }),
      scanner: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    })
    .map(({ seed, tx, scanner, ...s }): StoreRecord => {
      const out: Sighting = { ...s, id: new Uint8Array(s.scheme === 'gaen' ? 16 : 12).fill(seed) };
      if (tx !== undefined) out.txPowerDbm = tx;
      if (scanner !== undefined) out.scanner = scanner;
      if (s.scheme === 'gaen' && seed % 2) out.aem = new Uint8Array([seed, 1, 2, 3]);
      return { type: 'sighting', sighting: out };
    });
  const recordArb = fc.oneof(
    sightingArb,
    fc
      .record({
        startMs: fc.integer({ min: 0, max: 2 ** 45 }),
        durationMs: fc.integer({ min: 0, max: 60_000 }),
      })
      .map((scan): StoreRecord => ({ type: 'scan', scan })),
  );
  const fileOf = (records: StoreRecord[]) => {
    const parts = [fileHeader(), ...records.map((r) => encodeFrame(encodeRecord(r)))];
    return concatBytes(...parts);
  };
  // Canonical text of a record (sorted keys, bytes as arrays), to compare records as values.
  const key = (r: StoreRecord) =>
    JSON.stringify(r, (_, v) =>
      v instanceof Uint8Array
        ? [...v]
        : v && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
          : v,
    );

  it('round-trips any valid records', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 30 }), (records) => {
        const scan = scanFrames(fileOf(records));
        expect(scan.records.map(key)).toEqual(records.map(key));
        expect(scan.tornTail).toBeUndefined();
        expect(scan.corrupt).toEqual([]);
      }),
    );
  });

  it('never throws and never yields a record that was not written, whatever the damage', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 6 }),
        fc.nat(),
        fc.boolean(),
        (records, flips, cut, doCut) => {
          const bytes = fileOf(records);
          for (const [at, bit] of flips) bytes[at % bytes.length]! ^= 1 << bit;
          const damaged = doCut ? bytes.subarray(0, cut % (bytes.length + 1)) : bytes;
          const scan = scanFrames(damaged);
          const written = new Set(records.map(key));
          for (const r of scan.records) expect(written.has(key(r))).toBe(true);
          // Without bit flips, truncation loses only the records past the cut, in order.
          if (flips.length === 0)
            expect(scan.records.map(key)).toEqual(records.slice(0, scan.records.length).map(key));
        },
      ),
    );
  });

  it('never throws on random bytes, with or without a valid header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (junk, header) => {
        const bytes = header ? new Uint8Array([...fileHeader(), ...junk]) : junk;
        const scan = scanFrames(bytes);
        expect(scan.validEndBytes).toBeLessThanOrEqual(bytes.length);
        for (const r of scan.records)
          expect(['sighting', 'scan', 'ownKey', 'pruneMark']).toContain(r.type);
      }),
    );
  });

  it('recovers a store directory whose files were cut anywhere, without throwing', () => {
    const records = Array.from({ length: 40 }, (_, i) => sighting(i, { timeMs: T0 + i * 1000 }));
    fc.assert(
      fc.property(fc.nat({ max: 2000 }), (cut) => {
        const dir = tmp();
        const s = FileStore.open(dir);
        s.appendSightings(records);
        const seg = join(
          dir,
          readdirSync(dir).find((n) => n.startsWith('seg-') && n.endsWith('.pxs'))!,
        );
        truncateSync(seg, Math.min(cut, statSync(seg).size));
        const again = FileStore.open(dir);
        const got = again.querySightings();
        expect(got).toEqual(records.slice(0, got.length));
      }),
      { numRuns: 25 },
    );
  });
});
