import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AdvertDecodeCache,
  BLUEZONE_PROFILE,
  bytesToHex,
  decodeAdvert,
  encodeGaenAdvert,
  encodeBluezoneAdvert,
  FakeRadio,
  FakeRadioMedium,
  Firmware,
  GAEN_PROFILE,
  ID_SCHEME_CODE,
  idHead,
  MemoryStore,
  SeededRandom,
  VirtualScheduler,
  type ExposureEvent,
  type FirmwareProfile,
  type ScanSightings,
  type Sighting,
} from '@proxsense/core';

/** A store taking the firmware's columns path (as the simulator's does), kept as sighting objects. */
class ColumnsStore extends MemoryStore {
  columnCalls = 0;
  /** Each stored sighting's `idTag`. */
  tags: number[] = [];
  appendScanSightings(s: ScanSightings): void {
    this.columnCalls++;
    const sightings: Sighting[] = [];
    for (let i = 0; i < s.count; i++) {
      const decoded = s.decoded[i]!;
      expect(s.idHead[i]).toBe(idHead(decoded.id));
      this.tags.push(s.idTag[i]!);
      const sighting: Sighting = {
        timeMs: s.timeMs[i]!,
        scheme: s.scheme,
        id: decoded.id,
        rssiDbm: s.rssiDbm[i]!,
      };
      if (decoded.aem) sighting.aem = decoded.aem;
      if (s.scanner) sighting.scanner = s.scanner;
      sightings.push(sighting);
    }
    this.appendSightings(sightings);
  }
}

// An arbitrary, unaligned start: 2020-07-20 09:03:07.
// Seconds :07 put slot boundaries inside Bluezone's 15-second advertising pauses, so rotations while silent are covered.
const T0 = Date.UTC(2020, 6, 20, 9, 3, 7);
const HOUR = 3_600_000;

function twoPhones(profile: FirmwareProfile, rssiDbm = -60, seed = 1) {
  const scheduler = new VirtualScheduler(T0);
  const medium = new FakeRadioMedium(scheduler, () => rssiDbm);
  const make = (name: string, seed: number) => {
    const radio = new FakeRadio(name, medium);
    const store = new MemoryStore();
    const events: ExposureEvent[] = [];
    const firmware = new Firmware({
      profile,
      radio,
      scheduler,
      random: new SeededRandom(seed),
      store,
      name,
      onExposure: (e) => events.push(e),
    });
    return { radio, store, firmware, events };
  };
  return { scheduler, a: make('a', seed), b: make('b', seed + 1) };
}

describe('firmware: two GAEN phones side by side for two simulated hours', () => {
  const { scheduler, a, b } = twoPhones(GAEN_PROFILE);
  a.firmware.start();
  b.firmware.start();
  scheduler.runUntil(T0 + 2 * HOUR);

  it('each logs the other, one aggregated sighting per scan', () => {
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const sightings = self.store.querySightings();
      // A scan every 3.5–5 minutes for two hours.
      expect(self.firmware.counters.scans).toBeGreaterThanOrEqual(24);
      expect(sightings.length).toBe(
        self.firmware.counters.scans - (self.firmware.counters.scans - sightings.length),
      );
      expect(sightings.length).toBeGreaterThanOrEqual(23);
      const otherIds = new Set(
        other.radio.advertised.map((x) =>
          bytesToHex((decodeAdvert(x.payload) as { rpi: Uint8Array }).rpi),
        ),
      );
      for (const s of sightings) {
        expect(otherIds.has(bytesToHex(s.id))).toBe(true);
        expect(s.rssiDbm).toBe(-60);
        expect(s.scanner).toBe(self === a ? 'a' : 'b');
      }
      // ~16 adverts per 4-second scan were folded into one sighting.
      expect(self.firmware.counters.advertsLogged).toBeGreaterThan(10 * sightings.length);
    }
  });

  it('rotates RPI and address together every 10 minutes, with jitter so the phones do not rotate in step', () => {
    for (const phone of [a, b]) {
      const changes = phone.radio.advertised;
      expect(changes.length).toBeGreaterThanOrEqual(12);
      expect(changes.length).toBeLessThanOrEqual(14);
      const rpis = changes.map((c) =>
        bytesToHex((decodeAdvert(c.payload) as { rpi: Uint8Array }).rpi),
      );
      const addresses = changes.map((c) => bytesToHex(c.address));
      expect(new Set(rpis).size).toBe(changes.length);
      expect(new Set(addresses).size).toBe(changes.length);
      for (const c of changes) expect(c.address[5]! & 0xc0).toBe(0);
      for (let i = 1; i < changes.length; i++) {
        const offset = changes[i]!.timeMs % 600_000;
        expect(offset).toBeLessThanOrEqual(GAEN_PROFILE.rotationJitterMaxMs);
      }
    }
    const offsetsA = a.radio.advertised.slice(1).map((c) => c.timeMs % 600_000);
    const offsetsB = b.radio.advertised.slice(1).map((c) => c.timeMs % 600_000);
    expect(offsetsA).not.toEqual(offsetsB);
  });

  it('finds the other phone once its keys are published, and raises an exposure event', () => {
    const published = a.firmware.ownDiagnosisKeys();
    expect(published).toHaveLength(1);
    const event = b.firmware.checkExposure(published);
    expect(b.events).toHaveLength(1);
    expect(event.matches.length).toBe(b.store.querySightings().length);
    // TX power came from decrypting each sighting's AEM: -24 - (-60) = 36 dB, well under 2 m.
    expect(
      event.windows.every((w) => w.scanInstances.every((s) => s.typicalAttenuationDb === 36)),
    ).toBe(true);
    expect(event.summaries).toHaveLength(1);
    expect(event.summaries[0]!.closeMinutes).toBeGreaterThan(100);
    expect(event.closeContact).toBe(true);
    // The store kept every scan (MemoryStore implements the optional scan port), so credit follows GAEN.
    expect(b.store.queryScans().length).toBeGreaterThan(
      event.windows.reduce((n, w) => n + w.scanInstances.length, 0) - 1,
    );
    for (const w of event.windows)
      for (const si of w.scanInstances) expect(si.secondsSinceLastScan).toBeLessThanOrEqual(300);
    // A revoked key withdraws the exposure: it never matches.
    const revoked = published.map((k) => ({ ...k, reportType: 5 }));
    expect(b.firmware.checkExposure(revoked)).toMatchObject({
      matches: [],
      windows: [],
      closeContact: false,
    });
    // Nobody else's keys: no event.
    const c = twoPhones(GAEN_PROFILE, -60, 100);
    c.a.firmware.start();
    c.scheduler.runUntil(T0 + HOUR);
    expect(b.firmware.checkExposure(c.a.firmware.ownDiagnosisKeys()).matches).toHaveLength(0);
    expect(b.events).toHaveLength(1);
  });

  it('is deterministic: same seeds, same logs', () => {
    const again = twoPhones(GAEN_PROFILE);
    again.a.firmware.start();
    again.b.firmware.start();
    again.scheduler.runUntil(T0 + 2 * HOUR);
    expect(again.b.store.querySightings()).toEqual(b.store.querySightings());
  });
});

describe('firmware: Bluezone profile', () => {
  it('rotates exactly at 15-minute slots, logs the other, and matches its F0 key only inside each slot', () => {
    for (const seed of [1, 5, 9]) {
      const { scheduler, a, b } = twoPhones(BLUEZONE_PROFILE, -70, seed);
      a.firmware.start();
      b.firmware.start();
      scheduler.runUntil(T0 + 2 * HOUR);
      // Every advert start carries its own slot's ID: one ID per slot, a new one in each slot.
      const idsBySlot = new Map<number, Set<string>>();
      for (const c of a.radio.advertised) {
        const slot = Math.floor(c.timeMs / 900_000);
        idsBySlot.set(slot, (idsBySlot.get(slot) ?? new Set()).add(bytesToHex(c.payload)));
      }
      expect(idsBySlot.size).toBeGreaterThanOrEqual(8);
      expect([...idsBySlot.values()].every((ids) => ids.size === 1)).toBe(true);
      expect(new Set([...idsBySlot.values()].map((ids) => [...ids][0])).size).toBe(idsBySlot.size);
      const sightings = b.store.querySightings();
      expect(sightings.length).toBeGreaterThanOrEqual(20);
      const event = b.firmware.checkExposure(a.firmware.ownDiagnosisKeys());
      expect(event.matches.length).toBe(sightings.length);
      expect(
        event.matches.every(
          (m) =>
            Math.floor(m.sighting.timeMs / 900_000) * 900_000 ===
            Math.floor(T0 / 86_400_000) * 86_400_000 + m.interval * 900_000,
        ),
      ).toBe(true);
      expect(event.bluezoneCloseContact).toBe(true);
    }
  });
});

describe('firmware: bad and hostile input', () => {
  it('counts malformed adverts and caps distinct IDs per scan under a flood', () => {
    const scheduler = new VirtualScheduler(T0);
    const radio = new FakeRadio('x');
    const store = new MemoryStore();
    const firmware = new Firmware({
      profile: { ...GAEN_PROFILE, maxIdsPerScan: 50 },
      radio,
      scheduler,
      random: new SeededRandom(9),
      store,
    });
    firmware.start();
    // Run to the first scan, then flood it.
    while (!radio.scanning) scheduler.runUntil(scheduler.nowMs() + 1000);
    const random = new SeededRandom(10);
    for (let i = 0; i < 5000; i++)
      radio.receive({
        payload: encodeGaenAdvert(random.randomBytes(16), random.randomBytes(4)),
        rssiDbm: -80,
      });
    radio.receive({ payload: new Uint8Array([5, 1, 2]), rssiDbm: -80 });
    radio.receive({ payload: new Uint8Array([2, 1, 6]), rssiDbm: -80 });
    scheduler.runUntil(scheduler.nowMs() + 5000);
    expect(store.querySightings()).toHaveLength(50);
    expect(firmware.counters).toMatchObject({
      advertsDroppedFlood: 4950,
      advertsMalformed: 1,
      advertsNotOurs: 1,
    });
  });

  it('prunes sightings and own keys after 14 days', () => {
    const { scheduler, a, b } = twoPhones(GAEN_PROFILE);
    a.firmware.start();
    b.firmware.start();
    scheduler.runUntil(T0 + 16 * 24 * HOUR);
    const oldest = Math.min(...b.store.querySightings().map((s) => s.timeMs));
    expect(oldest).toBeGreaterThanOrEqual(scheduler.nowMs() - 15 * 24 * HOUR);
    expect(b.firmware.counters.sightingsPruned).toBeGreaterThan(0);
    expect(a.firmware.ownDiagnosisKeys().length).toBeLessThanOrEqual(15);
  });
});

describe('firmware: batched deliveries from a host that samples the air in bulk', () => {
  it('counts only the first rssiSampleCount samples, dates the sighting at receivedAtMs, and shares one decode cache', () => {
    const scheduler = new VirtualScheduler(T0);
    const decodeCache = new AdvertDecodeCache();
    const phones = ['x', 'y'].map((name, i) => {
      const radio = new FakeRadio(name);
      const store = new MemoryStore();
      const firmware = new Firmware({
        profile: GAEN_PROFILE,
        radio,
        scheduler,
        random: new SeededRandom(40 + i),
        store,
        name,
        decodeCache,
      });
      return { radio, store, firmware };
    });
    const payload = encodeGaenAdvert(new Uint8Array(16).fill(7), new Uint8Array(4).fill(9));
    for (const p of phones) p.firmware.start();
    // Hand each phone, while it scans, a buffer of which only the first 3 of 5 samples are this delivery's.
    const buffer = Float64Array.from([-60, -62, -64, -10, -10]);
    for (const p of phones) {
      while (!p.radio.scanning) scheduler.runUntil(scheduler.nowMs() + 100);
      const t = scheduler.nowMs();
      p.radio.receive({
        payload,
        rssiDbm: -60,
        rssiSamplesDbm: buffer,
        rssiSampleCount: 3,
        receivedAtMs: t - 50,
      });
      scheduler.runUntil(t + 10_000);
      const [s] = p.store.querySightings();
      expect(s!.rssiDbm).toBe(-62);
      expect(s!.timeMs).toBe(t - 50);
      expect(p.firmware.counters.advertsLogged).toBe(3);
    }
    // One decode for both phones: they store the very same ID bytes object.
    expect(phones[0]!.store.querySightings()[0]!.id).toBe(phones[1]!.store.querySightings()[0]!.id);
    expect(decodeCache.decode(payload)).toBe(decodeCache.decode(payload));
  });
});

describe('firmware: advert batches', () => {
  it('a batch of receptions stores what the same receptions delivered one by one store, and a store taking columns stores the same', () => {
    const payloads = [
      ...[1, 2, 3, 4].map((b) =>
        encodeGaenAdvert(new Uint8Array(16).fill(b), new Uint8Array(4).fill(b)),
      ),
      Uint8Array.of(2, 1, 6),
      encodeBluezoneAdvert(new Uint8Array(12).fill(9)),
    ];
    const keys = payloads.map((p) => {
      const d = new AdvertDecodeCache().decode(p);
      return 'key' in d ? d.key : undefined;
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.nat(payloads.length - 1),
            fc.array(fc.integer({ min: -110, max: -30 }), { minLength: 0, maxLength: 6 }),
            fc.boolean(),
          ),
          { maxLength: 40 },
        ),
        (deliveries) => {
          /** `tagged`: the batch carries each ID's scheme, head and tag (as the simulator's air does). */
          const run = (batched: boolean, columns = false, tagged = false) => {
            const scheduler = new VirtualScheduler(T0);
            const radio = new FakeRadio('b');
            const store = columns ? new ColumnsStore() : new MemoryStore();
            const firmware = new Firmware({
              profile: { ...GAEN_PROFILE, maxIdsPerScan: 3 },
              radio,
              scheduler,
              random: new SeededRandom(5),
              store,
              name: 'b',
            });
            firmware.start();
            while (!radio.scanning) scheduler.runUntil(scheduler.nowMs() + 100);
            const t = scheduler.nowMs();
            // Tagged, some entries come decoded by a second cache (distinct objects for the same ID): the
            // tag alone must merge them.
            const caches = [new AdvertDecodeCache(), new AdvertDecodeCache()];
            const decoded = deliveries.map(([p, , other]) =>
              caches[tagged && other ? 1 : 0]!.decode(payloads[p]!),
            );
            const ids = decoded.map((d) =>
              d.kind === 'gaen' || d.kind === 'bluezone' ? d : undefined,
            );
            if (batched)
              radio.receiveBatch({
                count: deliveries.length,
                payload: deliveries.map(([p]) => payloads[p]!),
                decoded,
                receptions: deliveries.map(([, r]) => r.length),
                rssiSumDbm: deliveries.map(([, r]) => r.reduce((a, b) => a + b, 0)),
                firstAtMs: deliveries.map((_, i) => t - 100 + i),
                ...(tagged
                  ? {
                      idScheme: ids.map((d) => (d ? ID_SCHEME_CODE[d.kind] : 0)),
                      idHead: ids.map((d) => d?.head ?? 0),
                      idTag: deliveries.map(([p]) => 100 + p),
                    }
                  : {}),
              });
            else
              deliveries.forEach(([p, r], i) =>
                radio.receive({
                  payload: payloads[p]!,
                  rssiDbm: r[0] ?? 0,
                  rssiSamplesDbm: r,
                  receivedAtMs: t - 100 + i,
                }),
              );
            scheduler.runUntil(t + 10_000);
            const columnCalls = store instanceof ColumnsStore ? store.columnCalls : 0;
            const tags = store instanceof ColumnsStore ? store.tags : [];
            return [
              { sightings: store.querySightings(), counters: { ...firmware.counters } },
              columnCalls,
              tags,
            ] as const;
          };
          const [plain] = run(false);
          expect(run(true)[0]).toEqual(plain);
          const [viaColumns, calls, untaggedTags] = run(true, true);
          expect(viaColumns).toEqual(plain);
          // The columns path was the one taken (one scan heard anyone, or none did).
          expect(calls).toBe(plain.sightings.length ? 1 : 0);
          expect(untaggedTags.every((t) => t === -1)).toBe(true);
          // Tagged: the same sightings and counters, each carrying its ID's tag back.
          const [viaTags, , tags] = run(true, true, true);
          expect(viaTags).toEqual(plain);
          expect(tags).toEqual(viaTags.sightings.map((s) => 100 + keys.indexOf(bytesToHex(s.id))));
        },
      ),
      { numRuns: 100 },
    );
  });
});
