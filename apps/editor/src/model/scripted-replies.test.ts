import { describe, expect, it } from 'vitest';
import { WorkflowDocument } from '@flowcraft/schema';
import { newReply, nodeReplies, routeReply, scriptedHint, setNodeReplies } from './scripted-replies.js';

const doc = WorkflowDocument.parse({
  id: 'w',
  name: 'W',
  nodes: [
    {
      id: 'r',
      type: 'router',
      label: 'Route',
      config: { routes: [{ id: 'billing', label: 'Billing' }, { id: 'tech' }] },
    },
    { id: 'l', type: 'llm', label: 'Reply', config: {} },
    { id: 's', type: 'llm', label: 'Extract', config: { schema: { type: 'object' } } },
    { id: 'o', type: 'llm', label: 'Real', config: { model: 'openai:gpt-4o-mini' } },
    { id: 'x', type: 'router', label: 'Rules', config: { mode: 'rules' } },
  ],
});
const node = (id: string) => {
  const n = doc.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};

describe('scripted replies', () => {
  it('hints what a scripted node with nothing scripted will answer offline', () => {
    expect(scriptedHint(node('r'), doc)).toContain('first route “Billing”');
    expect(scriptedHint(node('l'), doc)).toContain('echo');
    expect(scriptedHint(node('s'), doc)).toContain('schema-valid sample');
    expect(scriptedHint(node('o'), doc)).toBeUndefined();
    expect(scriptedHint(node('x'), doc)).toBeUndefined();
  });

  it('stores per-node replies in the script, and the hint goes once one is set', () => {
    const withReply = setNodeReplies(doc, 'r', [routeReply('tech')]);
    expect(nodeReplies(withReply, 'r')).toEqual([{ structured: { route: 'tech', confidence: 1, reason: 'scripted' } }]);
    expect(scriptedHint(node('r'), withReply)).toBeUndefined();
    expect(setNodeReplies(withReply, 'r', []).script?.nodes).toEqual({});
    expect(newReply(node('l'))).toEqual({ content: 'Scripted answer of Reply' });
    expect(newReply(node('r'))).toEqual(routeReply('billing'));
  });
});
