import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScenarioSchema, type Scenario, type ScenarioInput } from '../src/scenario/schema.js';

export const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-sim-'));

/** A validated scenario from a partial input (defaults filled by the schema). */
export function scenario(
  input: Partial<ScenarioInput> & { world: ScenarioInput['world'] },
): Scenario {
  return ScenarioSchema.parse({ name: 'test', ...input });
}
