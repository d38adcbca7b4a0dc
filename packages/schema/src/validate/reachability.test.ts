import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import { testCatalog } from './test-catalog.js';
import { edge, linear, node, withCode } from './test-docs.js';

describe('reachability', () => {
  it('reports a node the start cannot reach', () => {
    const input = linear();
    input.nodes.push(node('island', 'step', {}, { label: 'Island' }));
    input.edges?.push(edge('island', 'end'));
    const result = validateWorkflow(input, testCatalog);
    const [p, ...rest] = withCode(result, 'unreachable_node');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['nodes', 3], nodeId: 'island', severity: 'error' });
    expect(p?.message).toContain('"Island" (island)');
    expect(withCode(result, 'dead_end')).toEqual([]);
  });

  it('reports a reachable node that cannot reach an end', () => {
    const input = linear(node('r', 'router', { routes: ['side'] }));
    input.nodes.push(node('stuck', 'step'));
    input.edges = [edge('start', 'r'), edge('r', 'stuck', 'side'), edge('r', 'end', 'fallback')];
    const result = validateWorkflow(input, testCatalog);
    // `stuck` has no outgoing edge at all; nothing else is affected.
    expect(withCode(result, 'dead_end')).toEqual([expect.objectContaining({ path: ['nodes', 3], nodeId: 'stuck' })]);
    expect(withCode(result, 'unreachable_node')).toEqual([]);
  });
});
