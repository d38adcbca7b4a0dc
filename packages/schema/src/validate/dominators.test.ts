import { describe, expect, it } from 'vitest';
import { dominators } from './dominators.js';

/** Reachable vertices from `roots`, never entering `removed`. */
function reachable(successors: number[][], roots: number[], removed = -1): boolean[] {
  const seen = successors.map(() => false);
  const stack = roots.filter((r) => r !== removed);
  for (const r of stack) seen[r] = true;
  while (stack.length > 0) {
    const v = stack.pop() ?? 0;
    for (const w of successors[v] ?? []) {
      if (w === removed || seen[w]) continue;
      seen[w] = true;
      stack.push(w);
    }
  }
  return seen;
}

/** A small deterministic pseudo-random generator (tests must be reproducible). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('dominators', () => {
  it('finds immediate dominators of a diamond with a tail', () => {
    // 0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3, 3 -> 4; 5 is unreachable
    const { idom, enter } = dominators([[1, 2], [3], [3], [4], [], [4]], [0]);
    expect([...idom]).toEqual([-1, 0, 0, 0, 3, -1]);
    expect(enter[5]).toBe(-1);
  });

  it('matches the definition on random graphs, with loops and several roots', () => {
    const next = random(42);
    for (let round = 0; round < 200; round++) {
      const n = 2 + Math.floor(next() * 12);
      const successors = Array.from({ length: n }, () =>
        Array.from({ length: Math.floor(next() * 3) }, () => Math.floor(next() * n)),
      );
      const roots = round % 3 === 0 ? [0, n - 1] : [0];
      const { enter, leave } = dominators(successors, roots);
      const base = reachable(successors, roots);
      for (let d = 0; d < n; d++) {
        const without = reachable(successors, roots, d);
        for (let u = 0; u < n; u++) {
          if (!base[u]) {
            expect(enter[u]).toBe(-1);
            continue;
          }
          const expected = u === d || !without[u];
          const actual = (enter[d] ?? -1) <= (enter[u] ?? -1) && (enter[u] ?? -1) <= (leave[d] ?? -1);
          expect(actual, `round ${round}: does ${d} dominate ${u}?`).toBe(expected);
        }
      }
    }
  });

  it('handles a 100,000-node chain without recursion', () => {
    const n = 100_000;
    const { idom } = dominators(
      Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [])),
      [0],
    );
    expect(idom[n - 1]).toBe(n - 2);
  });
});
