import type { ScriptedReply, WorkflowDocument, WorkflowNode } from '@flowcraft/schema';
import { isRecord } from './json-schema.js';

/** How a node's scripted replies are edited: pick a route, type a text, or fill a structured object. */
export type ReplyKind =
  | { kind: 'route'; routes: { id: string; label: string }[] }
  | { kind: 'text' }
  | { kind: 'structured' };

/** The model a node calls (its own or the workflow default), when it has a `model` field. */
export function modelOf(node: WorkflowNode, doc: WorkflowDocument): string | undefined {
  if (!('model' in node.config) && node.type !== 'llm' && node.type !== 'router' && node.type !== 'agent')
    return undefined;
  const own = typeof node.config.model === 'string' ? node.config.model.trim() : '';
  return own || doc.settings.defaultModel;
}

export function isScripted(node: WorkflowNode, doc: WorkflowDocument): boolean {
  return modelOf(node, doc)?.startsWith('scripted:') === true;
}

function routesOf(node: WorkflowNode): { id: string; label: string }[] {
  const routes = Array.isArray(node.config.routes) ? node.config.routes : [];
  return routes.flatMap((r) =>
    isRecord(r) && typeof r.id === 'string'
      ? [{ id: r.id, label: typeof r.label === 'string' && r.label ? r.label : r.id }]
      : [],
  );
}

export function replyKind(node: WorkflowNode): ReplyKind {
  if (node.type === 'router' && node.config.mode !== 'rules') return { kind: 'route', routes: routesOf(node) };
  if (isRecord(node.config.schema)) return { kind: 'structured' };
  return { kind: 'text' };
}

export function nodeReplies(doc: WorkflowDocument, nodeId: string): ScriptedReply[] {
  return doc.script?.nodes?.[nodeId] ?? [];
}

/** Replace a node's scripted replies (an empty list removes the entry). */
export function setNodeReplies(doc: WorkflowDocument, nodeId: string, replies: ScriptedReply[]): WorkflowDocument {
  const nodes = { ...doc.script?.nodes };
  if (replies.length === 0) delete nodes[nodeId];
  else nodes[nodeId] = replies;
  return { ...doc, script: { ...doc.script, nodes } };
}

/** A reply that takes a route (what the router's classifier would answer). */
export function routeReply(route: string): ScriptedReply {
  return { structured: { route, confidence: 1, reason: 'scripted' } };
}

/** A new reply of the node's kind. */
export function newReply(node: WorkflowNode): ScriptedReply {
  const k = replyKind(node);
  if (k.kind === 'route') return routeReply(k.routes[0]?.id ?? 'a');
  if (k.kind === 'structured') return { structured: {} };
  return { content: `Scripted answer of ${node.label || node.id}` };
}

/**
 * The design-time hint of a scripted node with nothing scripted for it: what it will answer by default
 * (the scripted model's labelled fallback), or undefined when replies, a rule or a default are scripted.
 */
export function scriptedHint(node: WorkflowNode, doc: WorkflowDocument): string | undefined {
  if (!isScripted(node, doc) || node.type === 'start' || node.type === 'end') return undefined;
  if (node.type === 'router' && node.config.mode === 'rules') return undefined;
  const script = doc.script;
  if (nodeReplies(doc, node.id).length > 0 || script?.default) return undefined;
  if (script?.rules?.some((r) => r.node === undefined || r.node === node.id)) return undefined;
  const k = replyKind(node);
  if (k.kind === 'route') {
    const first = k.routes[0];
    return `Nothing scripted: offline runs take the first route${first ? ` “${first.label}”` : ''} (a labelled sample decision).`;
  }
  if (k.kind === 'structured')
    return 'Nothing scripted: offline runs answer with a schema-valid sample, labelled “scripted sample”.';
  return 'Nothing scripted: offline runs answer with the prompt itself (an echo), marked as scripted.';
}
