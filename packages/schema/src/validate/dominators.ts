/** The dominator tree of a directed graph, with an Euler-tour numbering for subtree queries. */
export interface Dominators {
  /** Immediate dominator of each vertex; -1 for the roots and for vertices no root reaches. */
  idom: Int32Array;
  /** Entry time of each vertex in a pre-order walk of the dominator tree; -1 when unreachable. */
  enter: Int32Array;
  /** Largest entry time inside each vertex's subtree: `u` is dominated by `d` iff enter[d] <= enter[u] <= leave[d]. */
  leave: Int32Array;
}

/**
 * Lengauer–Tarjan (simple version with path compression), without recursion: O(E log V).
 * Several roots are handled through a virtual root that precedes them all.
 */
export function dominators(successors: readonly (readonly number[])[], roots: readonly number[]): Dominators {
  const n = successors.length;
  const virtualRoot = n;
  const size = n + 1;
  const succ = (v: number): readonly number[] => (v === virtualRoot ? roots : (successors[v] ?? []));

  // Depth-first numbering from the virtual root.
  const dfnum = new Int32Array(size).fill(-1);
  const vertex: number[] = [];
  const parent = new Int32Array(size).fill(-1);
  const preds: number[][] = Array.from({ length: size }, () => []);
  const stack: [number, number][] = [[virtualRoot, -1]];
  while (stack.length > 0) {
    const [v, from] = stack.pop() ?? [virtualRoot, -1];
    if (dfnum[v] !== -1) continue;
    dfnum[v] = vertex.length;
    vertex.push(v);
    parent[v] = from;
    const list = succ(v);
    for (let i = list.length - 1; i >= 0; i--) {
      const w = list[i] ?? 0;
      preds[w]?.push(v);
      if (dfnum[w] === -1) stack.push([w, v]);
    }
  }

  const semi = Int32Array.from(dfnum);
  const label = Int32Array.from({ length: size }, (_, i) => i);
  const ancestor = new Int32Array(size).fill(-1);
  const idom = new Int32Array(size).fill(-1);
  const bucket: number[][] = Array.from({ length: size }, () => []);

  const path: number[] = [];
  const compress = (v: number): void => {
    path.length = 0;
    let x = v;
    for (;;) {
      const a = ancestor[x] ?? -1;
      if (a === -1 || (ancestor[a] ?? -1) === -1) break;
      path.push(x);
      x = a;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const y = path[i] ?? 0;
      const a = ancestor[y] ?? 0;
      if ((semi[label[a] ?? 0] ?? 0) < (semi[label[y] ?? 0] ?? 0)) label[y] = label[a] ?? 0;
      ancestor[y] = ancestor[a] ?? -1;
    }
  };
  const evaluate = (v: number): number => {
    if (ancestor[v] === -1) return v;
    compress(v);
    return label[v] ?? v;
  };

  for (let i = vertex.length - 1; i >= 1; i--) {
    const w = vertex[i] ?? 0;
    for (const v of preds[w] ?? []) {
      if (dfnum[v] === -1) continue;
      const u = evaluate(v);
      if ((semi[u] ?? 0) < (semi[w] ?? 0)) semi[w] = semi[u] ?? 0;
    }
    bucket[vertex[semi[w] ?? 0] ?? 0]?.push(w);
    const p = parent[w] ?? 0;
    ancestor[w] = p;
    for (const v of bucket[p] ?? []) {
      const u = evaluate(v);
      idom[v] = (semi[u] ?? 0) < (semi[v] ?? 0) ? u : p;
    }
    bucket[p] = [];
  }
  for (let i = 1; i < vertex.length; i++) {
    const w = vertex[i] ?? 0;
    if (idom[w] !== vertex[semi[w] ?? 0]) idom[w] = idom[idom[w] ?? 0] ?? -1;
  }

  return { ...eulerTour(idom, vertex, virtualRoot), idom: idom.slice(0, n).map((d) => (d === virtualRoot ? -1 : d)) };
}

/** Pre-order entry/leave times over the dominator tree, skipping the virtual root. */
function eulerTour(
  idom: Int32Array,
  vertex: readonly number[],
  virtualRoot: number,
): { enter: Int32Array; leave: Int32Array } {
  const n = virtualRoot;
  const children: number[][] = Array.from({ length: n + 1 }, () => []);
  for (const v of vertex) {
    const d = idom[v] ?? -1;
    if (v !== virtualRoot && d !== -1) children[d]?.push(v);
  }
  const enter = new Int32Array(n).fill(-1);
  const leave = new Int32Array(n).fill(-1);
  let time = 0;
  // Each frame: [vertex, next child index].
  const frames: [number, number][] = [[virtualRoot, 0]];
  while (frames.length > 0) {
    const frame = frames[frames.length - 1];
    if (!frame) break;
    const [v, i] = frame;
    const kids = children[v] ?? [];
    if (i === 0 && v !== virtualRoot) enter[v] = time++;
    if (i < kids.length) {
      frame[1] = i + 1;
      frames.push([kids[i] ?? 0, 0]);
      continue;
    }
    frames.pop();
    if (v !== virtualRoot) leave[v] = time - 1;
  }
  return { enter, leave };
}
