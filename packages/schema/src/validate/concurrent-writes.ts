import { controlOf } from './control.js';
import { ERROR_PORT } from '../ports.js';
import type { Problem } from '../problem.js';
import type { Channel } from '../workflow.js';
import { dominators, type Dominators } from './dominators.js';
import type { Graph } from './graph.js';
import { error, warning } from './problems.js';
import type { NodeInfo } from './types.js';

/** Branch × channel lookups allowed before giving up (keeps pathological graphs fast). */
const WORK_BUDGET = 5_000_000;

/** Writers of one replace channel, sorted by dominator-tree entry time. */
interface ChannelWriters {
  enter: number[];
  nodes: number[];
}

/**
 * Parallel branches may not write the same `replace` channel (LangGraph raises
 * InvalidUpdateError at run time; we say so at validation time).
 *
 * - A control `all` node with two or more distinct targets is a static fan-out. The branch of a
 *   target `t` is the set of nodes `t` dominates (every path from the start to them passes
 *   through `t`): the nodes that run only because `t` ran. The join, and anything reachable
 *   another way, belongs to no branch. A replace channel written in two branches is reported once
 *   per fan-out. Branches of different lengths count as concurrent even if the writes would land
 *   in different supersteps (conservative).
 * - A control `map` node runs each target once per item, all at once, so a target that writes a
 *   replace channel conflicts with itself (only direct targets are checked).
 * Choice nodes pick exclusive branches and are not fan-outs. Nodes the start cannot reach are
 * left out (they are reported as unreachable).
 */
export function checkConcurrentWrites(
  graph: Graph,
  starts: readonly number[],
  state: ReadonlyMap<string, Channel>,
  out: Problem[],
): void {
  const replaceWrites = graph.nodes.map((info) =>
    [...new Set(info.writes ?? [])].filter((name) => state.get(name)?.reducer === 'replace'),
  );
  if (replaceWrites.every((w) => w.length === 0)) return;

  const successors = graph.outgoing.map((list) => list.flatMap((p) => graph.edges[p]?.to ?? []));
  // An error branch replaces the normal outputs, it never runs beside them: not a fan-out.
  const branchTargets = graph.outgoing.map((list) =>
    list.flatMap((p) => {
      const e = graph.edges[p];
      return e && e.edge.sourceHandle !== ERROR_PORT ? [e.to] : [];
    }),
  );
  const dom = dominators(successors, starts);
  const writers = channelWriters(replaceWrites, dom);
  let budget = WORK_BUDGET;

  graph.nodes.forEach((info, v) => {
    const control = controlOf(info);
    if ((control !== 'all' && control !== 'map') || dom.enter[v] === -1) return;
    const targets = [...new Set(branchTargets[v])].filter((t) => t !== v);
    if (control === 'map') {
      reportMapWorkers(graph, info, targets, replaceWrites, out);
      return;
    }
    if (targets.length < 2 || budget < 0) return;
    budget -= targets.length * writers.size;
    if (budget < 0) {
      out.push(
        warning(
          'concurrent_write',
          ['nodes', info.index],
          `The workflow is too large to check every parallel branch for concurrent writes (stopped at ${info.name})`,
          {
            nodeId: info.node.id,
          },
        ),
      );
      return;
    }
    for (const [channel, list] of writers) {
      const hits = targets.flatMap((t) => {
        const w = writerIn(list, branchRange(dom, t, v));
        return w === undefined ? [] : [{ start: t, writer: w }];
      });
      const second = hits[1];
      if (!second) continue;
      const names = hits.map(({ start, writer }) => {
        const w = graph.nodes[writer]?.name ?? '';
        return writer === start ? w : `${w} (in the branch starting at ${graph.nodes[start]?.name ?? ''})`;
      });
      out.push(
        error(
          'concurrent_write',
          ['nodes', info.index],
          `Parallel branches from ${info.name} write channel "${channel}" whose reducer is replace: ${names.join(', ')}; give "${channel}" a reducer (append, merge, sum, messages) or write different channels`,
          { nodeId: graph.nodes[second.writer]?.node.id ?? info.node.id },
        ),
      );
    }
  });
}

/** Reachable writers of each replace channel that has at least two of them. */
function channelWriters(replaceWrites: readonly string[][], dom: Dominators): Map<string, ChannelWriters> {
  const all = new Map<string, number[]>();
  replaceWrites.forEach((channels, v) => {
    if (dom.enter[v] === -1) return;
    for (const c of channels) {
      const list = all.get(c);
      if (list) list.push(v);
      else all.set(c, [v]);
    }
  });
  const result = new Map<string, ChannelWriters>();
  for (const [channel, nodes] of all) {
    if (nodes.length < 2) continue;
    nodes.sort((a, b) => (dom.enter[a] ?? 0) - (dom.enter[b] ?? 0));
    result.set(channel, { nodes, enter: nodes.map((v) => dom.enter[v] ?? 0) });
  }
  return result;
}

/**
 * Entry-time range of the branch that starts at `t`: its dominator subtree. When `t` dominates
 * the fan-out itself (the edge closes a loop), the branch is `t` alone.
 */
function branchRange(dom: Dominators, t: number, fanOut: number): [number, number] {
  const from = dom.enter[t] ?? -1;
  const to = dom.leave[t] ?? -1;
  const self = dom.enter[fanOut] ?? -1;
  if (from <= self && self <= to) return [from, from];
  return [from, to];
}

/** A writer whose entry time lies in `[from, to]`, by binary search. */
function writerIn(list: ChannelWriters, [from, to]: [number, number]): number | undefined {
  if (from < 0) return undefined;
  let lo = 0;
  let hi = list.enter.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list.enter[mid] ?? 0) < from) lo = mid + 1;
    else hi = mid;
  }
  return (list.enter[lo] ?? Infinity) <= to ? list.nodes[lo] : undefined;
}

function reportMapWorkers(
  graph: Graph,
  map: NodeInfo,
  targets: readonly number[],
  replaceWrites: readonly string[][],
  out: Problem[],
): void {
  for (const t of targets) {
    const worker = graph.nodes[t];
    if (!worker) continue;
    for (const channel of replaceWrites[t] ?? []) {
      out.push(
        error(
          'concurrent_write',
          ['nodes', map.index],
          `${worker.name} runs once per item of map node ${map.name}, all at once, and writes channel "${channel}" whose reducer is replace; give "${channel}" a reducer (append, merge, sum, messages) or write a different channel`,
          { nodeId: worker.node.id },
        ),
      );
    }
  }
}
