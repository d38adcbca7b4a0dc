import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NodeTypeDescription, resolvePorts, validateWorkflow } from '@flowcraft/schema';
import { createBuiltinRegistry } from '../builtins/index.js';
import { defineNodeType } from './define-node-type.js';
import { NodeTypeRegistry } from './registry.js';

/** A custom type at version 2: v1 had `text`, v2 renamed it to `message` and added `times`. */
const echo = defineNodeType({
  type: 'acme/echo',
  version: 2,
  meta: { title: 'Echo', category: 'custom', description: 'Repeats a message' },
  control: 'all',
  config: z.object({
    message: z.string(),
    times: z.number().int().min(1).default(1),
    output: z.string().default('out'),
  }),
  ports: { inputs: [{ id: 'in' }], outputs: [{ id: 'out' }] },
  migrations: [{ to: 2, up: (old) => ({ message: old.text, output: old.output }) }],
  channels: (c) => ({ reads: [], writes: [c.output] }),
  build: ({ config }) => ({ run: async () => ({ update: { [config.output]: config.message.repeat(config.times) } }) }),
});

describe('NodeTypeRegistry', () => {
  it('refuses a duplicate type id', () => {
    const r = createBuiltinRegistry();
    expect(() => r.register(echo)).not.toThrow();
    expect(() => r.register(echo)).toThrow(/already registered/);
  });

  it('serves every description as JSON that round-trips and matches the description schema', () => {
    const r = createBuiltinRegistry().register(echo, { custom: true });
    const all = r.describeAll();
    expect(all.map((d) => d.type)).toEqual(
      expect.arrayContaining([
        'start',
        'end',
        'llm',
        'agent',
        'router',
        'parallel',
        'reflection',
        'tool',
        'human',
        'transform',
        'acme/echo',
      ]),
    );
    const json = JSON.parse(JSON.stringify(all));
    expect(json).toEqual(all);
    for (const d of json) expect(NodeTypeDescription.safeParse(d).success).toBe(true);
    const router = json.find((d: { type: string }) => d.type === 'router');
    expect(router.configSchema.properties.routes.type).toBe('array');
    expect(json.find((d: { type: string }) => d.type === 'acme/echo').custom).toBe(true);
  });

  it('computes ports from config as data (router routes, parallel mode, human kind)', () => {
    const r = createBuiltinRegistry();
    const router = r.describe('router');
    expect(router).toBeDefined();
    if (!router) return;
    const ports = resolvePorts(router.ports, { routes: [{ id: 'billing', label: 'Billing' }, { id: 'tech' }] });
    expect(ports.outputs.map((p) => p.id)).toEqual(['billing', 'tech', 'fallback', 'error']);
    expect(ports.outputs[0]).toMatchObject({ label: 'Billing', required: true });
    const par = r.describe('parallel');
    if (!par) return;
    expect(resolvePorts(par.ports, { mode: 'map' }).outputs.map((p) => p.id)).toEqual(['each']);
    expect(resolvePorts(par.ports, { mode: 'branches' }).outputs.map((p) => p.id)).toEqual(['out']);
    const human = r.describe('human');
    if (!human) return;
    expect(
      resolvePorts(human.ports, { kind: 'choice', options: [{ id: 'a' }, { id: 'b' }] }).outputs.map((p) => p.id),
    ).toEqual(['a', 'b']);
    expect(resolvePorts(human.ports, { kind: 'approval' }).outputs.map((p) => p.id)).toEqual(['approved', 'rejected']);
  });

  it('applies migrations when a document is loaded and reports unknown config fields', () => {
    const r = new NodeTypeRegistry().register(echo);
    const entry = r.get('acme/echo');
    expect(entry?.checkConfig({ text: 'hi', output: 'x' }, 1)).toEqual({
      ok: true,
      config: { message: 'hi', times: 1, output: 'x' },
    });
    const bad = entry?.checkConfig({ message: 'hi', colour: 'red' }, 2);
    expect(bad).toMatchObject({ ok: false, issues: [{ message: expect.stringContaining('colour') }] });
    const full = createBuiltinRegistry().register(echo);
    const res = validateWorkflow(
      {
        id: 'w',
        name: 'w',
        state: { out: { type: 'string' } },
        nodes: [
          { id: 'start', type: 'start', config: {} },
          { id: 'e', type: 'acme/echo', typeVersion: 1, config: { text: 'yo', output: 'out' } },
          { id: 'end', type: 'end', config: {} },
        ],
        edges: [
          { id: 'a', source: 'start', target: 'e' },
          { id: 'b', source: 'e', target: 'end' },
        ],
      },
      full,
    );
    expect(res.ok).toBe(true);
    expect(res.document?.nodes[1]).toMatchObject({
      typeVersion: 2,
      config: { message: 'yo', times: 1, output: 'out' },
    });
  });

  it('refuses definitions with a bad id or a missing migration', () => {
    expect(() => defineNodeType({ ...echo, type: 'Bad Name' })).toThrow(/kebab-case/);
    expect(() => defineNodeType({ ...echo, version: 3 })).toThrow(/missing migration to version 3/);
  });

  it('rejects unknown fields in built-in configs', () => {
    const entry = createBuiltinRegistry().get('llm');
    expect(entry?.checkConfig({ prompt: 'x', temprature: 2 }, 1)).toMatchObject({
      ok: false,
      issues: [{ message: expect.stringContaining('temprature') }],
    });
  });

  it('reports template and expression syntax errors at their config path', () => {
    const r = createBuiltinRegistry();
    expect(r.get('llm')?.checkConfig({ prompt: 'Hi {{ state.( }}' }, 1)).toMatchObject({
      ok: false,
      issues: [{ path: ['prompt'], message: expect.stringContaining('invalid template') }],
    });
    expect(
      r.get('router')?.checkConfig(
        {
          mode: 'rules',
          routes: [
            { id: 'a', when: 'state.x >' },
            { id: 'a', when: 'true' },
          ],
        },
        1,
      ),
    ).toMatchObject({
      ok: false,
      issues: [{ path: ['routes', 0, 'when'] }, { path: ['routes', 1, 'id'] }],
    });
    expect(
      r.get('transform')?.checkConfig({ assignments: [{ channel: 'x', mode: 'expression', value: '1 +' }] }, 1),
    ).toMatchObject({ ok: false, issues: [{ path: ['assignments', 0, 'value'] }] });
  });
});
