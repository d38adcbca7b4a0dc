import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import { testCatalog } from './test-catalog.js';
import { doc, edge, linear, node, withCode } from './test-docs.js';

describe('duplicate ids', () => {
  it('reports a repeated node id at the repeat', () => {
    const input = linear();
    input.nodes.push(node('a', 'step', {}, { label: 'Again' }));
    const result = validateWorkflow(input, testCatalog);
    expect(result.ok).toBe(false);
    const [p, ...rest] = withCode(result, 'duplicate_node_id');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['nodes', 3, 'id'], nodeId: 'a', severity: 'error' });
    expect(p?.message).toContain('"Again" (a)');
  });

  it('reports a repeated edge id', () => {
    const input = linear();
    input.edges?.push(edge('start', 'a', undefined, { id: 'a->end' }));
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'duplicate_edge_id')).toEqual([
      expect.objectContaining({ path: ['edges', 2, 'id'], edgeId: 'a->end' }),
    ]);
  });
});

describe('reserved names', () => {
  it.each(['__start__', '__end__', '__private', 'a|b', 'a:b'])('rejects node id %s', (id) => {
    const input = doc({
      nodes: [node('start', 'start'), node(id, 'step'), node('end', 'end')],
      edges: [edge('start', id), edge(id, 'end')],
    });
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'reserved_name')).toEqual([
      expect.objectContaining({ path: ['nodes', 1, 'id'], nodeId: id }),
    ]);
  });

  it('rejects a reserved channel name', () => {
    const input = linear();
    input.state = { __secret: { type: 'string' }, ok: { type: 'string' } };
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'reserved_name')).toEqual([expect.objectContaining({ path: ['state', '__secret'] })]);
  });

  it('rejects a node id equal to a channel name', () => {
    const input = linear(node('answer', 'step'));
    input.state = { answer: { type: 'string' } };
    const result = validateWorkflow(input, testCatalog);
    const [p] = withCode(result, 'reserved_name');
    expect(p).toMatchObject({ path: ['nodes', 1, 'id'], nodeId: 'answer' });
    expect(p?.message).toContain('same id as a state channel');
  });

  it('accepts ordinary names', () => {
    const input = linear(node('draft_1', 'step', { writes: ['draft-text'] }));
    input.state = { 'draft-text': { type: 'string' } };
    expect(validateWorkflow(input, testCatalog)).toMatchObject({ ok: true, problems: [] });
  });
});
