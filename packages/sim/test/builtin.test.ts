import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, builtinScenarioPath } from '../src/scenario/builtin.js';
import { scenarioSchemaText } from '../src/scenario/jsonSchema.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { applyOverrides } from '../src/scenario/overrides.js';
import { ScenarioSchema } from '../src/scenario/schema.js';
import { evaluate } from '../src/run/evaluate.js';
import { Simulation } from '../src/run/simulation.js';

describe('built-in scenarios', () => {
  it('the shipped JSON Schema is the one the zod schema generates (run scripts/write-schema.ts after changing it)', () => {
    expect(
      readFileSync(fileURLToPath(new URL('../scenario.schema.json', import.meta.url)), 'utf8'),
    ).toBe(scenarioSchemaText());
  });

  for (const name of BUILTIN_SCENARIOS) {
    it(`${name}: loads, validates and runs a short stretch with contacts seen`, async () => {
      const full = await loadScenarioFile(builtinScenarioPath(name), ScenarioSchema);
      expect(full.name).toBe(name);
      expect(full.world.kind).toBe(name);
      const small = applyOverrides(full, {
        phones: Math.min(full.people.count, name === 'city' ? 400 : 120),
        durationS: name === 'bus' || name === 'market' ? 3600 : 1200,
        adoption: 1,
      });
      const sim = new Simulation({ scenario: small, seed: 1 }).run();
      const { results } = evaluate(sim, { thresholdSweep: false });
      expect(results.sightingsStored).toBeGreaterThan(0);
      expect(results.phones).toBe(small.people.count);
    });
  }

  it('city: laying the air out again where people are (every step, or never) changes no sighting and no truth pair', async () => {
    const full = await loadScenarioFile(builtinScenarioPath('city'), ScenarioSchema);
    const small = applyOverrides(full, { phones: 600, durationS: 1200, adoption: 1 });
    const run = (airReorderEveryMs: number) => {
      const sim = new Simulation({ scenario: small, seed: 2, airReorderEveryMs }).run();
      const rows = sim.stores.map((store) => {
        const c = store?.columns();
        return c
          ? [c.timeOffsetMs, c.idIndex, c.rssiDbm, c.trueDistanceCm].map((col) => [
              ...col.subarray(0, c.length),
            ])
          : [];
      });
      const truth = [...Array(sim.truth.length).keys()].map((i) => [
        sim.truth.pairAAt(i),
        sim.truth.pairBAt(i),
        sim.truth.closeSAt(i),
      ]);
      return { rows, truth, counters: { ...sim.air.counters } };
    };
    const never = run(Infinity);
    expect(never.counters.deliveries).toBeGreaterThan(1000);
    expect(run(1000)).toEqual(never);
  });

  it("the default office is the README's: 200 people, 30 % adoption, 8 hours, GAEN", async () => {
    const office = await loadScenarioFile(builtinScenarioPath('office'), ScenarioSchema);
    expect(office).toMatchObject({
      durationS: 28_800,
      profile: 'gaen',
      people: { count: 200, adoption: 0.3 },
    });
  });
});
