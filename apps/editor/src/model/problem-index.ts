import type { Problem, WorkflowDocument } from '@flowcraft/schema';
import { channelPathIn } from './auto-channels.js';

/** Problems grouped by where they show: on a node, on an edge, on a config field, or on the workflow. */
export interface ProblemIndex {
  all: Problem[];
  byNode: Map<string, Problem[]>;
  byEdge: Map<string, Problem[]>;
  /** Key `nodeId|field.path` (path inside the node's config). */
  byField: Map<string, string[]>;
  /** Undeclared channels named by a field (key as `byField`): each has a one-click fix (declare it). */
  unknownChannels: Map<string, string[]>;
  errors: number;
  warnings: number;
}

export const EMPTY_INDEX: ProblemIndex = {
  all: [],
  byNode: new Map(),
  byEdge: new Map(),
  byField: new Map(),
  unknownChannels: new Map(),
  errors: 0,
  warnings: 0,
};

/** The channel an `unknown_channel` message names (`… channel "x", which is not declared …`). */
export function unknownChannelName(p: Problem): string | undefined {
  return p.code === 'unknown_channel' ? /channel "([^"]+)"/.exec(p.message)?.[1] : undefined;
}

export function fieldKey(nodeId: string, path: readonly (string | number)[]): string {
  return `${nodeId}|${path.join('.')}`;
}

function add<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Index problems by node, edge and config field (paths `["nodes", i, "config", ...]` name the node by position). */
export function indexProblems(problems: readonly Problem[], doc: WorkflowDocument): ProblemIndex {
  const index: ProblemIndex = {
    all: [...problems],
    byNode: new Map(),
    byEdge: new Map(),
    byField: new Map(),
    unknownChannels: new Map(),
    errors: 0,
    warnings: 0,
  };
  for (const raw of problems) {
    const p = placeAtField(raw, doc);
    if (p.severity === 'warning') index.warnings++;
    else index.errors++;
    const [root, at, section, ...rest] = p.path;
    let nodeId = p.nodeId;
    if (root === 'nodes' && typeof at === 'number') nodeId ??= doc.nodes[at]?.id;
    let edgeId = p.edgeId;
    if (root === 'edges' && typeof at === 'number') edgeId ??= doc.edges[at]?.id;
    if (edgeId) add(index.byEdge, edgeId, p);
    else if (nodeId) add(index.byNode, nodeId, p);
    if (nodeId && edgeId) add(index.byNode, nodeId, p);
    if (nodeId && root === 'nodes' && section === 'config') {
      add(index.byField, fieldKey(nodeId, rest), p.message);
      const channel = unknownChannelName(p);
      if (channel) add(index.unknownChannels, fieldKey(nodeId, rest), channel);
    }
  }
  return index;
}

/** An unknown-channel problem reported on the whole config, moved to the field that names the channel. */
function placeAtField(p: Problem, doc: WorkflowDocument): Problem {
  const channel = unknownChannelName(p);
  const [root, at, section] = p.path;
  if (!channel || root !== 'nodes' || typeof at !== 'number' || section !== 'config' || p.path.length > 3) return p;
  const node = doc.nodes[at];
  const path = node && channelPathIn(node.config, channel);
  return path ? { ...p, path: [...p.path, ...path] } : p;
}

/** Problems for fields at or below `path` of a node's config. */
export function fieldProblems(index: ProblemIndex, nodeId: string, path: readonly (string | number)[]): string[] {
  return index.byField.get(fieldKey(nodeId, path)) ?? [];
}
