import { describe, expect, it } from 'vitest';
import { stronglyConnected } from './scc.js';

function groups(successors: number[][]): number[][] {
  return stronglyConnected(successors)
    .members.map((g) => [...g].sort((a, b) => a - b))
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

describe('stronglyConnected', () => {
  it('finds cycles and singletons', () => {
    // 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 4 -> 3, 5 alone
    expect(groups([[1], [2], [0, 3], [4], [3], []])).toEqual([[0, 1, 2], [3, 4], [5]]);
  });

  it('returns components in reverse topological order', () => {
    const { members } = stronglyConnected([[1], [2], []]);
    expect(members).toEqual([[2], [1], [0]]);
  });

  it('handles a 100,000-node cycle without recursion', () => {
    const n = 100_000;
    const successors = Array.from({ length: n }, (_, i) => [(i + 1) % n]);
    const { members, component } = stronglyConnected(successors);
    expect(members).toHaveLength(1);
    expect(component[n - 1]).toBe(0);
  });
});
