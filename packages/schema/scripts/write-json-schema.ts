/** Writes packages/schema/workflow.schema.json from the zod schema. Run `pnpm schema:json` from the repo root. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workflowJsonSchemaText } from '../src/json-schema.js';

const target = fileURLToPath(new URL('../workflow.schema.json', import.meta.url));
writeFileSync(target, workflowJsonSchemaText());
console.log(`wrote ${target}`);
