import { describe, expect, it } from 'vitest';
import type { NodeTypeDescription, WorkflowDocument } from '@flowcraft/schema';
import { WorkflowDocument as Doc } from '@flowcraft/schema';
import { COALESCE_MS, HISTORY_LIMIT, createDocumentStore, isDirty } from './document-store.js';
import { addEdge, addNode, copyFragment, pasteFragment, removeElements, setNodeLabel } from '../model/document-ops.js';

const llm: NodeTypeDescription = {
  type: 'llm',
  version: 1,
  title: 'LLM',
  category: 'ai',
  description: '',
  control: 'all',
  configSchema: {},
  defaults: { prompt: '{{ state.input }}', output: 'output' },
  ui: {},
  ports: { inputs: [{ id: 'in' }], outputs: [{ id: 'out' }] },
  custom: false,
};

function base(): WorkflowDocument {
  return Doc.parse({ id: 'w', name: 'W', nodes: [], state: { output: { type: 'string' } } });
}

function withTwoNodes() {
  let clock = 0;
  const store = createDocumentStore(() => clock);
  store.getState().load(base(), { workflowId: 'w', version: 1 });
  store.getState().edit((d) => addNode(d, llm, { x: 0, y: 0 }).doc);
  clock += COALESCE_MS * 2;
  store.getState().edit((d) => addNode(d, llm, { x: 300, y: 0 }).doc);
  return { store, tick: (ms: number) => (clock += ms) };
}

describe('document store', () => {
  it('adds nodes with fresh ids, the type defaults and marks the document dirty', () => {
    const { store } = withTwoNodes();
    const s = store.getState();
    expect(s.doc.nodes.map((n) => n.id)).toEqual(['llm_1', 'llm_2']);
    expect(s.doc.nodes[0]?.config).toEqual({ prompt: '{{ state.input }}', output: 'output' });
    expect(isDirty(s)).toBe(true);
  });

  it('undoes and redoes edits, and is clean again when undone back to the saved document', () => {
    const { store } = withTwoNodes();
    store.getState().undo();
    expect(store.getState().doc.nodes).toHaveLength(1);
    store.getState().undo();
    expect(store.getState().doc.nodes).toHaveLength(0);
    expect(isDirty(store.getState())).toBe(false);
    store.getState().undo(); // nothing left: no change
    expect(store.getState().doc.nodes).toHaveLength(0);
    store.getState().redo();
    store.getState().redo();
    expect(store.getState().doc.nodes.map((n) => n.id)).toEqual(['llm_1', 'llm_2']);
    store.getState().redo();
    expect(store.getState().future).toHaveLength(0);
  });

  it('a new edit after undo drops the redo stack', () => {
    const { store } = withTwoNodes();
    store.getState().undo();
    store.getState().edit((d) => setNodeLabel(d, 'llm_1', 'Writer'));
    expect(store.getState().future).toHaveLength(0);
    store.getState().redo();
    expect(store.getState().doc.nodes).toHaveLength(1);
  });

  it('merges quick edits of one field into one undo step, but not slow ones', () => {
    const { store, tick } = withTwoNodes();
    const before = store.getState().past.length;
    for (const label of ['W', 'Wr', 'Wri', 'Writ']) {
      tick(100);
      store.getState().edit((d) => setNodeLabel(d, 'llm_1', label), 'label:llm_1');
    }
    expect(store.getState().past.length).toBe(before + 1);
    tick(COALESCE_MS + 1);
    store.getState().edit((d) => setNodeLabel(d, 'llm_1', 'Writer'), 'label:llm_1');
    expect(store.getState().past.length).toBe(before + 2);
    store.getState().undo();
    expect(store.getState().doc.nodes[0]?.label).toBe('Writ');
    store.getState().undo();
    expect(store.getState().doc.nodes[0]?.label).toBe('LLM');
  });

  it('records a drag gesture as one undo step', () => {
    const { store } = withTwoNodes();
    const before = store.getState().past.length;
    for (let x = 1; x <= 5; x++)
      store.getState().gestureEdit((d) => ({
        ...d,
        nodes: d.nodes.map((n) => (n.id === 'llm_1' ? { ...n, position: { x, y: 0 } } : n)),
      }));
    store.getState().endGesture();
    expect(store.getState().past.length).toBe(before + 1);
    store.getState().undo();
    expect(store.getState().doc.nodes[0]?.position).toEqual({ x: 0, y: 0 });
  });

  it('keeps at most HISTORY_LIMIT undo steps', () => {
    const store = createDocumentStore(() => 0);
    store.getState().load(base(), { workflowId: 'w', version: 1 });
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) store.getState().edit((d) => ({ ...d, description: String(i) }));
    expect(store.getState().past).toHaveLength(HISTORY_LIMIT);
  });

  it('refuses edits while showing an older version read-only', () => {
    const store = createDocumentStore();
    store.getState().load(base(), { workflowId: 'w', version: 3, readOnlyVersion: 1 });
    store.getState().edit((d) => ({ ...d, name: 'changed' }));
    expect(store.getState().doc.name).toBe('W');
    expect(isDirty(store.getState())).toBe(false);
  });

  it('markSaved keeps edits made while the save was in flight as unsaved', () => {
    const { store } = withTwoNodes();
    const sent = store.getState().doc;
    store.getState().edit((d) => setNodeLabel(d, 'llm_2', 'late'));
    store.getState().markSaved(sent, 2);
    expect(store.getState().version).toBe(2);
    expect(isDirty(store.getState())).toBe(true);
    store.getState().undo();
    expect(isDirty(store.getState())).toBe(false);
  });

  it('drops deleted elements from the selection', () => {
    const { store } = withTwoNodes();
    store.getState().select({ nodes: ['llm_1', 'llm_2'], edges: [] });
    store.getState().edit((d) => removeElements(d, ['llm_2'], []));
    expect(store.getState().selection.nodes).toEqual(['llm_1']);
  });
});

describe('copy and paste', () => {
  it('pastes copied nodes and the edges between them under new ids, offset, leaving other edges behind', () => {
    let doc = base();
    doc = addNode(doc, llm, { x: 0, y: 0 }).doc;
    doc = addNode(doc, llm, { x: 300, y: 0 }).doc;
    doc = addNode(doc, llm, { x: 600, y: 0 }).doc;
    doc = addEdge(doc, { source: 'llm_1', sourceHandle: 'out', target: 'llm_2', targetHandle: null }).doc;
    doc = addEdge(doc, { source: 'llm_2', sourceHandle: null, target: 'llm_3', targetHandle: null }).doc;
    const fragment = copyFragment(doc, ['llm_1', 'llm_2']);
    expect(fragment.edges.map((e) => e.id)).toEqual(['e1']);
    const pasted = pasteFragment(doc, fragment, { x: 40, y: 40 });
    expect(pasted.nodeIds).toEqual(['llm_4', 'llm_5']);
    expect(pasted.doc.nodes.find((n) => n.id === 'llm_4')?.position).toEqual({ x: 40, y: 40 });
    expect(pasted.doc.edges.at(-1)).toEqual({ id: 'e3', source: 'llm_4', sourceHandle: 'out', target: 'llm_5' });
    // The copy is independent of the original.
    const again = pasteFragment(pasted.doc, fragment, { x: 80, y: 80 });
    expect(again.nodeIds).toEqual(['llm_6', 'llm_7']);
    expect(doc.nodes).toHaveLength(3);
  });

  it('never reuses a channel name as a node id', () => {
    const doc = Doc.parse({ id: 'w', name: 'W', nodes: [], state: { llm_1: { type: 'string' } } });
    expect(addNode(doc, llm, { x: 0, y: 0 }).id).toBe('llm_2');
  });
});
