/**
 * The built-in scenarios: documented YAML files shipped in the package's `scenarios/` folder.
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILTIN_SCENARIOS = ['office', 'bus', 'market', 'rwp', 'city'] as const;
export type BuiltinScenario = (typeof BUILTIN_SCENARIOS)[number];
export const DEFAULT_SCENARIO: BuiltinScenario = 'office';

/** The package's scenarios folder, found from this module (src/ in tests, dist/ when built). */
export function scenariosDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'scenarios');
    if (existsSync(join(candidate, `${DEFAULT_SCENARIO}.yaml`))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('internal: the built-in scenarios folder is missing from @proxsense/sim');
}

export function isBuiltinScenario(name: string): name is BuiltinScenario {
  return (BUILTIN_SCENARIOS as readonly string[]).includes(name);
}

export function builtinScenarioPath(name: BuiltinScenario): string {
  return join(scenariosDir(), `${name}.yaml`);
}
