import type { ModelScript } from '@flowcraft/schema';
import { subworkflowConfig } from '@flowcraft/node-types';

/** Separates the levels of a nested node's path in trace events and node ids: `parent › child`. */
export const PATH_SEPARATOR = ' › ';

/** A canvas node id qualified by the subworkflow nodes it runs inside (none at the top level). */
export function qualify(path: readonly string[], nodeId: string): string {
  return path.length === 0 ? nodeId : [...path, nodeId].join(PATH_SEPARATOR);
}

/** A called workflow as resolved before compilation (a `latest` reference turned into a version). */
export interface ChildWorkflow {
  workflowId: string;
  version: number;
  document: unknown;
}

/** Every workflow a document calls, directly or deeper, by reference (`refKey`); resolved before `compile`. */
export type ChildLibrary = ReadonlyMap<string, ChildWorkflow>;

export function refKey(workflowId: string, version: number | 'latest'): string {
  return `${workflowId}@${version}`;
}

/** One call of another workflow in a document. */
export interface ChildRef {
  nodeId: string;
  /** Index of the node in `nodes` (for problem paths). */
  index: number;
  workflowId: string;
  version: number | 'latest';
}

function isRecordValue(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The subworkflow calls of a (possibly unvalidated) document; nodes with an unusable config are skipped. */
export function childRefs(doc: unknown): ChildRef[] {
  if (!isRecordValue(doc) || !Array.isArray(doc.nodes)) return [];
  const refs: ChildRef[] = [];
  doc.nodes.forEach((node: unknown, index) => {
    if (!isRecordValue(node) || node.type !== 'subworkflow' || typeof node.id !== 'string') return;
    const config = subworkflowConfig.safeParse(node.config ?? {});
    if (!config.success || config.data.workflowId.trim() === '') return;
    refs.push({ nodeId: node.id, index, workflowId: config.data.workflowId, version: config.data.version });
  });
  return refs;
}

/** A workflow's script as seen from the top: its `nodes` and `rules` keyed by the qualified node id (`call › draft`). */
export function qualifyScript(script: ModelScript | undefined, path: readonly string[]): ModelScript | undefined {
  if (!script || path.length === 0) return script;
  return {
    ...script,
    ...(script.nodes
      ? { nodes: Object.fromEntries(Object.entries(script.nodes).map(([id, r]) => [qualify(path, id), r])) }
      : {}),
    ...(script.rules
      ? { rules: script.rules.map((r) => (r.node === undefined ? r : { ...r, node: qualify(path, r.node) })) }
      : {}),
  };
}

/**
 * One script for a run of a workflow and the children it calls (each already qualified): node replies
 * are united, rules apply in order (the parent's first), the first `default`, `latencyMs` and `streamIntervalMs` win.
 */
export function mergeScripts(scripts: (ModelScript | undefined)[]): ModelScript | undefined {
  const present = scripts.filter((s): s is ModelScript => s !== undefined);
  if (present.length <= 1) return present[0];
  const merged: ModelScript = {};
  for (const s of present) {
    if (s.nodes) merged.nodes = { ...merged.nodes, ...s.nodes };
    if (s.rules) merged.rules = [...(merged.rules ?? []), ...s.rules];
    if (merged.default === undefined && s.default !== undefined) merged.default = s.default;
    if (merged.latencyMs === undefined && s.latencyMs !== undefined) merged.latencyMs = s.latencyMs;
    if (merged.streamIntervalMs === undefined && s.streamIntervalMs !== undefined)
      merged.streamIntervalMs = s.streamIntervalMs;
  }
  return merged;
}

/**
 * The calling nodes a checkpoint namespace runs inside: `review:<task id>|inner:<task id>` →
 * `['review', 'inner']` (LangGraph appends `|<n>` for a second subgraph call in one task; dropped).
 */
export function nsPath(ns: string): string[] {
  if (ns === '') return [];
  return ns
    .split('|')
    .filter((part) => !/^\d+$/.test(part))
    .map((part) => part.split(':')[0] ?? part);
}

/**
 * The breakpoints of one graph level (`path` = the calling nodes above it) from a run's qualified
 * ones: `['review › approve', 'plan']` gives `['approve']` inside `review`, `['plan']` at the top.
 */
export function breakpointsAt(list: readonly string[] | '*', path: readonly string[]): string[] | '*' {
  if (list === '*') return '*';
  const prefix = path.length === 0 ? '' : path.join(PATH_SEPARATOR) + PATH_SEPARATOR;
  const names: string[] = [];
  for (const id of list) {
    if (!id.startsWith(prefix)) continue;
    const rest = id.slice(prefix.length);
    if (rest !== '' && !rest.includes(PATH_SEPARATOR)) names.push(rest);
  }
  return names;
}
