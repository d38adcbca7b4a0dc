import { describe, expect, it } from 'vitest';
import { WorkflowDocument, validateWorkflow } from '@flowcraft/schema';
import type { NodeTypeDescription } from '@flowcraft/schema';
import { DescriptionCatalog } from './node-catalog.js';
import { connectionProblem } from './connection-rules.js';
import { checkValue, withDefaults } from './json-schema.js';

const desc = (d: Partial<NodeTypeDescription> & Pick<NodeTypeDescription, 'type'>): NodeTypeDescription => ({
  version: 1,
  title: d.type,
  category: 'ai',
  description: '',
  control: 'all',
  configSchema: { type: 'object', properties: {} },
  defaults: {},
  ui: {},
  ports: { inputs: [{ id: 'in', multiple: true }], outputs: [{ id: 'out', multiple: true }] },
  custom: false,
  ...d,
});

const catalog = new DescriptionCatalog([
  desc({
    type: 'start',
    role: 'start',
    category: 'io',
    ports: { inputs: [], outputs: [{ id: 'out', multiple: true }] },
  }),
  desc({ type: 'end', role: 'end', category: 'io', ports: { inputs: [{ id: 'in', multiple: true }], outputs: [] } }),
  desc({
    type: 'router',
    control: 'choice',
    configSchema: {
      type: 'object',
      properties: {
        routes: {
          type: 'array',
          default: [{ id: 'a' }],
          items: { type: 'object', properties: { id: { type: 'string', minLength: 1 } }, required: ['id'] },
        },
      },
    },
    ports: {
      inputs: [{ id: 'in' }],
      outputs: [{ id: 'fallback', required: true, multiple: true }],
      outputsFrom: { field: 'routes', idKey: 'id', placement: 'before' },
    },
  }),
  desc({
    type: 'ask',
    configSchema: { type: 'object', properties: { model: { type: 'string', default: '' } } },
    ui: { model: { widget: 'model' } },
  }),
  desc({
    type: 'single',
    ports: {
      inputs: [{ id: 'in', dataType: 'number' }],
      outputs: [{ id: 'out', multiple: false, dataType: 'string' }],
    },
  }),
]);

const doc = WorkflowDocument.parse({
  id: 'w',
  name: 'w',
  nodes: [
    { id: 's', type: 'start' },
    { id: 'r', type: 'router', config: { routes: [{ id: 'yes' }] } },
    { id: 'x', type: 'single' },
    { id: 'y', type: 'single' },
    { id: 'e', type: 'end' },
  ],
  edges: [
    { id: 'e1', source: 's', target: 'r' },
    { id: 'e2', source: 'r', sourceHandle: 'yes', target: 'e' },
    { id: 'e3', source: 'x', target: 'e' },
  ],
});

describe('catalog from node-type descriptions', () => {
  it('resolves ports from config (router outputs from its routes, defaults applied)', () => {
    expect(catalog.ports('router', { routes: [{ id: 'yes' }, { id: 'no' }] }).outputs.map((p) => p.id)).toEqual([
      'yes',
      'no',
      'fallback',
    ]);
    expect(catalog.ports('router', {}).outputs.map((p) => p.id)).toEqual(['a', 'fallback']);
  });

  it('lets the shared validator find problems on the right nodes as the user edits', () => {
    const result = validateWorkflow(doc, catalog);
    const byCode = result.problems.map((p) => `${p.code}:${p.nodeId ?? ''}`);
    expect(byCode).toContain('unconnected_port:r'); // fallback not connected
    expect(byCode).toContain('unreachable_node:x');
    const bad = validateWorkflow(
      {
        ...doc,
        nodes: doc.nodes.map((n) => (n.id === 'r' ? { ...n, config: { routes: [{ id: '' }], extra: 1 } } : n)),
      },
      catalog,
    );
    const config = bad.problems.filter((p) => p.code === 'invalid_config');
    expect(config.map((p) => p.path.join('.'))).toEqual(
      expect.arrayContaining(['nodes.1.config.routes.0.id', 'nodes.1.config.extra']),
    );
  });
});

describe('connection rules (checked while dragging)', () => {
  const c = (source: string, sourceHandle: string | null, target: string) =>
    connectionProblem(doc, catalog, { source, sourceHandle, target, targetHandle: null });
  it('accepts a free port into an input', () => {
    expect(c('r', 'fallback', 'x')).toBeUndefined();
  });
  it('refuses self loops, edges into start, unknown ports, taken single ports, duplicates and type mismatches', () => {
    expect(c('x', null, 'x')).toMatch(/itself/);
    expect(c('r', 'fallback', 's')).toMatch(/start/);
    expect(c('r', 'nope', 'x')).toMatch(/no output/);
    expect(c('x', null, 'y')).toMatch(/only one edge|types differ/i);
    expect(c('r', 'yes', 'e')).toMatch(/already connected/);
    expect(c('y', 'out', 'x')).toMatch(/types differ/i);
  });
});

describe('JSON Schema subset', () => {
  it('fills defaults and reports issues with paths', () => {
    const schema = {
      type: 'object',
      properties: { n: { type: 'integer', minimum: 1, default: 2 }, s: { type: 'string', pattern: '^a' } },
      required: ['s'],
      additionalProperties: false,
    };
    expect(withDefaults(schema, {})).toEqual({ n: 2 });
    expect(checkValue(schema, { n: 0, s: 'b', z: 1 }).map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'n: must be at least 1',
      's: must match ^a',
      'z: unknown field "z"',
    ]);
    expect(checkValue(schema, { n: 1 })).toEqual([{ path: ['s'], message: 'is required' }]);
  });
});

describe('model specs in the editor', () => {
  it('the shared validator checks model fields the descriptions mark with the model widget', () => {
    const d = WorkflowDocument.parse({
      id: 'm',
      name: 'm',
      nodes: [
        { id: 's', type: 'start' },
        { id: 'a', type: 'ask', config: { model: 'nonsense' } },
        { id: 'e', type: 'end' },
      ],
      edges: [
        { id: 'e1', source: 's', target: 'a' },
        { id: 'e2', source: 'a', target: 'e' },
      ],
    });
    const problems = validateWorkflow(d, catalog).problems.filter((p) => p.code === 'invalid_model');
    expect(problems).toEqual([
      expect.objectContaining({ nodeId: 'a', path: ['nodes', 1, 'config', 'model'], severity: 'error' }),
    ]);
  });
});
