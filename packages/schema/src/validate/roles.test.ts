import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import { testCatalog } from './test-catalog.js';
import { doc, edge, linear, node, withCode } from './test-docs.js';

describe('start and end roles', () => {
  it('reports a missing start', () => {
    const input = doc({ nodes: [node('a', 'step'), node('end', 'end')], edges: [edge('a', 'end')] });
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'missing_start')).toEqual([expect.objectContaining({ path: ['nodes'] })]);
  });

  it('reports a second start at that node', () => {
    const input = linear();
    input.nodes.push(node('start2', 'start', {}, { label: 'Other start' }));
    input.edges?.push(edge('start2', 'a'));
    const result = validateWorkflow(input, testCatalog);
    const [p, ...rest] = withCode(result, 'multiple_starts');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['nodes', 3], nodeId: 'start2' });
    expect(p?.message).toContain('"Other start" (start2)');
  });

  it('reports a missing end', () => {
    const input = doc({ nodes: [node('start', 'start'), node('a', 'step')], edges: [edge('start', 'a')] });
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'missing_end')).toEqual([expect.objectContaining({ path: ['nodes'] })]);
  });

  it('reports an edge into the start node', () => {
    const input = linear(node('r', 'router', { routes: ['again'] }));
    input.edges = [edge('start', 'r'), edge('r', 'start', 'again'), edge('r', 'end', 'fallback')];
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'start_has_incoming')).toEqual([
      expect.objectContaining({ path: ['edges', 1, 'target'], nodeId: 'start', edgeId: 'r:again->start' }),
    ]);
  });

  it('reports an edge out of an end node', () => {
    const input = linear();
    input.nodes.push(node('end2', 'end'));
    input.edges?.push(edge('end', 'end2'));
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'end_has_outgoing')).toEqual([
      expect.objectContaining({ path: ['edges', 2, 'source'], nodeId: 'end', edgeId: 'end->end2' }),
    ]);
    expect(withCode(result, 'unknown_port')).toEqual([]);
  });
});
