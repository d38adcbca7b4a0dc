import type { Problem } from '../problem.js';
import type { Graph } from './graph.js';
import { error } from './problems.js';
import type { Roles } from './roles.js';

/** Breadth-first search from `sources`, following `outgoing` (forward) or `incoming` (reverse) edges. */
export function reach(graph: Graph, sources: readonly number[], direction: 'forward' | 'reverse'): Uint8Array {
  const seen = new Uint8Array(graph.nodes.length);
  const queue: number[] = [];
  for (const s of sources) {
    if (seen[s]) continue;
    seen[s] = 1;
    queue.push(s);
  }
  const lists = direction === 'forward' ? graph.outgoing : graph.incoming;
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] ?? 0;
    for (const position of lists[v] ?? []) {
      const e = graph.edges[position];
      if (!e) continue;
      const next = direction === 'forward' ? e.to : e.from;
      if (seen[next]) continue;
      seen[next] = 1;
      queue.push(next);
    }
  }
  return seen;
}

/**
 * Every node must be reachable from the start (`unreachable_node`) and every reachable node must
 * be able to reach an end (`dead_end`). Skipped for a missing start / end (reported elsewhere).
 */
export function checkReachability(graph: Graph, roles: Roles, out: Problem[]): void {
  if (roles.starts.length === 0) return;
  const fromStart = reach(graph, roles.starts, 'forward');
  const toEnd = roles.ends.length > 0 ? reach(graph, roles.ends, 'reverse') : undefined;
  graph.nodes.forEach((info, v) => {
    const refs = { nodeId: info.node.id };
    if (!fromStart[v]) {
      out.push(
        error(
          'unreachable_node',
          ['nodes', info.index],
          `Node ${info.name} cannot be reached from the start node`,
          refs,
        ),
      );
    } else if (toEnd && !toEnd[v]) {
      out.push(error('dead_end', ['nodes', info.index], `Node ${info.name} cannot reach any end node`, refs));
    }
  });
}
