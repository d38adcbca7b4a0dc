import { describe, expect, it } from 'vitest';
import { llmNode } from '../builtins/llm.js';
import { isNodeType, missingNodeTypeFields } from './is-node-type.js';
import { isRecord } from './is-record.js';

describe('isNodeType (the SDK contract, checked structurally)', () => {
  it('accepts defineNodeType results, also copied (as a plugin with its own copy of the SDK would pass them)', () => {
    expect(isNodeType(llmNode)).toBe(true);
    expect(isNodeType({ ...llmNode })).toBe(true);
  });

  it('names the fields a near-miss lacks', () => {
    expect(isNodeType({ type: 'x', version: 1 })).toBe(false);
    expect(missingNodeTypeFields({ ...llmNode, version: 0, build: 'nope' })).toEqual(['version', 'build']);
    expect(isNodeType(null)).toBe(false);
    expect(isNodeType([llmNode])).toBe(false);
  });

  it('isRecord: plain objects only', () => {
    expect([{}, { a: 1 }, [], null, 'x', 1].map(isRecord)).toEqual([true, true, false, false, false, false]);
  });
});
