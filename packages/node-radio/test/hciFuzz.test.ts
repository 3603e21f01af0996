/**
 * Fuzz through the virtual controller: malformed HCI events, wrong lengths, truncated service data,
 * advertising reports with several reports per event, absurd RSSI, injected on device A's adapter where
 * the unmodified noble and bleno stacks read them. Counted and dropped, never a crash, never a corrupt
 * advert passed on or a corrupt sighting stored.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MemoryStore,
  decodeAdvert,
  encodeBluezoneAdvert,
  encodeGaenAdvert,
  Firmware,
  formatSightingLine,
  parseSightingLine,
  SeededRandom,
  type ReceivedAdvert,
} from '@proxsense/core';
import {
  encodeExtendedAdvertReport,
  encodeLegacyAdvertReport,
  FileStore,
  FLOOD_LISTENER_PROFILE,
  startVirtualRadioPair,
  wellFormedHciPacket,
  type StackFamily,
  type VirtualRadioPair,
} from '../src/index.js';

const H4_EVENT = 0x04;
const withH4 = (event: Uint8Array) => Uint8Array.of(H4_EVENT, ...event);

/** What the scanner may pass on: a GAEN or Bluezone advert with a measured RSSI in −127…20 dBm. */
const passable = (data: Uint8Array, rssiDbm: number) => {
  const kind = decodeAdvert(data).kind;
  return (kind === 'gaen' || kind === 'bluezone') && rssiDbm >= -127 && rssiDbm <= 20;
};

const advertData = fc.oneof(
  fc
    .tuple(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
    )
    .map(([rpi, aem]) => encodeGaenAdvert(rpi, aem)),
  fc.uint8Array({ minLength: 12, maxLength: 12 }).map((id) => encodeBluezoneAdvert(id)),
  // Truncated service data: a valid advert cut short (its AD lengths no longer add up).
  fc
    .tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 1, max: 30 }))
    .map(([rpi, keep]) => encodeGaenAdvert(rpi, new Uint8Array(4)).slice(0, keep)),
  fc.uint8Array({ minLength: 0, maxLength: 31 }),
);
const report = fc.record({
  eventType: fc.integer({ min: 0, max: 4 }),
  addressType: fc.integer({ min: 0, max: 1 }),
  address: fc.uint8Array({ minLength: 6, maxLength: 6 }),
  data: advertData,
  // Absurd values included: +127 (not measured), +20…+126, −128.
  rssiDbm: fc.oneof(fc.integer({ min: -100, max: -30 }), fc.integer({ min: -128, max: 127 })),
});
const reports = fc.array(report, { minLength: 1, maxLength: 4 });

/** Damage to an event's bytes: truncation, a wrong length byte, a wrong report count, junk appended. */
const damage = fc.oneof(
  fc
    .integer({ min: 0, max: 200 })
    .map((n) => (b: Uint8Array) => b.slice(0, Math.min(n, b.length - 1))),
  fc
    .integer({ min: 0, max: 255 })
    .map((n) => (b: Uint8Array) => Uint8Array.from(b, (x, i) => (i === 2 ? n : x))),
  fc
    .integer({ min: 0, max: 255 })
    .map((n) => (b: Uint8Array) => Uint8Array.from(b, (x, i) => (i === 4 ? n : x))),
  fc
    .uint8Array({ minLength: 1, maxLength: 8 })
    .map((junk) => (b: Uint8Array) => Uint8Array.from([...b, ...junk])),
);

/** Any packet at all: fuzzed bytes, other events with wrong lengths, damaged report events. */
const anyPacket = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 64 }),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 0, maxLength: 40 }))
    .map(([code, params]) => Uint8Array.of(H4_EVENT, code, params.length, ...params)),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 0, maxLength: 40 }))
    .map(([code, params]) => Uint8Array.of(H4_EVENT, code, (params.length + 3) & 0xff, ...params)),
  fc.tuple(reports, damage).map(([r, d]) => d(withH4(encodeLegacyAdvertReport(r)))),
  fc
    .tuple(reports, damage)
    .map(([r, d]) =>
      d(withH4(encodeExtendedAdvertReport(r.map((x) => ({ ...x, txPowerDbm: 127 }))))),
    ),
  reports.map((r) => withH4(encodeLegacyAdvertReport(r))),
  reports.map((r) => withH4(encodeExtendedAdvertReport(r.map((x) => ({ ...x, txPowerDbm: -10 }))))),
);

describe.each(['abandonware', 'stoprocent'] as StackFamily[])(
  'HCI fuzz on %s noble and bleno',
  (family) => {
    let pair: VirtualRadioPair;
    const heard: ReceivedAdvert[] = [];

    beforeAll(async () => {
      pair = await startVirtualRadioPair({ seed: 5, family });
      pair.a.radio.onAdvert((a) => heard.push(a));
      pair.a.radio.startScanning();
      await pair.runFor(50);
    });
    afterAll(async () => {
      pair.a.radio.stopScanning();
      await pair.close();
    });

    const inject = async (packet: Uint8Array) => {
      pair.a.controller.injectPacket(packet);
      await pair.hub.settle();
    };

    it('the guard is needed: the stack itself throws on a truncated LE Meta event', () => {
      const socket = pair.a.radio.scanner.noble._bindings._hci._socket as unknown as {
        emit(e: string, p: Buffer): boolean;
      };
      expect(() =>
        Object.getPrototypeOf(socket).emit.call(socket, 'data', Buffer.from([H4_EVENT, 0x3e])),
      ).toThrow(RangeError);
    });

    it('well-formed report events, one or several reports each: exactly the GAEN/Bluezone ones with a real RSSI are passed on', async () => {
      await fc.assert(
        fc.asyncProperty(reports, async (rs) => {
          const packet = withH4(encodeLegacyAdvertReport(rs));
          expect(wellFormedHciPacket(packet)).toBe(true);
          const before = heard.length;
          const malformed0 = pair.a.radio.hciGuard.counters.malformedPackets;
          await inject(packet);
          expect(pair.a.radio.hciGuard.counters.malformedPackets).toBe(malformed0);
          const expected = rs.filter((r) => passable(r.data, r.rssiDbm));
          const got = heard.slice(before);
          expect(got.map((a) => [Buffer.from(a.payload).toString('hex'), a.rssiDbm])).toEqual(
            expected.map((r) => [Buffer.from(r.data).toString('hex'), r.rssiDbm]),
          );
        }),
        { numRuns: 60, seed: 14 },
      );
    });

    it('any bytes: counted, malformed ones dropped before the stacks, never a crash, never a corrupt advert passed on', async () => {
      const scanner = pair.a.radio.scanner.counters;
      await fc.assert(
        fc.asyncProperty(anyPacket, async (packet) => {
          const guard = { ...pair.a.radio.hciGuard.counters };
          const reports0 = scanner.reports;
          const before = heard.length;
          await inject(packet);
          const g = pair.a.radio.hciGuard.counters;
          // Both stacks' sockets on the adapter see each packet their filters let through.
          expect(g.packetsChecked).toBeGreaterThanOrEqual(guard.packetsChecked);
          if (!wellFormedHciPacket(packet)) {
            expect(scanner.reports).toBe(reports0);
            if (g.packetsChecked > guard.packetsChecked)
              expect(g.malformedPackets).toBeGreaterThan(guard.malformedPackets);
          }
          for (const a of heard.slice(before)) expect(passable(a.payload, a.rssiDbm)).toBe(true);
          expect(scanner.passed + scanner.notOurs + scanner.malformed + scanner.whileStopped).toBe(
            scanner.reports,
          );
        }),
        { numRuns: 300, seed: 8 },
      );
      expect(pair.a.radio.hciGuard.counters.malformedPackets).toBeGreaterThan(50);
      // After all that the stack still works: a valid advert is passed on.
      const before = heard.length;
      const data = encodeGaenAdvert(new Uint8Array(16).fill(9), new Uint8Array(4));
      await inject(
        withH4(
          encodeLegacyAdvertReport([{ address: new Uint8Array(6).fill(2), data, rssiDbm: -55 }]),
        ),
      );
      expect(heard.slice(before).map((a) => a.rssiDbm)).toEqual([-55]);
    });
  },
);

describe('fuzz under the firmware and a FileStore', () => {
  it('stores only valid sightings while malformed events arrive among real adverts', async () => {
    const pair = await startVirtualRadioPair({ seed: 6 });
    const dir = mkdtempSync(join(tmpdir(), 'proxsense-fuzz-'));
    const store = FileStore.open(dir);
    const firmware = new Firmware({
      profile: FLOOD_LISTENER_PROFILE,
      radio: pair.a.radio,
      scheduler: pair.scheduler,
      random: new SeededRandom(1),
      store,
      name: 'A',
    });
    // The peer on hci1 advertises for real: its adverts arrive among the fuzzed packets.
    const peer = new Firmware({
      profile: FLOOD_LISTENER_PROFILE,
      radio: pair.b.radio,
      scheduler: pair.scheduler,
      random: new SeededRandom(2),
      store: new MemoryStore(),
      name: 'B',
    });
    peer.start();
    firmware.start();
    const packets = fc.sample(anyPacket, { numRuns: 400, seed: 21 });
    // 40 s of virtual time, a packet every 100 ms, the well-formed ones' GAEN/Bluezone adverts aggregated.
    for (const p of packets) {
      pair.a.controller.injectPacket(p);
      await pair.runFor(100);
    }
    firmware.stop();
    peer.stop();
    await pair.close();
    const guard = pair.a.radio.hciGuard.counters;
    expect(guard.malformedPackets).toBeGreaterThan(50);
    const c = firmware.counters;
    expect(c.scans).toBeGreaterThanOrEqual(6);
    // The peer's ID in every scan, and some fuzzed GAEN IDs besides.
    expect(c.sightingsStored).toBeGreaterThan(c.scans);
    expect(c.advertsMalformed + c.advertsNotOurs + c.advertsOtherScheme).toBeGreaterThan(0);
    store.close();
    const reopened = FileStore.open(dir);
    expect(reopened.recovery.corruptRegions).toHaveLength(0);
    const stored = reopened.querySightings();
    expect(stored).toHaveLength(c.sightingsStored);
    // Each stored sighting is one the sightings format accepts (ID length, RSSI range, AEM).
    stored.forEach((s, i) => expect(parseSightingLine(formatSightingLine(s), i + 1)).toEqual(s));
    reopened.close();
  }, 60_000);
});
