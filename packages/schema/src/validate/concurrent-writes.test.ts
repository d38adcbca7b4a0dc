import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import type { WorkflowDocumentInput } from '../workflow.js';
import { testCatalog } from './test-catalog.js';
import { doc, edge, node, withCode } from './test-docs.js';

const state: WorkflowDocumentInput['state'] = {
  x: { type: 'string' },
  y: { type: 'string' },
  notes: { type: 'list', reducer: 'append' },
  items: { type: 'list' },
};

/** start -> f (fan-out) -> b, c -> j -> end, with the given writes on b and c. */
function diamond(bWrites: string[], cWrites: string[], jWrites: string[] = []): WorkflowDocumentInput {
  return doc({
    state,
    nodes: [
      node('start', 'start'),
      node('f', 'fanout', {}, { label: 'Fan' }),
      node('b', 'step', { writes: bWrites }, { label: 'B' }),
      node('c', 'step', { writes: cWrites }, { label: 'C' }),
      node('j', 'step', { writes: jWrites }),
      node('end', 'end'),
    ],
    edges: [edge('start', 'f'), edge('f', 'b'), edge('f', 'c'), edge('b', 'j'), edge('c', 'j'), edge('j', 'end')],
  });
}

describe('concurrent writes', () => {
  it('does not treat an error branch as running beside the normal output', () => {
    const input = doc({
      state,
      nodes: [
        node('start', 'start'),
        node('g', 'guarded'),
        node('ok', 'step', { writes: ['x'] }),
        node('fail', 'step', { writes: ['x'] }),
        node('end', 'end'),
      ],
      edges: [edge('start', 'g'), edge('g', 'ok'), edge('g', 'fail', 'error'), edge('ok', 'end'), edge('fail', 'end')],
    });
    expect(withCode(validateWorkflow(input, testCatalog), 'concurrent_write')).toEqual([]);
  });

  it('reports two parallel branches writing one replace channel', () => {
    const result = validateWorkflow(diamond(['x'], ['x', 'y']), testCatalog);
    const [p, ...rest] = withCode(result, 'concurrent_write');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['nodes', 1], nodeId: 'c', severity: 'error' });
    expect(p?.message).toContain('"Fan" (f)');
    expect(p?.message).toContain('"x"');
    expect(p?.message).toContain('"B" (b)');
    expect(p?.message).toContain('"C" (c)');
  });

  it('accepts parallel writes to a channel with a combining reducer, and the join writing alone', () => {
    expect(validateWorkflow(diamond(['notes', 'x'], ['notes', 'y'], ['x']), testCatalog)).toMatchObject({
      ok: true,
      problems: [],
    });
  });

  it('looks past the first node of a branch, but not past the join', () => {
    const input = diamond([], ['x'], ['x']);
    input.nodes.push(node('b2', 'step', { writes: ['x'] }, { label: 'B2' }));
    input.edges = input.edges?.filter((e) => e.id !== 'b->j');
    input.edges?.push(edge('b', 'b2'), edge('b2', 'j'));
    const result = validateWorkflow(input, testCatalog);
    const [p, ...rest] = withCode(result, 'concurrent_write');
    expect(rest).toHaveLength(0);
    expect(p?.message).toContain('"B2" (b2) (in the branch starting at "B" (b))');
    expect(p?.message).not.toContain('(j)');
  });

  it('does not treat router branches as parallel', () => {
    const input = doc({
      state,
      nodes: [
        node('start', 'start'),
        node('r', 'router', { routes: ['left', 'right'] }),
        node('b', 'step', { writes: ['x'] }),
        node('c', 'step', { writes: ['x'] }),
        node('end', 'end'),
      ],
      edges: [
        edge('start', 'r'),
        edge('r', 'b', 'left'),
        edge('r', 'c', 'right'),
        edge('r', 'end', 'fallback'),
        edge('b', 'end'),
        edge('c', 'end'),
      ],
    });
    expect(validateWorkflow(input, testCatalog)).toMatchObject({ ok: true, problems: [] });
  });

  it('reports a map target writing a replace channel', () => {
    const input = doc({
      state,
      nodes: [
        node('start', 'start'),
        node('m', 'map', { over: 'items' }, { label: 'Each item' }),
        node('w', 'step', { writes: ['x', 'notes'] }, { label: 'Worker' }),
        node('end', 'end'),
      ],
      edges: [edge('start', 'm'), edge('m', 'w'), edge('w', 'end')],
    });
    const result = validateWorkflow(input, testCatalog);
    const [p, ...rest] = withCode(result, 'concurrent_write');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['nodes', 1], nodeId: 'w' });
    expect(p?.message).toContain('"Worker" (w) runs once per item of map node "Each item" (m)');
  });

  it('reports a start node fanning out to writers', () => {
    const input = doc({
      state,
      nodes: [
        node('start', 'start'),
        node('b', 'step', { writes: ['y'] }),
        node('c', 'step', { writes: ['y'] }),
        node('end', 'end'),
      ],
      edges: [edge('start', 'b'), edge('start', 'c'), edge('b', 'end'), edge('c', 'end')],
    });
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'concurrent_write')).toEqual([
      expect.objectContaining({ path: ['nodes', 0], nodeId: 'c' }),
    ]);
  });

  it('still reports a branch start that another branch also reaches', () => {
    // f -> b, f -> c, b -> c: b and c run together in the first superstep.
    const input = diamond(['x'], ['x']);
    input.edges?.push(edge('b', 'c'));
    input.nodes[2] = node('b', 'fanout', { writes: ['x'] });
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'concurrent_write')).toHaveLength(1);
  });
});
