import type { WorkflowDocument } from '@flowcraft/schema';
import { channelSlug, declareChannel, isReferenced, namesInUse, renameChannel, uniqueName } from './auto-channels.js';
import { channelRefs, channelTypeFor } from './channel-fields.js';
import { isRecord } from './json-schema.js';
import type { DescriptionCatalog } from './node-catalog.js';

/** A channel as a picker offers it. */
export interface ChannelChoice {
  name: string;
  type: string;
  writtenBy?: string | undefined;
  /** Written by a node the picked node comes after. */
  upstream: boolean;
}

/** Ids of the nodes a run can pass through before `nodeId` (following edges backwards). */
export function upstreamOf(doc: WorkflowDocument, nodeId: string): Set<string> {
  const into = new Map<string, string[]>();
  for (const e of doc.edges) into.set(e.target, [...(into.get(e.target) ?? []), e.source]);
  const seen = new Set<string>();
  const stack = [...(into.get(nodeId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() ?? '';
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(into.get(id) ?? []));
  }
  seen.delete(nodeId);
  return seen;
}

/** Declared channels for a node's pickers: those upstream nodes write first, each with its type and writer. */
export function channelChoices(doc: WorkflowDocument, catalog: DescriptionCatalog, nodeId: string): ChannelChoice[] {
  const up = upstreamOf(doc, nodeId);
  const writer = new Map<string, { label: string; upstream: boolean }>();
  for (const n of doc.nodes) {
    const d = catalog.describe(n.type);
    if (!d || n.id === nodeId) continue;
    for (const r of channelRefs(d, n.config)) {
      if (r.role !== 'write') continue;
      const prev = writer.get(r.name);
      if (!prev || (!prev.upstream && up.has(n.id)))
        writer.set(r.name, { label: n.label || n.id, upstream: up.has(n.id) });
    }
  }
  const choices = Object.entries(doc.state).map(([name, c]) => ({
    name,
    type: c.type,
    writtenBy: writer.get(name)?.label,
    upstream: writer.get(name)?.upstream ?? false,
  }));
  return choices.sort((a, b) => Number(b.upstream) - Number(a.upstream));
}

/**
 * A new item for a node's list field: a fresh id (`route_2`) and label (`Route 2`) when items have them,
 * a fresh channel (`input_2`) when they name one — so `+ Add` never yields an item that is invalid at once.
 */
export function newListItem(
  doc: WorkflowDocument,
  catalog: DescriptionCatalog,
  nodeType: string,
  path: readonly (string | number)[],
  existing: readonly unknown[],
): Record<string, unknown> | undefined {
  const key = path[0];
  if (path.length !== 1 || typeof key !== 'string') return undefined;
  const props = catalog.schemaOf(nodeType)?.properties?.[key]?.items?.properties;
  if (!props) return undefined;
  const singular = key.replace(/s$/, '');
  const n = existing.length + 1;
  const item: Record<string, unknown> = {};
  if (props.id) {
    const ids = new Set(existing.flatMap((x) => (isRecord(x) && typeof x.id === 'string' ? [x.id] : [])));
    item.id = uniqueName(`${channelSlug(singular) || 'item'}_${n}`, ids);
  }
  if (props.label) item.label = `${singular.charAt(0).toUpperCase()}${singular.slice(1)} ${n}`;
  if (props.channel) item.channel = uniqueName('input', namesInUse(doc));
  if (props.required) item.required = true;
  return item;
}

/** Declare every channel a node writes that is not declared yet (after `+ Add` of a start input). */
export function declareWrites(doc: WorkflowDocument, catalog: DescriptionCatalog, nodeId: string): WorkflowDocument {
  const node = doc.nodes.find((n) => n.id === nodeId);
  const d = node && catalog.describe(node.type);
  if (!node || !d) return doc;
  let next = doc;
  for (const r of channelRefs(d, node.config))
    if (r.role === 'write' && !next.state[r.name])
      next = declareChannel(next, r.name, channelTypeFor(d, node.config, String(r.path[0])));
  return next;
}

/**
 * A channel name edited in a field that writes it (a start input, an output channel): the declared channel
 * is renamed with every reference, as long as no other node writes it and the new name is free — so a
 * start input's channel and the prompts reading it move together. Otherwise the edit only repoints the field.
 */
export function followChannelEdits(
  before: WorkflowDocument,
  after: WorkflowDocument,
  catalog: DescriptionCatalog,
  nodeId: string,
): WorkflowDocument {
  const was = before.nodes.find((n) => n.id === nodeId);
  const now = after.nodes.find((n) => n.id === nodeId);
  const d = now && catalog.describe(now.type);
  if (!was || !now || !d) return after;
  const oldRefs = new Map(channelRefs(d, was.config).map((r) => [r.path.join('.'), r]));
  let doc = after;
  for (const r of channelRefs(d, now.config)) {
    const old = oldRefs.get(r.path.join('.'));
    if (!old || r.role !== 'write' || old.name === r.name || !doc.state[old.name]) continue;
    if (namesInUse(doc).has(r.name) || writtenElsewhere(doc, catalog, old.name, nodeId)) continue;
    doc = renameChannel(doc, old.name, r.name);
  }
  return doc;
}

function writtenElsewhere(doc: WorkflowDocument, catalog: DescriptionCatalog, name: string, nodeId: string): boolean {
  return doc.nodes.some((n) => {
    const d = n.id !== nodeId && catalog.describe(n.type);
    return d ? channelRefs(d, n.config).some((r) => r.role === 'write' && r.name === name) : false;
  });
}

/** A list item removed (a start input): the channels only it wrote, and nothing reads, are dropped too. */
export function dropUnusedWrites(
  before: WorkflowDocument,
  after: WorkflowDocument,
  catalog: DescriptionCatalog,
  nodeId: string,
): WorkflowDocument {
  const was = before.nodes.find((n) => n.id === nodeId);
  const d = was && catalog.describe(was.type);
  if (!was || !d) return after;
  let state = after.state;
  for (const r of channelRefs(d, was.config)) {
    if (r.role !== 'write' || !state[r.name] || isReferenced(after, r.name)) continue;
    if (writtenElsewhere(after, catalog, r.name, nodeId)) continue;
    const { [r.name]: _gone, ...rest } = state;
    state = rest;
  }
  return state === after.state ? after : { ...after, state };
}
