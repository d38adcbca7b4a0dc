import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import { testCatalog } from './test-catalog.js';
import { doc, edge, node, withCode } from './test-docs.js';

describe('loops', () => {
  it('accepts a loop whose router can leave it', () => {
    const input = doc({
      nodes: [
        node('start', 'start'),
        node('draft', 'step'),
        node('check', 'router', { routes: ['revise'] }),
        node('end', 'end'),
      ],
      edges: [
        edge('start', 'draft'),
        edge('draft', 'check'),
        edge('check', 'draft', 'revise'),
        edge('check', 'end', 'fallback'),
      ],
    });
    expect(validateWorkflow(input, testCatalog)).toMatchObject({ ok: true, problems: [] });
  });

  it('accepts a router looping on itself with an exit', () => {
    const input = doc({
      nodes: [node('start', 'start'), node('r', 'router', { routes: ['again'] }), node('end', 'end')],
      edges: [edge('start', 'r'), edge('r', 'r', 'again'), edge('r', 'end', 'fallback')],
    });
    expect(validateWorkflow(input, testCatalog)).toMatchObject({ ok: true, problems: [] });
  });

  it('reports a two-node cycle without an exit', () => {
    // a -> f -> a forever; f also fans out to end every time, which is not a decision.
    const input = doc({
      nodes: [
        node('start', 'start'),
        node('a', 'step', {}, { label: 'Write' }),
        node('f', 'fanout', {}, { label: 'Again' }),
        node('end', 'end'),
      ],
      edges: [edge('start', 'a'), edge('a', 'f'), edge('f', 'a'), edge('f', 'end')],
    });
    const result = validateWorkflow(input, testCatalog);
    expect(result.ok).toBe(false);
    const [p, ...rest] = withCode(result, 'unbounded_loop');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['edges', 1], nodeId: 'a', edgeId: 'a->f' });
    expect(p?.message).toContain('"Write" (a), "Again" (f) form a loop');
  });

  it('reports a self-edge on a plain node', () => {
    const input = doc({
      nodes: [node('start', 'start'), node('f', 'fanout'), node('end', 'end')],
      edges: [edge('start', 'f'), edge('f', 'f'), edge('f', 'end')],
    });
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'unbounded_loop')).toEqual([
      expect.objectContaining({ path: ['edges', 1], nodeId: 'f', edgeId: 'f->f' }),
    ]);
  });

  it('reports a cycle whose router only branches inside the loop', () => {
    const input = doc({
      nodes: [
        node('start', 'start'),
        node('a', 'step'),
        node('r', 'router', { routes: ['x'] }),
        node('end', 'end'),
        node('b', 'fanout'),
      ],
      edges: [
        edge('start', 'a'),
        edge('a', 'r'),
        edge('r', 'a', 'x'),
        edge('r', 'b', 'fallback'),
        edge('b', 'a'),
        edge('b', 'end'),
      ],
    });
    const result = validateWorkflow(input, testCatalog);
    // The router's branches both stay in {a, r, b}; only the plain fan-out b leaves.
    expect(withCode(result, 'unbounded_loop')).toEqual([expect.objectContaining({ nodeId: 'a' })]);
  });
});
