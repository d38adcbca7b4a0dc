import { ERROR_PORT } from '@flowcraft/schema';
import type { WorkflowDocument, WorkflowEdge } from '@flowcraft/schema';

export { ERROR_PORT };

/** Outgoing edges grouped by node and port, plus what the compiler derives from them. */
export interface Topology {
  /** nodeId → port → target node ids (in edge order, de-duplicated). */
  out: Map<string, Map<string, string[]>>;
  /** nodeId → distinct source node ids (self-loops excluded). */
  incoming: Map<string, Set<string>>;
  /** Targets of a node's port. */
  targets(nodeId: string, port: string): string[];
  /** All distinct targets of a node over every port except `error`. */
  allTargets(nodeId: string): string[];
}

/** Resolve an edge's port: an explicit handle, or the node's first output port. */
export function edgePort(edge: WorkflowEdge, firstPort: (nodeId: string) => string): string {
  return edge.sourceHandle ?? firstPort(edge.source);
}

export function buildTopology(doc: WorkflowDocument, firstPort: (nodeId: string) => string): Topology {
  const out = new Map<string, Map<string, string[]>>();
  const incoming = new Map<string, Set<string>>();
  for (const n of doc.nodes) {
    out.set(n.id, new Map());
    incoming.set(n.id, new Set());
  }
  for (const e of doc.edges) {
    const port = edgePort(e, firstPort);
    const ports = out.get(e.source);
    if (!ports) continue;
    const list = ports.get(port) ?? [];
    if (!list.includes(e.target)) list.push(e.target);
    ports.set(port, list);
    if (e.source !== e.target) incoming.get(e.target)?.add(e.source);
  }
  return {
    out,
    incoming,
    targets: (nodeId, port) => out.get(nodeId)?.get(port) ?? [],
    allTargets: (nodeId) => {
      const all = new Set<string>();
      for (const [port, ts] of out.get(nodeId) ?? []) if (port !== ERROR_PORT) ts.forEach((t) => all.add(t));
      return [...all];
    },
  };
}

/**
 * The same edges with some targets replaced by LangGraph's END (`__end__`): a sub-workflow's end
 * node is not a step of its own, whatever led to it ends the child's graph.
 */
export function endingAt(topology: Topology, ends: ReadonlySet<string>, end: string): Topology {
  if (ends.size === 0) return topology;
  const swap = (ts: string[]) => [...new Set(ts.map((t) => (ends.has(t) ? end : t)))];
  const out = new Map(
    [...topology.out].map(([id, ports]) => [id, new Map([...ports].map(([p, ts]) => [p, swap(ts)]))]),
  );
  return {
    out,
    incoming: topology.incoming,
    targets: (nodeId, port) => out.get(nodeId)?.get(port) ?? [],
    allTargets: (nodeId) => swap(topology.allTargets(nodeId)),
  };
}
