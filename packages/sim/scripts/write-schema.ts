/**
 * Writes packages/sim/scenario.schema.json from the zod schema (run after changing the schema:
 * `npx tsx packages/sim/scripts/write-schema.ts`); a test checks the shipped file is current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioSchemaText } from '../src/scenario/jsonSchema.js';

writeFileSync(
  fileURLToPath(new URL('../scenario.schema.json', import.meta.url)),
  scenarioSchemaText(),
);
