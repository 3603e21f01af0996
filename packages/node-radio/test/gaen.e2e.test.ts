/**
 * End to end on the unmodified noble and bleno stacks over virtual controllers: A advertises GAEN through
 * the raw-HCI advertiser on bleno's socket, B scans with its firmware through noble.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EN_INTERVAL_S,
  GAEN_PROFILE,
  bytesToHex,
  pureCryptoProvider,
  rollingProximityIdentifier,
  rollingProximityIdentifierKey,
  type GaenDiagnosisKey,
} from '@proxsense/core';
import { broadcastAt, runPair, type PairRun } from './pairHarness.js';
import type { StackFamily } from '../src/index.js';

const DURATION_MS = 45 * 60_000;

// The @abandonware stacks the design names, and the @stoprocent forks as the tested alternative.
describe.each(['abandonware', 'stoprocent'] as StackFamily[])(
  'GAEN over %s noble and bleno on virtual controllers',
  (family) => {
    let run: PairRun;
    beforeAll(async () => {
      run = await runPair(GAEN_PROFILE, DURATION_MS, 5, family);
    });
    afterAll(async () => {
      await run?.pair.close();
    });

    it("B's store holds A's RPIs, each for the interval A was broadcasting it", () => {
      const [tek] = run.firmwareA.ownDiagnosisKeys() as GaenDiagnosisKey[];
      expect(tek).toBeDefined();
      const rpik = rollingProximityIdentifierKey(pureCryptoProvider, tek!.keyData);
      const sightings = run.storeB.querySightings();
      expect(sightings.length).toBeGreaterThanOrEqual(8);
      for (const s of sightings) {
        const sent = broadcastAt(run.broadcastsA, s.timeMs)!;
        expect(bytesToHex(s.id)).toBe(sent.id);
        // The RPI is the one of the ENIntervalNumber in which A rotated to it (rotation jitter ≤ 2 min).
        const interval = Math.floor(sent.timeMs / (EN_INTERVAL_S * 1000));
        expect(bytesToHex(s.id)).toBe(
          bytesToHex(rollingProximityIdentifier(pureCryptoProvider, rpik, interval)),
        );
      }
      // Every broadcast period that ended before the run did (≥ one scan interval long) was seen.
      const seen = new Set(sightings.map((s) => bytesToHex(s.id)));
      const complete = run.broadcastsA.slice(0, -1);
      expect(complete.length).toBeGreaterThanOrEqual(3);
      for (const b of complete) expect(seen.has(b.id)).toBe(true);
      // B's own matcher finds every sighting under A's published key.
      const event = run.firmwareB.checkExposure([tek!]);
      expect(event.matches.length).toBe(sightings.length);
    });

    it("A's random address changes exactly at its ID rotations and never between", () => {
      const changes = run.pair.a.controller.addressChanges;
      expect(changes.map((c) => [c.timeMs, bytesToHex(c.address)])).toEqual(
        run.broadcastsA.map((b) => [b.timeMs, b.address]),
      );
      // On the air, as B's noble reported it: one address per RPI and one RPI per address.
      const addressOf = new Map<string, Set<string>>();
      const idOf = new Map<string, Set<string>>();
      for (const { advert } of run.heardB) {
        const rpi = bytesToHex(advert.payload.subarray(11, 27));
        const address = bytesToHex(advert.address!);
        (addressOf.get(rpi) ?? addressOf.set(rpi, new Set()).get(rpi)!).add(address);
        (idOf.get(address) ?? idOf.set(address, new Set()).get(address)!).add(rpi);
        expect(run.broadcastsA.some((b) => b.address === address && b.id === rpi)).toBe(true);
      }
      expect(addressOf.size).toBeGreaterThanOrEqual(3);
      for (const set of [...addressOf.values(), ...idOf.values()]) expect(set.size).toBe(1);
    });

    it('sends exact GAEN bytes non-connectable every 200–280 ms with no command refused', () => {
      expect(run.pair.a.controller.rejections).toEqual([]);
      expect(run.pair.b.controller.rejections).toEqual([]);
      const adverts = run.heardB.map((h) => h.advert);
      expect(
        adverts.every(
          (a) =>
            a.payload.length === 31 &&
            a.payload[1] === 0x01 &&
            a.payload[4] === 0x03 &&
            a.payload[8] === 0x16,
        ),
      ).toBe(true);
      // Within one scan of B (4 s), consecutive receptions are one advertising event apart: 200–270 ms + advDelay ≤ 10 ms.
      const gaps: number[] = [];
      for (let i = 1; i < run.heardB.length; i++) {
        const gap = run.heardB[i]!.timeMs - run.heardB[i - 1]!.timeMs;
        if (gap < 1_000) gaps.push(gap);
      }
      expect(gaps.length).toBeGreaterThan(50);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(280);
      expect(run.pair.a.radio.scanner.counters.restarts).toBe(0);
      expect(run.advertisingA).toMatchObject({
        pduType: 0x03,
        addressType: 0x01,
        intervalMinMs: 200,
        intervalMaxMs: 270,
      });
    });
  },
);
