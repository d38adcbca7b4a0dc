import type { Problem } from '../problem.js';
import type { Graph } from './graph.js';
import { error } from './problems.js';

/** Positions of the graph's start and end nodes. */
export interface Roles {
  starts: number[];
  ends: number[];
}

export function findRoles(graph: Graph): Roles {
  const roles: Roles = { starts: [], ends: [] };
  graph.nodes.forEach((info, v) => {
    if (info.entry?.role === 'start') roles.starts.push(v);
    else if (info.entry?.role === 'end') roles.ends.push(v);
  });
  return roles;
}

/**
 * Exactly one start node, at least one end node; nothing enters the start, nothing leaves an end.
 * Missing roles are only reported when `complete` (a malformed node might have been the start).
 */
export function checkRoles(graph: Graph, roles: Roles, complete: boolean, out: Problem[]): void {
  const [first, ...extra] = roles.starts;
  if (first === undefined) {
    if (complete) out.push(error('missing_start', ['nodes'], 'The workflow has no start node'));
  } else {
    const firstName = graph.nodes[first]?.name ?? '';
    for (const v of extra) {
      const info = graph.nodes[v];
      if (!info) continue;
      out.push(
        error(
          'multiple_starts',
          ['nodes', info.index],
          `Node ${info.name} is a second start node (the first is ${firstName}); keep one`,
          {
            nodeId: info.node.id,
          },
        ),
      );
    }
  }
  if (roles.ends.length === 0 && complete) out.push(error('missing_end', ['nodes'], 'The workflow has no end node'));

  for (const v of roles.starts) {
    const info = graph.nodes[v];
    for (const position of graph.incoming[v] ?? []) {
      const e = graph.edges[position];
      if (!info || !e) continue;
      out.push(
        error(
          'start_has_incoming',
          ['edges', e.index, 'target'],
          `Edge "${e.id}" enters the start node ${info.name}; nothing may point to the start`,
          {
            nodeId: info.node.id,
            edgeId: e.id,
          },
        ),
      );
    }
  }
  for (const v of roles.ends) {
    const info = graph.nodes[v];
    for (const position of graph.outgoing[v] ?? []) {
      const e = graph.edges[position];
      if (!info || !e) continue;
      out.push(
        error(
          'end_has_outgoing',
          ['edges', e.index, 'source'],
          `Edge "${e.id}" leaves the end node ${info.name}; an end node has no outgoing edges`,
          {
            nodeId: info.node.id,
            edgeId: e.id,
          },
        ),
      );
    }
  }
}
