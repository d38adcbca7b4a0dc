import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import { testCatalog } from './test-catalog.js';
import { edge, linear, node, withCode, type NodeInput } from './test-docs.js';
import type { WorkflowDocumentInput } from '../workflow.js';

describe('document shape', () => {
  it('reports zod issues with their full path', () => {
    const input = linear();
    const bad = { ...node('a', 'step'), position: { x: 'left', y: 0 } } as unknown as NodeInput;
    input.nodes[1] = bad;
    const result = validateWorkflow(input, testCatalog);
    expect(result.ok).toBe(false);
    expect(result.document).toBeUndefined();
    expect(withCode(result, 'schema')).toEqual([
      expect.objectContaining({ path: ['nodes', 1, 'position', 'x'], severity: 'error' }),
    ]);
  });

  it('keeps checking well-formed nodes and edges when one node is malformed', () => {
    const input = linear();
    input.nodes.push({ ...node('b', 'step'), extra: 1 } as NodeInput, node('c', 'mystery'));
    input.edges?.push(edge('a', 'b'), edge('a', 'ghost'));
    const result = validateWorkflow(input, testCatalog);
    expect(result.problems.map((p) => [p.code, p.path])).toEqual(
      expect.arrayContaining([
        ['schema', ['nodes', 3]],
        ['unknown_node_type', ['nodes', 4, 'type']],
        ['dangling_edge', ['edges', 3, 'target']],
      ]),
    );
    // The edge to the malformed node b is not dangling, and graph-wide checks are skipped
    // (b might have connected things), so c is not called unreachable.
    expect(withCode(result, 'dangling_edge')).toHaveLength(1);
    expect(withCode(result, 'unreachable_node')).toEqual([]);
  });

  it('runs graph checks when only a top-level field is wrong', () => {
    const input = linear();
    input.name = '';
    input.nodes.push(node('island', 'step'));
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'schema')).toEqual([expect.objectContaining({ path: ['name'] })]);
    expect(withCode(result, 'unreachable_node')).toEqual([expect.objectContaining({ nodeId: 'island' })]);
  });

  it('still checks channels when the state is partly malformed', () => {
    const input = linear(node('a', 'step', { writes: ['bad', 'missing'] }));
    input.state = {
      bad: { type: 'nope' },
      n: { type: 'number', default: 'one' },
    } as unknown as WorkflowDocumentInput['state'];
    const result = validateWorkflow(input, testCatalog);
    expect(withCode(result, 'schema')).toEqual([expect.objectContaining({ path: ['state', 'bad', 'type'] })]);
    expect(withCode(result, 'invalid_channel_default')).toEqual([
      expect.objectContaining({ path: ['state', 'n', 'default'] }),
    ]);
    // `bad` is declared (if malformed), so only `missing` is unknown.
    expect(withCode(result, 'unknown_channel').map((p) => p.message)).toEqual([expect.stringContaining('"missing"')]);
  });

  it('returns the parsed document with defaults when semantics fail', () => {
    const input = linear(node('a', 'mystery'));
    const result = validateWorkflow(input, testCatalog);
    expect(result.ok).toBe(false);
    expect(result.document).toMatchObject({ schemaVersion: 1, description: '', settings: { recursionLimit: 100 } });
  });
});
