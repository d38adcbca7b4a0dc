import { describe, expect, it } from 'vitest';
import { routerNode } from './router.js';
import { configOf, portIds, runNode } from './test-node.js';

const POISON = '($f := function($n){ $f($n + 1) }; $f(0))';

describe('router node', () => {
  it('defaults: llm mode with one route; outputs are the routes, then fallback and error', () => {
    expect(configOf(routerNode)).toMatchObject({
      mode: 'llm',
      routes: [{ id: 'a', label: 'A', description: '' }],
      threshold: 0.5,
      matchAll: false,
    });
    expect(portIds(routerNode, { routes: [{ id: 'tech' }, { id: 'billing' }] }).outputs).toEqual([
      'tech',
      'billing',
      'fallback',
      'error',
    ]);
    expect(routerNode.migrations ?? []).toEqual([]);
  });

  it('rules mode takes the first matching route and records the decision', async () => {
    const cfg = {
      mode: 'rules',
      decision: 'why',
      routes: [
        { id: 'big', when: 'state.n > 10' },
        { id: 'small', when: 'state.n <= 10' },
      ],
    };
    expect((await runNode(routerNode, cfg, { n: 3 })).result).toEqual({
      ports: ['small'],
      update: { why: { route: 'small', confidence: 1, reason: 'rule matched', taken: ['small'] } },
    });
    expect(
      (await runNode(routerNode, { ...cfg, routes: [{ id: 'big', when: 'state.n > 10' }] }, { n: 3 })).result,
    ).toMatchObject({
      ports: ['fallback'],
    });
  });

  it('llm mode follows a confident classification and falls back below the threshold', async () => {
    const cfg = { routes: [{ id: 'tech' }, { id: 'billing' }], threshold: 0.7 };
    const sure = await runNode(
      routerNode,
      cfg,
      { input: 'my card' },
      {
        id: 'r',
        script: { nodes: { r: [{ structured: { route: 'billing', confidence: 0.9 } }] } },
      },
    );
    expect(sure.result.ports).toEqual(['billing']);
    const unsure = await runNode(
      routerNode,
      cfg,
      { input: 'hm' },
      {
        id: 'r',
        script: { nodes: { r: [{ structured: { route: 'tech', confidence: 0.2 } }] } },
      },
    );
    expect(unsure.result.ports).toEqual(['fallback']);
  });

  it('a poison rule fails with expression_limit naming the node and `routes.1.when`', async () => {
    const cfg = {
      mode: 'rules',
      routes: [
        { id: 'a', when: 'false' },
        { id: 'b', when: POISON },
      ],
    };
    await expect(runNode(routerNode, cfg, {}, { id: 'triage' })).rejects.toMatchObject({
      code: 'expression_limit',
      nodeId: 'triage',
      details: { field: 'routes.1.when' },
    });
  });
});
