import { describe, expect, it } from 'vitest';
import { validateWorkflow } from './validate.js';
import { testCatalog } from './validate/test-catalog.js';
import { doc, edge, linear, node, withCode, type EdgeInput, type NodeInput } from './validate/test-docs.js';
import { ProblemCode } from './problem.js';

describe('validateWorkflow', () => {
  it('accepts a small valid workflow and returns the parsed document', () => {
    const input = linear(node('a', 'step', { writes: ['answer'] }, { label: 'Answer' }));
    input.state = { answer: { type: 'string' } };
    const result = validateWorkflow(input, testCatalog);
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(result.document?.nodes.map((n) => n.id)).toEqual(['start', 'a', 'end']);
    expect(result.document?.state['answer']).toEqual({ type: 'string', reducer: 'replace' });
  });

  it('returns every problem at once', () => {
    const input = doc({
      state: { x: { type: 'string' }, total: { type: 'string', reducer: 'sum' } },
      nodes: [
        node('start', 'start'),
        node('start2', 'start'),
        node('f', 'fanout'),
        node('b', 'step', { writes: ['x'] }),
        node('c', 'step', { writes: ['x', 'nowhere'] }),
        node('b', 'step'),
        node('x', 'step'),
        node('odd', 'mystery'),
        node('r', 'router', { routes: ['left'] }),
        node('loop1', 'step'),
        node('loop2', 'step'),
        node('end', 'end'),
      ],
      edges: [
        edge('start', 'f'),
        edge('f', 'b'),
        edge('f', 'c'),
        edge('b', 'end'),
        edge('c', 'ghost'),
        edge('c', 'r', 'wrong'),
        edge('r', 'end', 'fallback'),
        edge('start2', 'loop1'),
        edge('loop1', 'loop2'),
        edge('loop2', 'loop1'),
      ],
    });
    const result = validateWorkflow(input, testCatalog);
    expect(result.ok).toBe(false);
    const found = new Set(result.problems.map((p) => p.code));
    expect([...found].sort()).toEqual(
      [
        'concurrent_write',
        'dangling_edge',
        'dead_end',
        'duplicate_node_id',
        'invalid_reducer',
        'multiple_starts',
        'reserved_name',
        'unbounded_loop',
        'unconnected_port',
        'unknown_channel',
        'unknown_node_type',
        'unknown_port',
        'unreachable_node',
      ].sort(),
    );
    for (const p of result.problems) {
      expect(ProblemCode.options).toContain(p.code);
      expect(p.message.length).toBeGreaterThan(10);
    }
  });

  const garbage: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'workflow'],
    ['an array', [1, 2, 3]],
    ['an empty object', {}],
    ['nodes as an object', { id: 'w', name: 'n', nodes: { a: 1 }, edges: 'no' }],
    [
      'nodes of junk',
      {
        id: 'w',
        name: 'n',
        nodes: [null, 1, 'a', [], { id: 5 }, { id: 'x', type: 'step', config: [] }],
        edges: [null, { id: 'e' }],
      },
    ],
    ['state of junk', { id: 'w', name: 'n', nodes: [], state: [1], settings: { retry: 'x' } }],
    ['a deep config', { id: 'w', name: 'n', nodes: [{ id: 'a', type: 'step', config: deep(10_000) }] }],
    ['a cyclic config', { id: 'w', name: 'n', nodes: [{ id: 'a', type: 'step', config: cyclic() }] }],
    ['a throwing getter', throwingGetter()],
    [
      'a hostile proxy',
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('boom');
          },
          ownKeys: () => {
            throw new Error('boom');
          },
        },
      ),
    ],
  ];

  it.each(garbage)('never throws on %s', (_name, input) => {
    const result = validateWorkflow(input, testCatalog);
    expect(result.ok).toBe(false);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems.every((p) => ProblemCode.options.includes(p.code))).toBe(true);
  });

  it('points at the whole document when it is not an object', () => {
    expect(validateWorkflow(null, testCatalog).problems).toEqual([
      expect.objectContaining({ code: 'schema', path: [] }),
    ]);
  });

  it('validates a 5,000-node chain', () => {
    const n = 5_000;
    const nodes: NodeInput[] = [node('start', 'start')];
    const edges: EdgeInput[] = [];
    let previous = 'start';
    for (let i = 0; i < n; i++) {
      const id = `n${i}`;
      nodes.push(node(id, 'step', { writes: ['x'] }));
      edges.push(edge(previous, id));
      previous = id;
    }
    nodes.push(node('end', 'end'));
    edges.push(edge(previous, 'end'));
    const input = doc({ nodes, edges, state: { x: { type: 'string' } } });

    expect(validateWorkflow(input, testCatalog)).toMatchObject({ ok: true, problems: [] });

    // Close the chain into a loop: one unbounded_loop, one unreachable end is not implied.
    edges.push(edge(previous, 'n0', undefined, { id: 'back' }));
    const looped = validateWorkflow(input, testCatalog);
    expect(withCode(looped, 'unbounded_loop')).toEqual([expect.objectContaining({ nodeId: 'n0' })]);
  });
});

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) value = { nested: value };
  return value;
}

function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { writes: [] };
  value['self'] = value;
  return value;
}

function throwingGetter(): Record<string, unknown> {
  const value: Record<string, unknown> = { id: 'w', name: 'n', nodes: [] };
  Object.defineProperty(value, 'edges', {
    enumerable: true,
    get: () => {
      throw new Error('no edges for you');
    },
  });
  return value;
}
