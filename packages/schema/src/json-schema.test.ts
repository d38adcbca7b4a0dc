import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WORKFLOW_SCHEMA_ID, workflowJsonSchema, workflowJsonSchemaText } from './json-schema.js';

const committedPath = new URL('../workflow.schema.json', import.meta.url);

describe('workflow JSON Schema', () => {
  it('matches the committed workflow.schema.json', () => {
    const committed = readFileSync(committedPath, 'utf8');
    expect(
      committed === workflowJsonSchemaText(),
      'packages/schema/workflow.schema.json is out of date with the zod schema: run `pnpm schema:json` from the repo root and commit the result',
    ).toBe(true);
  });

  it('has an id, a title and the input shape of the document', () => {
    const schema = workflowJsonSchema();
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: WORKFLOW_SCHEMA_ID,
      title: expect.any(String),
      type: 'object',
      additionalProperties: false,
    });
    // Input form: fields with defaults (state, edges, settings, ...) are optional.
    expect(schema.required).toEqual(['id', 'name', 'nodes']);
  });

  // No JSON Schema validator is installed; zod's own JSON Schema reader checks that the
  // emitted constraints accept a valid document and reject invalid ones.
  const fromJson = z.fromJSONSchema(workflowJsonSchema());
  const valid = {
    id: 'wf',
    name: 'Sample',
    state: { topic: { type: 'string', default: '' }, notes: { type: 'list', reducer: 'append' } },
    nodes: [
      { id: 'start', type: 'start', position: { x: 0, y: 0 } },
      { id: 'llm', type: 'llm', typeVersion: 2, label: 'Write', config: { prompt: '{{state.topic}}' } },
      { id: 'end', type: 'end' },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'llm', sourceHandle: null },
      { id: 'e2', source: 'llm', sourceHandle: 'out', target: 'end' },
    ],
    settings: { recursionLimit: 50, retry: { maxAttempts: 3 } },
  };

  it('accepts a valid sample document', () => {
    expect(fromJson.safeParse(valid).success).toBe(true);
  });

  it.each([
    ['an unknown top-level field', { ...valid, extra: true }],
    ['a node without a type', { ...valid, nodes: [{ id: 'a' }] }],
    ['an unknown channel type', { ...valid, state: { x: { type: 'date' } } }],
    ['a future schemaVersion', { ...valid, schemaVersion: 2 }],
    ['a zero retry count', { ...valid, settings: { retry: { maxAttempts: 0 } } }],
  ])('rejects %s', (_name, input) => {
    expect(fromJson.safeParse(input).success).toBe(false);
  });
});
