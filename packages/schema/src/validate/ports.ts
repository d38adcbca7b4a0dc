import type { PortSpec } from '../catalog.js';
import type { Problem } from '../problem.js';
import { listNames } from './describe.js';
import type { Graph, LeavingEdge } from './graph.js';
import { error } from './problems.js';
import type { NodeInfo } from './types.js';

type PortLookup = { port: PortSpec } | { message: string };

function portIds(ports: readonly PortSpec[]): string {
  return ports.length === 0
    ? 'none'
    : listNames(
        ports.map((p) => `"${p.id}"`),
        10,
      );
}

/** The output port an edge leaves from; no handle means the node's first (default) output port. */
function sourcePort(info: NodeInfo, outputs: readonly PortSpec[], handle: string | null | undefined): PortLookup {
  if (handle === null || handle === undefined) {
    const first = outputs[0];
    if (first) return { port: first };
    return { message: `${info.name} has no output ports` };
  }
  const port = outputs.find((p) => p.id === handle);
  if (port) return { port };
  return { message: `${info.name} has no output port "${handle}" (ports: ${portIds(outputs)})` };
}

/** A problem message when the edge's target handle is not an input port, else undefined. */
function targetProblem(
  info: NodeInfo,
  inputs: readonly PortSpec[],
  handle: string | null | undefined,
): string | undefined {
  if (handle === null || handle === undefined) {
    return inputs.length === 0 ? `${info.name} has no input ports` : undefined;
  }
  if (inputs.some((p) => p.id === handle)) return undefined;
  return `${info.name} has no input port "${handle}" (ports: ${portIds(inputs)})`;
}

/**
 * Edge handles must name ports of their nodes; an output port takes one edge unless it is
 * `multiple`; required output ports need an edge (checked only when the whole edge list parsed).
 * Edges leaving an end node or entering the start node are left to the role checks.
 */
export function checkPorts(graph: Graph, complete: boolean, out: Problem[]): void {
  // Per node: output port id -> edges leaving it.
  const used: Map<string, LeavingEdge[]>[] = graph.nodes.map(() => new Map());

  const leaving: LeavingEdge[] = [...graph.edges, ...graph.danglingFrom].sort((a, b) => a.index - b.index);
  for (const e of leaving) {
    const source = graph.nodes[e.from];
    if (source?.ports && source.entry?.role !== 'end') {
      const found = sourcePort(source, source.ports.outputs, e.edge.sourceHandle);
      if ('port' in found) {
        const list = used[e.from]?.get(found.port.id);
        if (list) list.push(e);
        else used[e.from]?.set(found.port.id, [e]);
      } else {
        out.push(
          error('unknown_port', ['edges', e.index, 'sourceHandle'], `Edge "${e.id}": ${found.message}`, {
            nodeId: source.node.id,
            edgeId: e.id,
          }),
        );
      }
    }
  }
  for (const e of graph.edges) {
    const target = graph.nodes[e.to];
    if (target?.ports && target.entry?.role !== 'start') {
      const message = targetProblem(target, target.ports.inputs, e.edge.targetHandle);
      if (message) {
        out.push(
          error('unknown_port', ['edges', e.index, 'targetHandle'], `Edge "${e.id}": ${message}`, {
            nodeId: target.node.id,
            edgeId: e.id,
          }),
        );
      }
    }
  }

  graph.nodes.forEach((info, v) => {
    const outputs = info.ports?.outputs;
    if (!outputs) return;
    const byPort = used[v];
    for (const port of outputs) {
      const edges = byPort?.get(port.id) ?? [];
      const second = edges[1];
      if (second && port.multiple !== true) {
        out.push(
          error(
            'too_many_edges',
            ['edges', second.index],
            `Output port "${port.id}" of ${info.name} allows one edge but has ${edges.length} (${listNames(edges.map((x) => `"${x.id}"`))})`,
            { nodeId: info.node.id, edgeId: second.id },
          ),
        );
      }
      if (complete && port.required === true && edges.length === 0) {
        const label = port.label ? ` (${port.label})` : '';
        out.push(
          error(
            'unconnected_port',
            ['nodes', info.index],
            `Output port "${port.id}"${label} of ${info.name} must be connected`,
            {
              nodeId: info.node.id,
            },
          ),
        );
      }
    }
  });
}
