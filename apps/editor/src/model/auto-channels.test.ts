import { describe, expect, it } from 'vitest';
import { WorkflowDocument } from '@flowcraft/schema';
import { channelSlug, isReferenced, renameChannel, uniqueName } from './auto-channels.js';
import { channelRefs, channelUse } from './channel-fields.js';
import { addNode, copyFragment, pasteFragment, removeElements, setNodeLabel, setNodeConfig } from './document-ops.js';
import { endDesc, llmDesc, routerDesc, startDesc } from './test-descriptions.js';

const empty = () => WorkflowDocument.parse({ id: 'w', name: 'W', nodes: [] });
const at = { x: 0, y: 0 };
const config = (doc: WorkflowDocument, id: string) => doc.nodes.find((n) => n.id === id)?.config ?? {};

function twoLlms() {
  let doc = addNode(empty(), startDesc, at).doc;
  const a = addNode(doc, llmDesc, at);
  const b = addNode(a.doc, llmDesc, at);
  doc = b.doc;
  return { doc, first: a.id, second: b.id };
}

describe('automatic channels', () => {
  it('slugs labels into channel names and numbers clashes', () => {
    expect(channelSlug('Support triage!')).toBe('support_triage');
    expect(channelSlug('  2nd pass ')).toBe('c_2nd_pass');
    expect(channelSlug('***')).toBe('');
    expect(uniqueName('llm', new Set(['llm', 'llm_2']))).toBe('llm_3');
  });

  it('gives each new node a declared output channel named after its label, never a node id', () => {
    const { doc, first, second } = twoLlms();
    expect([first, second]).toEqual(['llm_1', 'llm_2']);
    // `llm_2` is the second node's id, so its channel is llm_3.
    expect([config(doc, first).output, config(doc, second).output]).toEqual(['llm', 'llm_3']);
    expect(doc.state).toEqual({
      input: { type: 'string', reducer: 'replace' },
      llm: { type: 'string', reducer: 'replace' },
      llm_3: { type: 'string', reducer: 'replace' },
    });
    expect(config(doc, 'start_1').inputs).toEqual([{ channel: 'input', label: 'Input', required: true }]);
    // A node type without an output channel field declares nothing.
    const withRouter = addNode(doc, routerDesc, at).doc;
    expect(Object.keys(withRouter.state)).toEqual(Object.keys(doc.state));
  });

  it('renames the automatic channel with the label, and every reference to it', () => {
    let { doc, first, second } = twoLlms();
    doc = setNodeConfig(doc, second, { ...config(doc, second), prompt: 'Answer {{ state.llm }} and {{state.llm_x}}' });
    const end = addNode(doc, endDesc, at);
    doc = setNodeConfig(end.doc, end.id, { outputs: ['llm'] });
    doc = setNodeLabel(doc, first, 'Classify ticket');
    expect(config(doc, first).output).toBe('classify_ticket');
    expect(config(doc, second).prompt).toBe('Answer {{ state.classify_ticket }} and {{state.llm_x}}');
    expect(config(doc, end.id).outputs).toEqual(['classify_ticket']);
    expect(Object.keys(doc.state)).toEqual(['input', 'classify_ticket', 'llm_3']);
    // A name the user chose is left alone.
    doc = setNodeConfig(doc, first, { ...config(doc, first), output: 'category' });
    doc = setNodeLabel(doc, first, 'Other');
    expect(config(doc, first).output).toBe('category');
  });

  it('drops a deleted node’s automatic channel unless something still uses it', () => {
    const { doc, first, second } = twoLlms();
    const gone = removeElements(doc, [first], []);
    expect(Object.keys(gone.state)).toEqual(['input', 'llm_3']);
    const used = setNodeConfig(doc, second, { ...config(doc, second), prompt: '{{ state.llm }}' });
    expect(isReferenced(used, 'llm', first)).toBe(true);
    expect(Object.keys(removeElements(used, [first], []).state)).toContain('llm');
  });

  it('gives pasted nodes channels of their own', () => {
    const { doc, first } = twoLlms();
    const pasted = pasteFragment(doc, copyFragment(doc, [first]), { x: 40, y: 40 });
    const id = pasted.nodeIds[0] ?? '';
    expect(config(pasted.doc, id).output).toBe('llm_5'); // the pasted node is llm_4
    expect(pasted.doc.state.llm_5).toEqual({ type: 'string', reducer: 'replace' });
  });

  it('renames a channel in fields and templates but not in look-alike names', () => {
    const { doc } = twoLlms();
    const renamed = renameChannel(doc, 'input', 'question');
    expect(Object.keys(renamed.state)).toEqual(['question', 'llm', 'llm_3']);
    expect(config(renamed, 'llm_1').prompt).toBe('{{ state.question }}');
    // Start inputs name their channel under `channel`.
    expect(config(renamed, 'start_1').inputs).toEqual([{ channel: 'question', label: 'Input', required: true }]);
  });
});

describe('channel references from a description', () => {
  it('lists channel-widget fields and list items with a channel, reads and writes apart', () => {
    const { doc } = twoLlms();
    expect(channelRefs(startDesc, config(doc, 'start_1'))).toEqual([
      { path: ['inputs', 0, 'channel'], name: 'input', role: 'write' },
    ]);
    expect(channelUse(llmDesc, { output: 'a', history: 'h' })).toEqual({ reads: ['h'], writes: ['a'] });
    expect(channelUse(endDesc, { outputs: ['a', 'b'] })).toEqual({ reads: ['a', 'b'], writes: [] });
  });
});
