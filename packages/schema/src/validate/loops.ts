import { controlOf } from './control.js';
import type { Problem } from '../problem.js';
import { listNames } from './describe.js';
import type { Graph, GraphEdge } from './graph.js';
import { error } from './problems.js';
import { stronglyConnected } from './scc.js';

/**
 * Every cycle (a strongly connected component of two or more nodes, or a self-edge) needs an exit:
 * a node with control `choice` or `map` that has an edge leaving the cycle, so a run-time decision
 * can end the loop. Otherwise the loop only ends at the recursion limit: `unbounded_loop`.
 *
 * A node type's `boundedSelfLoop` flag is about loops *inside* the node (agent iterations,
 * reflection rounds, bounded by its config); it needs no edge and does not make an edge cycle safe.
 * Cycles through a node of unknown type are not judged (its control is unknown).
 */
export function checkLoops(graph: Graph, out: Problem[]): void {
  const successors = graph.outgoing.map((list) => list.flatMap((p) => graph.edges[p]?.to ?? []));
  const { component, members } = stronglyConnected(successors);

  members.forEach((group, c) => {
    const only = group[0];
    if (only === undefined) return;
    if (group.length === 1 && !(successors[only] ?? []).includes(only)) return;

    let hasExit = false;
    let unknown = false;
    let cycleEdge: GraphEdge | undefined;
    for (const v of group) {
      const info = graph.nodes[v];
      if (!info?.entry) unknown = true;
      const control = controlOf(info);
      for (const position of graph.outgoing[v] ?? []) {
        const e = graph.edges[position];
        if (!e) continue;
        if (component[e.to] !== c) {
          if (control === 'choice' || control === 'map') hasExit = true;
        } else if (cycleEdge === undefined || e.index < cycleEdge.index) {
          cycleEdge = e;
        }
      }
    }
    if (hasExit || unknown) return;

    const infos = group.flatMap((v) => graph.nodes[v] ?? []).sort((a, b) => a.index - b.index);
    const first = infos[0];
    if (!first) return;
    const names = listNames(infos.map((i) => i.name));
    const what = infos.length === 1 ? `Node ${names} loops on itself` : `Nodes ${names} form a loop`;
    out.push(
      error(
        'unbounded_loop',
        cycleEdge === undefined ? ['nodes', first.index] : ['edges', cycleEdge.index],
        `${what} with no exit; add a router (or another choice node) inside the loop with a branch that leaves it`,
        cycleEdge ? { nodeId: first.node.id, edgeId: cycleEdge.id } : { nodeId: first.node.id },
      ),
    );
  });
}
