import type { Problem } from '../problem.js';
import { nodeName } from './describe.js';
import { error } from './problems.js';
import type { IndexedEdge, IndexedNode } from './types.js';

/** Report node and edge ids used more than once (each repeat, pointing at its `id`). */
export function checkDuplicateIds(nodes: readonly IndexedNode[], edges: readonly IndexedEdge[], out: Problem[]): void {
  const firstNode = new Map<string, number>();
  for (const { index, node } of nodes) {
    const first = firstNode.get(node.id);
    if (first === undefined) {
      firstNode.set(node.id, index);
      continue;
    }
    out.push(
      error(
        'duplicate_node_id',
        ['nodes', index, 'id'],
        `Node ${nodeName(node)} reuses the id of nodes[${first}]; node ids must be unique`,
        {
          nodeId: node.id,
        },
      ),
    );
  }
  const firstEdge = new Map<string, number>();
  for (const { index, edge } of edges) {
    const first = firstEdge.get(edge.id);
    if (first === undefined) {
      firstEdge.set(edge.id, index);
      continue;
    }
    out.push(
      error(
        'duplicate_edge_id',
        ['edges', index, 'id'],
        `Edge "${edge.id}" reuses the id of edges[${first}]; edge ids must be unique`,
        {
          edgeId: edge.id,
        },
      ),
    );
  }
}

/** Why LangGraph cannot use `name` as a node or channel name, or undefined when it can. */
export function reservedReason(name: string): string | undefined {
  if (name === '__start__' || name === '__end__') return `"${name}" is reserved by LangGraph`;
  if (name.startsWith('__')) return `names starting with "__" are reserved for private channels`;
  if (name in Object.prototype) return `"${name}" is a built-in property of JavaScript objects`;
  if (name.includes('|')) return `names may not contain "|"`;
  if (name.includes(':')) return `names may not contain ":"`;
  return undefined;
}

/**
 * Names LangGraph reserves: `__start__`, `__end__`, a leading `__`, `|` and `:` in node ids and
 * channel names; and a node id equal to a channel name (LangGraph rejects it).
 */
export function checkReservedNames(
  nodes: readonly IndexedNode[],
  channelNames: ReadonlySet<string>,
  out: Problem[],
): void {
  for (const name of channelNames) {
    const reason = reservedReason(name);
    if (reason) out.push(error('reserved_name', ['state', name], `Channel "${name}" has a reserved name: ${reason}`));
  }
  for (const { index, node } of nodes) {
    const refs = { nodeId: node.id };
    const reason = reservedReason(node.id);
    if (reason) {
      out.push(
        error('reserved_name', ['nodes', index, 'id'], `Node ${nodeName(node)} has a reserved id: ${reason}`, refs),
      );
    } else if (channelNames.has(node.id)) {
      out.push(
        error(
          'reserved_name',
          ['nodes', index, 'id'],
          `Node ${nodeName(node)} has the same id as a state channel; rename one of them`,
          refs,
        ),
      );
    }
  }
}
