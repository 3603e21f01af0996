/**
 * The JSON Schema of scenario files, as shipped in `scenario.schema.json` for editors (completion and
 * checking of YAML and JSON scenario files).
 * @module
 */
import { scenarioJsonSchema } from './load.js';
import { ScenarioSchema } from './schema.js';

export function scenarioSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(ScenarioSchema, { id: 'https://proxsense.dev/scenario.schema.json', title: 'proxsense simulation scenario' }), null, 2)}\n`;
}
