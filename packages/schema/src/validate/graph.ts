import type { Problem } from '../problem.js';
import { nodeName } from './describe.js';
import { error } from './problems.js';
import type { WorkflowEdge } from '../workflow.js';
import type { IndexedEdge, NodeInfo } from './types.js';

/** An edge whose source and target are both nodes of the graph. */
export interface GraphEdge {
  /** Position in the input `edges` array. */
  index: number;
  id: string;
  edge: WorkflowEdge;
  from: number;
  to: number;
}

/** An edge whose source is a node of the graph (its target may be missing). */
export type LeavingEdge = Omit<GraphEdge, 'to'>;

/**
 * The node graph in compact form: vertices are positions in `nodes` (the first node of each id);
 * `outgoing[v]`/`incoming[v]` hold positions in `edges`.
 */
export interface Graph {
  nodes: NodeInfo[];
  byId: Map<string, number>;
  edges: GraphEdge[];
  /** Edges that leave a graph node but point nowhere (reported as dangling); their source port still counts as used. */
  danglingFrom: LeavingEdge[];
  outgoing: number[][];
  incoming: number[][];
}

/**
 * Build the graph and report dangling edges. `knownIds` holds every node id in the input, so an
 * edge to a malformed node is not called dangling (it is left out of the graph instead).
 */
export function buildGraph(
  infos: readonly NodeInfo[],
  edges: readonly IndexedEdge[],
  knownIds: ReadonlySet<string>,
  out: Problem[],
): Graph {
  const nodes: NodeInfo[] = [];
  const byId = new Map<string, number>();
  for (const info of infos) {
    if (byId.has(info.node.id)) continue;
    byId.set(info.node.id, nodes.length);
    nodes.push(info);
  }
  const graph: Graph = {
    nodes,
    byId,
    edges: [],
    danglingFrom: [],
    outgoing: nodes.map(() => []),
    incoming: nodes.map(() => []),
  };
  for (const { index, edge } of edges) {
    const refs = { edgeId: edge.id };
    let dangling = false;
    if (!knownIds.has(edge.source)) {
      dangling = true;
      out.push(
        error(
          'dangling_edge',
          ['edges', index, 'source'],
          `Edge "${edge.id}" starts at "${edge.source}", which is not a node`,
          refs,
        ),
      );
    }
    if (!knownIds.has(edge.target)) {
      dangling = true;
      const from = byId.get(edge.source);
      const origin = from === undefined ? '' : ` from ${nodeName(nodes[from]?.node ?? { id: edge.source })}`;
      out.push(
        error(
          'dangling_edge',
          ['edges', index, 'target'],
          `Edge "${edge.id}"${origin} points to "${edge.target}", which is not a node`,
          refs,
        ),
      );
    }
    const from = byId.get(edge.source);
    if (dangling) {
      if (from !== undefined) graph.danglingFrom.push({ index, id: edge.id, edge, from });
      continue;
    }
    const to = byId.get(edge.target);
    if (from === undefined || to === undefined) continue;
    const position = graph.edges.length;
    graph.edges.push({ index, id: edge.id, edge, from, to });
    graph.outgoing[from]?.push(position);
    graph.incoming[to]?.push(position);
  }
  return graph;
}
