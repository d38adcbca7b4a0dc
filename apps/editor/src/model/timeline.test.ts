import { describe, expect, it } from 'vitest';
import { cp } from './checkpoint-fixtures.js';
import { buildTimeline, marksAt, nextOnBranch, parentOf, pathTo } from './timeline.js';

/**
 * in → s0(start) → s1(write) → s2(stats) → s3(end)           original run
 *                     └ u1 (edit as write) → s2b → s3b          edit and fork at s1
 *          └ f0 (replay from s0) → f1                          replay from s0
 */
function thread() {
  const items = [
    cp('in', null, { step: -1, source: 'input', next: ['start'] }),
    cp('s0', 'in', { step: 0, next: ['write'], values: { brief: 'b' } }),
    cp('s1', 's0', { step: 1, next: ['stats'], values: { brief: 'b', copy: 'v1' } }),
    cp('s2', 's1', { step: 2, next: ['end'], values: { brief: 'b', copy: 'v1', revisions: 2 } }),
    cp('s3', 's2', { step: 3, next: [] }),
    cp('u1', 's1', { step: 2, source: 'update', next: ['stats'], values: { brief: 'b', copy: 'edited' } }),
    cp('s2b', 'u1', { step: 3, next: ['end'] }),
    cp('s3b', 's2b', { step: 4, next: [] }),
    cp('f0', 's0', { step: 1, source: 'fork', next: ['write'] }),
    cp('f1', 'f0', { step: 2, next: ['stats'] }),
  ];
  // The API answers newest first, across branches.
  return items.reverse();
}

describe('checkpoint timeline', () => {
  it('builds the tree from parent ids: each fork is a branch listed after its fork point, indented', () => {
    const t = buildTimeline(thread());
    expect(t.rows.map((r) => `${'  '.repeat(r.depth)}${r.id}${r.branchStart ? '*' : ''}`)).toEqual([
      'in',
      's0',
      '  f0*',
      '  f1',
      's1',
      '  u1*',
      '  s2b',
      '  s3b',
      's2',
      's3',
    ]);
    expect(t.branchCount).toBe(3);
    expect(new Set(t.rows.filter((r) => r.depth === 0).map((r) => r.lane))).toEqual(new Set([0]));
    expect(t.byId.get('u1')?.lane).not.toBe(t.byId.get('f0')?.lane);
    expect(t.byId.get('s3b')?.lane).toBe(t.byId.get('u1')?.lane);
    expect(t.byId.get('s1')?.children).toEqual(['s2', 'u1']);
    expect(t.latestId).toBe('f1');
  });

  it('records what ran to produce each checkpoint: the parent next nodes (none for input and edits)', () => {
    const t = buildTimeline(thread());
    expect(t.byId.get('in')?.ran).toEqual([]);
    expect(t.byId.get('s0')?.ran).toEqual(['start']);
    expect(t.byId.get('s1')?.ran).toEqual(['write']);
    expect(t.byId.get('u1')?.ran).toEqual([]);
    expect(t.byId.get('s2b')?.ran).toEqual(['stats']);
  });

  it('walks a branch: path from the root, parent, next on the same branch', () => {
    const t = buildTimeline(thread());
    expect(pathTo(t, 's3b')).toEqual(['in', 's0', 's1', 'u1', 's2b', 's3b']);
    expect(parentOf(t, 'u1')).toBe('s1');
    expect(nextOnBranch(t, 's1')).toBe('s2');
    expect(nextOnBranch(t, 'u1')).toBe('s2b');
    expect(nextOnBranch(t, 's3')).toBeUndefined();
    expect(parentOf(t, 'in')).toBeUndefined();
  });

  it('marks the canvas: earlier nodes on the branch, the nodes that just ran, the next ones', () => {
    const t = buildTimeline(thread());
    expect(marksAt(t, 's1')).toEqual({ start: 'ran-before', write: 'ran', stats: 'next' });
    // The edit branch: nothing "ran" for the update itself, stats is next.
    expect(marksAt(t, 'u1')).toEqual({ start: 'ran-before', write: 'ran-before', stats: 'next' });
    // The engine's own `ran` wins when known.
    expect(marksAt(t, 'u1', ['write'])).toMatchObject({ write: 'ran' });
    expect(marksAt(t, 'missing')).toEqual({});
  });

  it('keeps checkpoints whose parent is on a page not loaded yet, as roots of their own branch', () => {
    const items = thread().filter((c) => c.checkpointId !== 's1');
    const t = buildTimeline(items);
    expect(t.rows).toHaveLength(9);
    const s2 = t.byId.get('s2');
    const u1 = t.byId.get('u1');
    expect(s2?.depth === 0 || u1?.depth === 0).toBe(false);
    // s0 has one loaded child left, so the replay now continues the original line.
    expect(
      t.rows
        .filter((r) => r.branchStart)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['s2', 'u1']);
    expect(t.byId.get('f0')).toMatchObject({ depth: 0, lane: 0 });
    expect(s2?.ran).toEqual([]);
  });

  it('handles a long linear thread without recursion limits', () => {
    const items = [cp('c0', null, { step: -1, source: 'input' })];
    for (let i = 1; i < 5000; i++) items.push(cp(`c${i}`, `c${i - 1}`, { step: i - 1, next: ['n'] }));
    const t = buildTimeline(items);
    expect(t.rows).toHaveLength(5000);
    expect(t.rows.at(-1)?.id).toBe('c4999');
    expect(t.branchCount).toBe(1);
  });
});

describe('engine-internal nodes', () => {
  it('are left out of what ran and of the canvas marks', () => {
    const t = buildTimeline([
      cp('in', null, { source: 'input', next: ['__start__'] }),
      cp('s0', 'in', { next: ['start'] }),
    ]);
    expect(t.byId.get('s0')?.ran).toEqual([]);
    expect(marksAt(t, 'in')).toEqual({});
    expect(marksAt(t, 's0', ['__start__'])).toEqual({ start: 'next' });
  });
});
