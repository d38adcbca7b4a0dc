import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import { testCatalog } from './test-catalog.js';
import { doc, edge, linear, node, withCode } from './test-docs.js';

/** start -> r (router yes/no + fallback) -> end on every branch. */
function routed() {
  return doc({
    nodes: [
      node('start', 'start'),
      node('r', 'router', { routes: ['yes', 'no'] }, { label: 'Decide' }),
      node('end', 'end'),
    ],
    edges: [edge('start', 'r'), edge('r', 'end', 'yes'), edge('r', 'end', 'no'), edge('r', 'end', 'fallback')],
  });
}

describe('ports', () => {
  it('accepts a router with every branch connected', () => {
    expect(validateWorkflow(routed(), testCatalog)).toMatchObject({ ok: true, problems: [] });
  });

  it('reports a source handle that is not an output port', () => {
    const input = linear();
    input.edges = [edge('start', 'a'), edge('a', 'end', 'nope')];
    const result = validateWorkflow(input, testCatalog);
    const [p, ...rest] = withCode(result, 'unknown_port');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['edges', 1, 'sourceHandle'], nodeId: 'a', edgeId: 'a:nope->end' });
    expect(p?.message).toContain('"out"');
  });

  it('takes the first output port for an edge without a handle', () => {
    const input = routed();
    input.edges?.push(edge('r', 'end'));
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'unknown_port')).toEqual([]);
  });

  it('reports a target handle that is not an input port', () => {
    const input = linear();
    input.edges = [edge('start', 'a', undefined, { targetHandle: 'side' }), edge('a', 'end')];
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'unknown_port')).toEqual([
      expect.objectContaining({ path: ['edges', 0, 'targetHandle'], nodeId: 'a', edgeId: 'start->a' }),
    ]);
  });

  it('accepts a null source handle and a named input handle', () => {
    const input = linear();
    input.edges = [edge('start', 'a', undefined, { sourceHandle: null, targetHandle: 'in' }), edge('a', 'end', 'out')];
    expect(validateWorkflow(input, testCatalog)).toMatchObject({ ok: true });
  });

  it('reports an unconnected required router branch', () => {
    const input = routed();
    input.edges = input.edges?.filter((e) => e.sourceHandle !== 'no');
    const result = validateWorkflow(input, testCatalog);
    const [p, ...rest] = withCode(result, 'unconnected_port');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['nodes', 1], nodeId: 'r' });
    expect(p?.message).toContain('"no"');
  });

  it('reports several edges leaving a single port', () => {
    const input = doc({
      nodes: [node('start', 'start'), node('a', 'step'), node('b', 'step'), node('c', 'step'), node('end', 'end')],
      edges: [edge('start', 'a'), edge('a', 'b'), edge('a', 'c'), edge('b', 'end'), edge('c', 'end')],
    });
    const result = validateWorkflow(input, testCatalog);
    const [p, ...rest] = withCode(result, 'too_many_edges');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['edges', 2], nodeId: 'a', edgeId: 'a->c' });
  });

  it('allows several edges from a multiple port', () => {
    const input = doc({
      nodes: [node('start', 'start'), node('f', 'fanout'), node('b', 'step'), node('c', 'step'), node('end', 'end')],
      edges: [edge('start', 'f'), edge('f', 'b'), edge('f', 'c'), edge('b', 'end'), edge('c', 'end')],
    });
    expect(validateWorkflow(input, testCatalog)).toMatchObject({ ok: true, problems: [] });
  });
});
