/**
 * Command-line overrides of a scenario (`--phones`, `--duration`, `--adoption`, `--profile`, `--area`),
 * validated by the same schema as the file so a bad value gets the same kind of message.
 * @module
 */
import { InputError } from '@proxsense/core';
import { ScenarioSchema, type Scenario } from './schema.js';

export interface ScenarioOverrides {
  phones?: number;
  durationS?: number;
  adoption?: number;
  profile?: Scenario['profile'];
  /** rwp: the area, metres. */
  areaM?: [number, number];
}

export function applyOverrides(scenario: Scenario, o: ScenarioOverrides): Scenario {
  const next = structuredClone<Scenario>(scenario);
  if (o.phones !== undefined) next.people.count = o.phones;
  if (o.durationS !== undefined) next.durationS = o.durationS;
  if (o.adoption !== undefined) next.people.adoption = o.adoption;
  if (o.profile !== undefined) next.profile = o.profile;
  if (o.areaM !== undefined) {
    if (next.world.kind !== 'rwp')
      throw new InputError(
        '--area',
        `a scenario of kind rwp (this one is ${next.world.kind})`,
        `${o.areaM[0]}x${o.areaM[1]}`,
      );
    next.world.widthM = o.areaM[0];
    next.world.heightM = o.areaM[1];
  }
  const parsed = ScenarioSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(
      issue.path.join('.'),
      issue.message.replace(/^Invalid input: /, ''),
      'the value given on the command line',
    );
  }
  return parsed.data;
}
