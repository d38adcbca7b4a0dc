import type { RunComparison, RunSummary } from '../api/debug-api.js';

type NodeSummary = RunSummary['nodes'][string];

export interface CompareRow {
  nodeId: string;
  a: NodeSummary | undefined;
  b: NodeSummary | undefined;
  /** Only one run ran it, or their last updates differ. */
  differs: boolean;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Per-node rows of two runs, in the order they first ran (run a's path, then b's extra nodes). */
export function compareRows(cmp: RunComparison): CompareRow[] {
  const order = [...new Set([...cmp.a.path, ...cmp.b.path, ...Object.keys(cmp.a.nodes), ...Object.keys(cmp.b.nodes)])];
  return order.map((nodeId) => {
    const a = cmp.a.nodes[nodeId];
    const b = cmp.b.nodes[nodeId];
    return { nodeId, a, b, differs: !a || !b || !same(a.update, b.update) };
  });
}

/** Index of the first step where the two paths differ (-1 when they are the same). */
export function divergence(a: readonly string[], b: readonly string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export function totalTokens(s: RunSummary): number {
  return s.tokens.input + s.tokens.output;
}
