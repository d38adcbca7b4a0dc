import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import { testCatalog } from './test-catalog.js';
import { edge, linear, node, withCode } from './test-docs.js';

describe('dangling edges', () => {
  it('reports a source that is not a node', () => {
    const input = linear();
    input.edges?.push(edge('ghost', 'a'));
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'dangling_edge')).toEqual([
      expect.objectContaining({ path: ['edges', 2, 'source'], edgeId: 'ghost->a' }),
    ]);
  });

  it('reports a target that is not a node, naming the source', () => {
    const input = linear();
    input.edges?.push(edge('a', 'ghost'));
    const result = validateWorkflow(input, testCatalog);
    const [p] = withCode(result, 'dangling_edge');
    expect(p).toMatchObject({ path: ['edges', 2, 'target'], edgeId: 'a->ghost' });
    expect(p?.message).toContain('"a"');
    expect(p?.message).toContain('"ghost"');
  });

  it('counts a dangling edge as connecting its source port', () => {
    const input = linear(node('r', 'router', { routes: ['yes'] }));
    input.edges = [edge('start', 'r'), edge('r', 'ghost', 'yes'), edge('r', 'end', 'fallback')];
    const result = validateWorkflow(input, testCatalog);
    expect(result.problems.map((p) => p.code)).toEqual(['dangling_edge']);
  });
});
