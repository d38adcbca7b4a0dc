import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import type { WorkflowDocumentInput } from '../workflow.js';
import { testCatalog } from './test-catalog.js';
import { linear, node, withCode } from './test-docs.js';

function withState(state: WorkflowDocumentInput['state']): WorkflowDocumentInput {
  const input = linear();
  input.state = state;
  return input;
}

describe('channels', () => {
  it('reports reads and writes of undeclared channels', () => {
    const input = linear(node('a', 'step', { reads: ['topic', 'missing_in'], writes: ['missing_out'] }));
    input.state = { topic: { type: 'string' } };
    const result = validateWorkflow(input, testCatalog);
    const problems = withCode(result, 'unknown_channel');
    expect(problems.map((p) => [p.path, p.nodeId])).toEqual([
      [['nodes', 1, 'config'], 'a'],
      [['nodes', 1, 'config'], 'a'],
    ]);
    expect(problems.map((p) => p.message).join(' ')).toMatch(/"missing_in".*"missing_out"/);
  });

  it.each([
    ['string', 1],
    ['number', '1'],
    ['boolean', 0],
    ['list', {}],
    ['messages', 'hi'],
  ] as const)('reports a %s channel with a default of the wrong type', (type, value) => {
    const result = validateWorkflow(withState({ c: { type, default: value } }), testCatalog);
    expect(withCode(result, 'invalid_channel_default')).toEqual([
      expect.objectContaining({ path: ['state', 'c', 'default'] }),
    ]);
  });

  it('accepts defaults of the right type, and anything for json', () => {
    const result = validateWorkflow(
      withState({
        s: { type: 'string', default: '' },
        n: { type: 'number', default: 0, reducer: 'sum' },
        b: { type: 'boolean', default: false },
        l: { type: 'list', default: [], reducer: 'append' },
        m: { type: 'messages', default: [], reducer: 'messages' },
        j: { type: 'json', default: { any: ['thing'] }, reducer: 'merge' },
      }),
      testCatalog,
    );
    expect(result).toMatchObject({ ok: true, problems: [] });
  });

  it.each([
    ['sum', 'string'],
    ['append', 'string'],
    ['messages', 'list'],
    ['merge', 'number'],
  ] as const)('reports reducer %s on a %s channel', (reducer, type) => {
    const result = validateWorkflow(withState({ c: { type, reducer } }), testCatalog);
    const [p, ...rest] = withCode(result, 'invalid_reducer');
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({ path: ['state', 'c', 'reducer'] });
  });
});
