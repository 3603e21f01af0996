import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/run/evaluate.js';
import { Simulation } from '../src/run/simulation.js';
import { writeRunFiles } from '../src/output/files.js';
import { scenario, tmp } from './helpers.js';

const office = (over: Record<string, unknown> = {}) =>
  scenario({
    durationS: 3600,
    people: { count: 40, adoption: 0.5 },
    world: { kind: 'office', meetingRooms: 2 },
    ...over,
  });

describe('simulation run', () => {
  it('runs the core firmware in every app phone: scans, rotations and stored sightings add up, no unknown IDs', () => {
    const sim = new Simulation({ scenario: office(), seed: 3 }).run();
    let apps = 0;
    for (let p = 0; p < sim.people; p++) {
      const fw = sim.firmware[p];
      expect(Boolean(fw)).toBe(sim.population.app[p] === 1);
      if (!fw) continue;
      apps++;
      // GAEN: a scan every 3.5–5 min and a new RPI every 10 min (plus the first) over one hour.
      expect(fw.counters.scans).toBeGreaterThanOrEqual(11);
      expect(fw.counters.scans).toBeLessThanOrEqual(18);
      expect(fw.counters.rotations).toBeGreaterThanOrEqual(6);
      expect(fw.counters.rotations).toBeLessThanOrEqual(8);
      expect(sim.stores[p]!.length).toBe(fw.counters.sightingsStored);
    }
    expect(sim.storesShared.unknownIds).toBe(0);
    expect(sim.storesShared.truthMissing).toBe(0);
    expect(apps).toBeGreaterThan(10);
    expect(sim.air.counters.advertsDelivered).toBeGreaterThan(0);
    // Every stored sighting names a phone that was broadcasting, and its true distance is within range.
    for (const store of sim.stores) {
      if (!store) continue;
      for (let i = 0; i < store.length; i++)
        expect(store.trueDistanceM(i)).toBeLessThanOrEqual(sim.scenario.channel.maxRangeM + 0.01);
    }
  });

  it('writes byte-identical files for the same seed, and different ones for another seed', async () => {
    const write = async (seed: number) => {
      const sim = new Simulation({ scenario: office(), seed }).run();
      const dir = tmp();
      const files = await writeRunFiles(sim, evaluate(sim), dir, { sightings: true });
      return Object.fromEntries(
        ['results.json', 'contacts.csv', 'sightings.jsonl', 'report.html', 'diagnosis-keys.zip']
          .map((f) => [f, readFileSync(join(dir, f))] as const)
          .concat([['files', Buffer.from(JSON.stringify(Object.keys(files)))]]),
      );
    };
    const a = await write(11);
    const b = await write(11);
    for (const name of Object.keys(a)) expect(a[name]!.equals(b[name]!), name).toBe(true);
    const c = await write(12);
    expect(a['sightings.jsonl']!.equals(c['sightings.jsonl']!)).toBe(false);
  });

  it("changing adoption keeps everyone's movements (independent streams per purpose)", () => {
    const a = new Simulation({
      scenario: office({ people: { count: 40, adoption: 0.2 } }),
      seed: 5,
    }).run();
    const b = new Simulation({
      scenario: office({ people: { count: 40, adoption: 0.8 } }),
      seed: 5,
    }).run();
    expect(Array.from(a.movers.xM)).toEqual(Array.from(b.movers.xM));
    expect(Array.from(a.population.carry)).toEqual(Array.from(b.population.carry));
  });

  it('counts truth by the rule: coverage = recall × (app pairs / all pairs), and precision/recall are ratios of the verdict counts', () => {
    const sim = new Simulation({ scenario: office(), seed: 8 }).run();
    const { results } = evaluate(sim, { thresholdSweep: false });
    expect(results.trueContacts).toBeGreaterThan(0);
    expect(results.appPairsTrueContacts).toBeLessThanOrEqual(results.trueContacts);
    expect(results.truePositives).toBeLessThanOrEqual(results.detectedContacts);
    expect(results.precision).toBeCloseTo(results.truePositives / results.detectedContacts, 12);
    expect(results.recall).toBeCloseTo(
      results.truePositives / (2 * results.appPairsTrueContacts),
      12,
    );
    expect(results.coverage).toBeCloseTo(
      (results.recall * results.appPairsTrueContacts) / results.trueContacts,
      12,
    );
    expect(results.tracing.notifiedTrueF1).toBeLessThanOrEqual(results.tracing.notifiedF1);
    expect(results.tracing.trueF1WithApp).toBeLessThanOrEqual(results.tracing.trueF1);
  });
});

describe('coverage follows adoption²', () => {
  // With random adoption, a true close contact has both phones running the app with probability a², so
  // the share of true contacts in which both carry the app — coverage ÷ recall — tracks a². Pairs share
  // people, so the spread is wider than binomial: the bound is 5 binomial σ with a design effect of 4.
  for (const adoption of [0.3, 0.7]) {
    it(`adoption ${adoption}`, () => {
      const sim = new Simulation({
        scenario: scenario({
          durationS: 3600,
          people: { count: 300, adoption },
          world: { kind: 'office', meetingRooms: 4 },
        }),
        seed: 21,
      }).run();
      const { results } = evaluate(sim, { thresholdSweep: false });
      const share = results.appPairsTrueContacts / results.trueContacts;
      const a2 = results.measuredAdoption ** 2;
      const sigma = Math.sqrt((4 * a2 * (1 - a2)) / results.trueContacts);
      expect(results.trueContacts).toBeGreaterThan(100);
      expect(Math.abs(share - a2)).toBeLessThan(5 * sigma);
      expect(Math.abs(share - adoption ** 2)).toBeLessThan(5 * sigma + 0.1);
    });
  }
});
