import type { Problem } from '../problem.js';
import { Channel, WorkflowDocument, WorkflowEdge, WorkflowNode } from '../workflow.js';
import { isArray, isRecord } from './guards.js';
import { error, toJsonPath } from './problems.js';
import type { IndexedEdge, IndexedNode } from './types.js';

/** What survived the shape check. */
export interface ShapeResult {
  /** The whole parsed document, when its shape is valid. */
  document?: WorkflowDocument;
  /** Nodes whose own shape is valid. */
  nodes: IndexedNode[];
  /** Edges whose own shape is valid. */
  edges: IndexedEdge[];
  /** Channels whose own shape is valid. */
  state: Map<string, Channel>;
  /** Every declared channel name, including malformed channels. */
  channelNames: Set<string>;
  /** False when `state` is not an object, so channel references cannot be checked. */
  channelsKnown: boolean;
  /** Every node id present in the input, including ids of malformed nodes. */
  nodeIds: Set<string>;
  /** True when every node and edge passed, so graph-wide checks are meaningful. */
  complete: boolean;
}

/**
 * Check the document shape with zod and report every issue with its path (code `schema`).
 * When the whole document fails, salvage nodes, edges and channels one by one so that
 * the semantic checks can still report problems in the well-formed parts.
 */
export function parseShape(input: unknown, out: Problem[]): ShapeResult {
  const parsed = WorkflowDocument.safeParse(input);
  if (parsed.success) {
    const document = parsed.data;
    return {
      document,
      nodes: document.nodes.map((node, index) => ({ index, node })),
      edges: document.edges.map((edge, index) => ({ index, edge })),
      state: new Map(Object.entries(document.state)),
      channelNames: new Set(Object.keys(document.state)),
      channelsKnown: true,
      nodeIds: new Set(document.nodes.map((n) => n.id)),
      complete: true,
    };
  }
  for (const issue of parsed.error.issues) {
    out.push(error('schema', toJsonPath(issue.path), issue.message));
  }
  return salvage(input);
}

function salvage(input: unknown): ShapeResult {
  const result: ShapeResult = {
    nodes: [],
    edges: [],
    state: new Map(),
    channelNames: new Set(),
    channelsKnown: false,
    nodeIds: new Set(),
    complete: false,
  };
  if (!isRecord(input)) return result;
  let complete = true;

  const rawNodes = input['nodes'];
  if (isArray(rawNodes)) {
    rawNodes.forEach((raw, index) => {
      const node = WorkflowNode.safeParse(raw);
      if (node.success) {
        result.nodes.push({ index, node: node.data });
        result.nodeIds.add(node.data.id);
        return;
      }
      complete = false;
      const id = isRecord(raw) ? raw['id'] : undefined;
      if (typeof id === 'string' && id.length > 0) result.nodeIds.add(id);
    });
  } else {
    complete = false;
  }

  const rawEdges = input['edges'];
  if (isArray(rawEdges)) {
    rawEdges.forEach((raw, index) => {
      const edge = WorkflowEdge.safeParse(raw);
      if (edge.success) result.edges.push({ index, edge: edge.data });
      else complete = false;
    });
  } else if (rawEdges !== undefined) {
    complete = false;
  }

  const rawState = input['state'];
  if (rawState === undefined) {
    result.channelsKnown = true;
  } else if (isRecord(rawState)) {
    result.channelsKnown = true;
    for (const [name, raw] of Object.entries(rawState)) {
      result.channelNames.add(name);
      const channel = Channel.safeParse(raw);
      if (channel.success) result.state.set(name, channel.data);
    }
  }

  result.complete = complete;
  return result;
}
