import type { Problem } from '../problem.js';
import type { Channel } from '../workflow.js';
import type { Graph } from './graph.js';
import { error, warning } from './problems.js';
import type { NodeInfo } from './types.js';

const UNSEEN = -1;
const SHARED = -2;
/** Total node and edge visits spent on branch exploration before giving up (keeps huge graphs fast). */
const WORK_BUDGET = 2_000_000;

interface Writer {
  branch: number;
  info: NodeInfo;
}

/**
 * Parallel branches may not write the same `replace` channel (LangGraph raises
 * InvalidUpdateError at run time; we say so at validation time).
 *
 * - A control `all` node with two or more distinct targets is a static fan-out. Each target starts
 *   a branch; a branch holds the nodes reachable from its start only (nodes reachable from several
 *   branches are the join and what follows it). A replace channel written in two branches is
 *   reported once per fan-out. This is conservative: branches of different lengths are treated as
 *   concurrent even when the writes would land in different supersteps.
 * - A control `map` node runs each target once per item, concurrently, so a target that writes a
 *   replace channel conflicts with itself. (Only direct targets are checked.)
 * Choice nodes pick exclusive branches and are not fan-outs.
 */
export function checkConcurrentWrites(graph: Graph, state: ReadonlyMap<string, Channel>, out: Problem[]): void {
  const replaceWrites = graph.nodes.map((info) => [...new Set(info.writes ?? [])].filter((name) => state.get(name)?.reducer === 'replace'));
  if (replaceWrites.every((w) => w.length === 0)) return;

  const label = new Int32Array(graph.nodes.length).fill(UNSEEN);
  let budget = WORK_BUDGET;
  let truncated = false;

  graph.nodes.forEach((info, v) => {
    const control = info.entry?.control;
    if (control !== 'all' && control !== 'map') return;
    const targets = distinctTargets(graph, v);
    if (control === 'map') {
      for (const t of targets) {
        const worker = graph.nodes[t];
        if (!worker) continue;
        for (const channel of replaceWrites[t] ?? []) {
          out.push(
            error(
              'concurrent_write',
              ['nodes', info.index],
              `${worker.name} runs once per item of map node ${info.name}, all at once, and writes channel "${channel}" whose reducer is replace; give "${channel}" a reducer (append, merge, sum, messages) or write a different channel`,
              { nodeId: worker.node.id },
            ),
          );
        }
      }
      return;
    }
    if (targets.length < 2 || truncated) return;

    // Label each node with the one branch that reaches it, or SHARED.
    const touched: number[] = [];
    targets.forEach((t, k) => {
      label[t] = k;
      touched.push(t);
    });
    const isBranchStart = new Set(targets);
    for (let head = 0; head < touched.length; head++) {
      const u = touched[head] ?? 0;
      const mine = label[u] ?? UNSEEN;
      const edges = graph.outgoing[u] ?? [];
      budget -= 1 + edges.length;
      if (budget < 0) break;
      for (const position of edges) {
        const w = graph.edges[position]?.to;
        if (w === undefined || w === v || isBranchStart.has(w)) continue;
        const theirs = label[w] ?? UNSEEN;
        if (theirs === UNSEEN) {
          label[w] = mine;
          touched.push(w);
        } else if (theirs !== SHARED && theirs !== mine) {
          label[w] = SHARED;
          touched.push(w);
        }
      }
    }
    if (budget < 0) {
      truncated = true;
      out.push(
        warning('concurrent_write', ['nodes', info.index], `The workflow is too large to check all parallel branches for concurrent writes (stopped at ${info.name})`, {
          nodeId: info.node.id,
        }),
      );
    } else {
      reportBranchConflicts(graph, info, targets, touched, label, replaceWrites, out);
    }
    for (const u of touched) label[u] = UNSEEN;
  });
}

function distinctTargets(graph: Graph, v: number): number[] {
  const targets = new Set<number>();
  for (const position of graph.outgoing[v] ?? []) {
    const to = graph.edges[position]?.to;
    if (to !== undefined && to !== v) targets.add(to);
  }
  return [...targets];
}

function reportBranchConflicts(
  graph: Graph,
  fanOut: NodeInfo,
  targets: readonly number[],
  touched: readonly number[],
  label: Int32Array,
  replaceWrites: readonly string[][],
  out: Problem[],
): void {
  const writers = new Map<string, Writer[]>();
  for (const u of touched) {
    const branch = label[u] ?? UNSEEN;
    if (branch < 0) continue;
    const info = graph.nodes[u];
    if (!info) continue;
    for (const channel of replaceWrites[u] ?? []) {
      const list = writers.get(channel) ?? [];
      if (!list.some((w) => w.branch === branch)) list.push({ branch, info });
      writers.set(channel, list);
    }
  }
  for (const [channel, list] of writers) {
    const [first, second] = list;
    if (!first || !second) continue;
    const branchNames = list.map((w) => {
      const start = graph.nodes[targets[w.branch] ?? -1];
      return start && start !== w.info ? `${w.info.name} (in the branch starting at ${start.name})` : w.info.name;
    });
    out.push(
      error(
        'concurrent_write',
        ['nodes', fanOut.index],
        `Parallel branches from ${fanOut.name} write channel "${channel}" whose reducer is replace: ${branchNames.join(', ')}; give "${channel}" a reducer (append, merge, sum, messages) or write different channels`,
        { nodeId: second.info.node.id },
      ),
    );
  }
}
