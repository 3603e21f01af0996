/**
 * End to end on the unmodified noble and bleno stacks over virtual controllers, Bluezone: A broadcasts
 * 15 s on / 15 s off with an ID per 15-minute slot, B scans 40 s every 5 minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLUEZONE_PROFILE, bytesToHex, decodeAdvert } from '@proxsense/core';
import { broadcastAt, runPair, type PairRun } from './pairHarness.js';
import type { StackFamily } from '../src/index.js';

const SLOT_MS = 15 * 60_000;

describe.each(['abandonware', 'stoprocent'] as StackFamily[])(
  'Bluezone over %s noble and bleno on virtual controllers',
  (family) => {
    let run: PairRun;
    beforeAll(async () => {
      run = await runPair(BLUEZONE_PROFILE, 50 * 60_000, 9, family);
    });
    afterAll(async () => {
      await run?.pair.close();
    });

    it("B's store holds A's IDs, each inside the slot A broadcast it in, all matching A's daily key", () => {
      const sightings = run.storeB.querySightings();
      expect(sightings.length).toBeGreaterThanOrEqual(6);
      for (const s of sightings) {
        const sent = broadcastAt(run.broadcastsA, s.timeMs)!;
        expect(bytesToHex(s.id)).toBe(sent.id);
        expect(Math.floor(s.timeMs / SLOT_MS)).toBe(Math.floor(sent.timeMs / SLOT_MS));
      }
      const seen = new Set(sightings.map((s) => bytesToHex(s.id)));
      const complete = run.broadcastsA.slice(0, -1);
      expect(complete.length).toBeGreaterThanOrEqual(3);
      for (const b of complete) expect(seen.has(b.id)).toBe(true);
      expect(run.firmwareB.checkExposure(run.firmwareA.ownDiagnosisKeys()).matches.length).toBe(
        sightings.length,
      );
    });

    it("A's random address changes exactly at its slot rotations (not at its on/off toggles)", () => {
      // Bluezone rotates exactly on slot boundaries.
      for (const b of run.broadcastsA.slice(1)) expect(b.timeMs % SLOT_MS).toBe(0);
      const changes = run.pair.a.controller.addressChanges;
      expect(changes.map((c) => [c.timeMs, bytesToHex(c.address)])).toEqual(
        run.broadcastsA.map((b) => [b.timeMs, b.address]),
      );
      // The 15 s toggles restarted advertising many times without touching the address.
      expect(run.pair.a.radio.advertiser.counters.sequences).toBeGreaterThan(4 * changes.length);
      for (const { advert } of run.heardB) {
        const decoded = decodeAdvert(advert.payload);
        expect(decoded.kind).toBe('bluezone');
        const id = decoded.kind === 'bluezone' ? bytesToHex(decoded.id) : '';
        expect(
          run.broadcastsA.some((b) => b.id === id && b.address === bytesToHex(advert.address!)),
        ).toBe(true);
      }
      expect(run.pair.a.controller.rejections).toEqual([]);
      expect(run.pair.b.controller.rejections).toEqual([]);
    });
  },
);
