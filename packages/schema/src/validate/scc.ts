/** Strongly connected components of a directed graph. */
export interface Components {
  /** Component number of each vertex. */
  component: Int32Array;
  /** Vertices of each component; components come in reverse topological order. */
  members: number[][];
}

/**
 * Tarjan's algorithm without recursion (graphs have thousands of nodes), O(V + E).
 * `successors[v]` lists the targets of the edges leaving `v`.
 */
export function stronglyConnected(successors: readonly (readonly number[])[]): Components {
  const n = successors.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const next = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const component = new Int32Array(n).fill(-1);
  const members: number[][] = [];
  const stack: number[] = [];
  const calls: number[] = [];
  let counter = 0;

  const enter = (v: number): void => {
    order[v] = counter;
    low[v] = counter;
    counter++;
    stack.push(v);
    onStack[v] = 1;
    calls.push(v);
  };

  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    enter(root);
    while (calls.length > 0) {
      const v = calls[calls.length - 1] ?? 0;
      const list = successors[v] ?? [];
      const i = next[v] ?? 0;
      if (i < list.length) {
        next[v] = i + 1;
        const w = list[i] ?? 0;
        if (order[w] === -1) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v] ?? 0, order[w] ?? 0);
        continue;
      }
      calls.pop();
      if (low[v] === order[v]) {
        const id = members.length;
        const group: number[] = [];
        let w: number | undefined;
        do {
          w = stack.pop();
          if (w === undefined) break;
          onStack[w] = 0;
          component[w] = id;
          group.push(w);
        } while (w !== v);
        members.push(group);
      }
      const parent = calls[calls.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent] ?? 0, low[v] ?? 0);
    }
  }
  return { component, members };
}
