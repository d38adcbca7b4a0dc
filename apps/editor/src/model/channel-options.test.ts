import { describe, expect, it } from 'vitest';
import { WorkflowDocument } from '@flowcraft/schema';
import { addEdge, addNode, setNodeConfig } from './document-ops.js';
import {
  channelChoices,
  declareWrites,
  dropUnusedWrites,
  followChannelEdits,
  newListItem,
  upstreamOf,
} from './channel-options.js';
import { DescriptionCatalog } from './node-catalog.js';
import { endDesc, llmDesc, routerDesc, startDesc } from './test-descriptions.js';

const catalog = new DescriptionCatalog([startDesc, llmDesc, routerDesc, endDesc]);
const at = { x: 0, y: 0 };

function chain() {
  let doc = WorkflowDocument.parse({ id: 'w', name: 'W', nodes: [] });
  doc = addNode(doc, startDesc, at).doc;
  doc = addNode(doc, llmDesc, at).doc;
  doc = addNode(doc, llmDesc, at).doc;
  doc = addEdge(doc, { source: 'start_1', sourceHandle: null, target: 'llm_1', targetHandle: null }).doc;
  doc = addEdge(doc, { source: 'llm_1', sourceHandle: null, target: 'llm_2', targetHandle: null }).doc;
  return doc;
}

describe('channel pickers and new list items', () => {
  it('lists upstream writers first, with their types and labels', () => {
    const doc = chain();
    expect([...upstreamOf(doc, 'llm_2')].sort()).toEqual(['llm_1', 'start_1']);
    expect(channelChoices(doc, catalog, 'llm_1')).toEqual([
      { name: 'input', type: 'string', writtenBy: 'Start', upstream: true },
      { name: 'llm', type: 'string', writtenBy: undefined, upstream: false },
      { name: 'llm_3', type: 'string', writtenBy: 'LLM', upstream: false },
    ]);
  });

  it('gives `+ Add` a fresh id, label and channel, and declares a start input’s channel', () => {
    const doc = chain();
    expect(newListItem(doc, catalog, 'router', ['routes'], [{ id: 'a', label: 'A' }])).toEqual({
      id: 'route_2',
      label: 'Route 2',
    });
    const input = newListItem(doc, catalog, 'start', ['inputs'], [{ channel: 'input' }]);
    expect(input).toEqual({ channel: 'input_2', label: 'Input 2' });
    const start = doc.nodes[0]?.config ?? {};
    const added = setNodeConfig(doc, 'start_1', { ...start, inputs: [...(start.inputs as unknown[]), input] });
    expect(declareWrites(added, catalog, 'start_1').state.input_2).toEqual({ type: 'string', reducer: 'replace' });
  });
});

describe('editing a written channel name', () => {
  it('renames the declared channel and what reads it, unless the name is taken or shared', () => {
    const doc = chain();
    const start = doc.nodes[0]?.config ?? {};
    const edited = setNodeConfig(doc, 'start_1', { ...start, inputs: [{ channel: 'question', label: 'Input' }] });
    const followed = followChannelEdits(doc, edited, catalog, 'start_1');
    expect(Object.keys(followed.state)).toEqual(['question', 'llm', 'llm_3']);
    expect(followed.nodes.find((n) => n.id === 'llm_1')?.config.prompt).toBe('{{ state.question }}');
    // Pointing the field at an existing channel only repoints it.
    const repointed = setNodeConfig(doc, 'start_1', { ...start, inputs: [{ channel: 'llm', label: 'Input' }] });
    expect(followChannelEdits(doc, repointed, catalog, 'start_1')).toBe(repointed);
    // Cleared: nothing renamed (the field shows its problem until a name is typed).
    const cleared = setNodeConfig(doc, 'start_1', { ...start, inputs: [{ channel: '', label: 'Input' }] });
    expect(followChannelEdits(doc, cleared, catalog, 'start_1').state.input).toBeDefined();
  });
});

describe('removing a start input', () => {
  it('drops its channel when nothing reads it, keeps it when a prompt does', () => {
    let doc = chain();
    const start = doc.nodes[0]?.config ?? {};
    doc = declareWrites(
      setNodeConfig(doc, 'start_1', { ...start, inputs: [{ channel: 'input' }, { channel: 'input_2' }] }),
      catalog,
      'start_1',
    );
    expect(doc.state.input_2).toBeDefined();
    const removed = setNodeConfig(doc, 'start_1', { ...start, inputs: [] });
    expect(Object.keys(dropUnusedWrites(doc, removed, catalog, 'start_1').state)).toEqual(['input', 'llm', 'llm_3']);
  });
});
