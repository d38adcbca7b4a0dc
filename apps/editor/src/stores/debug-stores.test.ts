import { describe, expect, it, vi } from 'vitest';
import type { TraceEvent } from '@flowcraft/schema';
import type { HistoryPage, RunComparison, StateDiff } from '../api/debug-api.js';
import { breakpointCount, createBreakpointsStore } from './breakpoints-store.js';
import { compareRows, divergence } from '../model/compare.js';
import { cp } from '../model/checkpoint-fixtures.js';
import { createRunsStore } from './runs-store.js';
import { checkpointAt, createScrubStore } from './scrub-store.js';
import { createTimelineStore } from './timeline-store.js';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), map: m };
}

describe('breakpoints store', () => {
  it('toggles before/after per node and keeps them per workflow', () => {
    const storage = memoryStorage();
    const s = createBreakpointsStore(storage);
    s.getState().setWorkflow('w1');
    s.getState().toggle('write', 'before');
    s.getState().toggle('stats', 'after');
    s.getState().toggle('end', 'before');
    s.getState().toggle('end', 'before');
    expect(s.getState()).toMatchObject({ before: ['write'], after: ['stats'] });
    expect(breakpointCount(s.getState())).toBe(2);
    s.getState().setWorkflow('w2');
    expect(s.getState()).toMatchObject({ before: [], after: [] });
    s.getState().set('x', 'after', true);
    // A new page (store) reads them back.
    const again = createBreakpointsStore(storage);
    again.getState().setWorkflow('w1');
    expect(again.getState()).toMatchObject({ before: ['write'], after: ['stats'] });
    again.getState().setWorkflow('w2');
    expect(again.getState().after).toEqual(['x']);
    // Another workflow's (a child called from this one) are read without switching to it.
    expect(again.getState().of('w1')).toEqual({ before: ['write'], after: ['stats'] });
    expect(again.getState().of('w2')).toEqual({ before: [], after: ['x'] });
    expect(again.getState().of('unknown')).toEqual({ before: [], after: [] });
  });

  it('drops breakpoints of deleted nodes, clears, survives unreadable storage', () => {
    const storage = memoryStorage();
    storage.setItem('flowcraft.breakpoints.w', '{oops');
    const s = createBreakpointsStore(storage);
    s.getState().setWorkflow('w');
    expect(s.getState().before).toEqual([]);
    s.getState().set('a', 'before', true);
    s.getState().set('b', 'after', true);
    s.getState().prune(['a']);
    expect(s.getState()).toMatchObject({ before: ['a'], after: [] });
    s.getState().clear();
    expect(JSON.parse(storage.getItem('flowcraft.breakpoints.w') ?? '')).toEqual({ before: [], after: [] });
  });
});

describe('timeline store', () => {
  const page1: HistoryPage = {
    items: [cp('c2', 'c1', { step: 1, values: { x: 2 } }), cp('c1', 'c0', { step: 0, next: ['b'], values: { x: 1 } })],
    nextCursor: 'cur',
  };
  const page2: HistoryPage = { items: [cp('c0', null, { step: -1, source: 'input', next: ['a'] })], nextCursor: null };

  it('loads history page by page into one tree, selects, fetches the diff and marks the canvas', async () => {
    const diff: StateDiff = {
      checkpointId: 'c2',
      parentCheckpointId: 'c1',
      ran: ['b'],
      next: [],
      changes: [{ channel: 'x', kind: 'changed', before: 1, after: 2 }],
    };
    const api = {
      history: vi.fn(async (_t: string, cursor?: string) => (cursor ? page2 : page1)),
      diff: vi.fn(async () => diff),
    };
    const s = createTimelineStore(api);
    await s.getState().open('t');
    expect(s.getState().timeline.rows.map((r) => r.id)).toEqual(['c1', 'c2']);
    expect(s.getState().nextCursor).toBe('cur');
    await s.getState().loadMore();
    expect(api.history).toHaveBeenLastCalledWith('t', 'cur');
    expect(s.getState().timeline.rows.map((r) => r.id)).toEqual(['c0', 'c1', 'c2']);
    expect(s.getState().nextCursor).toBeNull();
    s.getState().select('c2');
    expect(s.getState().diffs.c2).toEqual({ status: 'loading' });
    await vi.waitFor(() => expect(s.getState().diffs.c2).toEqual({ status: 'ready', diff, local: false }));
    expect(s.getState().marks).toEqual({ a: 'ran-before', b: 'ran' });
    // Refreshing keeps the older pages and the selection.
    await s.getState().refresh();
    expect(s.getState().timeline.rows).toHaveLength(3);
    expect(s.getState().selectedId).toBe('c2');
    s.getState().select(undefined);
    expect(s.getState().marks).toEqual({});
  });

  it('computes the diff in the browser when the engine cannot, and forgets a thread it left', async () => {
    const api = {
      history: vi.fn(async () => ({ items: [...page1.items, ...page2.items], nextCursor: null })),
      diff: vi.fn(async () => Promise.reject(new Error('404'))),
    };
    const s = createTimelineStore(api);
    await s.getState().open('t');
    s.getState().select('c2');
    await vi.waitFor(() => expect(s.getState().diffs.c2?.status).toBe('ready'));
    expect(s.getState().diffs.c2).toMatchObject({
      local: true,
      diff: { ran: ['b'], changes: [{ channel: 'x', kind: 'changed', before: 1, after: 2 }] },
    });
    api.history.mockResolvedValueOnce({ items: [cp('z', null)], nextCursor: null });
    await s.getState().open('other');
    expect(s.getState()).toMatchObject({ threadId: 'other', selectedId: undefined, diffs: {} });
    expect(s.getState().timeline.rows.map((r) => r.id)).toEqual(['z']);
  });

  it('reports a failed history load', async () => {
    const s = createTimelineStore({
      history: async () => Promise.reject(new Error('down')),
      diff: async () => Promise.reject(new Error('x')),
    });
    await s.getState().open('t');
    expect(s.getState()).toMatchObject({ loading: false, error: 'down' });
  });
});

describe('scrub store', () => {
  const ts = '2025-01-01T00:00:00.000Z';
  const events: TraceEvent[] = [
    { type: 'run.started', runId: 'r', seq: 1, ts, threadId: 't', workflowId: 'w', input: {} },
    { type: 'node.started', runId: 'r', seq: 2, ts, nodeId: 'a', step: 0, attempt: 1 },
    { type: 'node.finished', runId: 'r', seq: 3, ts, nodeId: 'a', step: 0, update: { x: 1 }, durationMs: 3 },
    { type: 'checkpoint.saved', runId: 'r', seq: 4, ts, checkpointId: 'k1', parentId: null, step: 0, next: ['b'] },
    { type: 'node.started', runId: 'r', seq: 5, ts, nodeId: 'b', step: 1, attempt: 1 },
    { type: 'node.finished', runId: 'r', seq: 6, ts, nodeId: 'b', step: 1, update: {}, durationMs: 1 },
    { type: 'checkpoint.saved', runId: 'r', seq: 7, ts, checkpointId: 'k2', parentId: 'k1', step: 1, next: [] },
    { type: 'run.completed', runId: 'r', seq: 8, ts, output: { x: 1 }, durationMs: 9 },
  ];

  it('replays a stored run to any event and jumps checkpoint by checkpoint', async () => {
    const s = createScrubStore();
    await s.getState().open('r', 't', async () => [...events].reverse());
    expect(s.getState()).toMatchObject({ position: 8, view: { status: 'completed' } });
    s.getState().seek(2);
    expect(s.getState().view?.status).toBe('running');
    expect(s.getState().view?.nodes.a?.status).toBe('running');
    expect(checkpointAt(s.getState().events, 2)).toBeUndefined();
    s.getState().jumpCheckpoint(1);
    expect(s.getState().position).toBe(4);
    expect(s.getState().view?.nodes.a?.status).toBe('done');
    expect(s.getState().view?.lastCheckpointId).toBe('k1');
    s.getState().jumpCheckpoint(1);
    expect(s.getState().position).toBe(7);
    expect(checkpointAt(s.getState().events, 7)).toBe('k2');
    s.getState().jumpCheckpoint(1);
    expect(s.getState().position).toBe(7);
    s.getState().jumpCheckpoint(-1);
    expect(s.getState().position).toBe(4);
    s.getState().seek(99);
    expect(s.getState().position).toBe(8);
    s.getState().seek(0);
    expect(s.getState().view).toMatchObject({ status: 'queued', nodes: {} });
  });

  it('reports a failed load', async () => {
    const s = createScrubStore();
    await s.getState().open('r', 't', async () => Promise.reject(new Error('gone')));
    expect(s.getState()).toMatchObject({ loading: false, error: 'gone', events: [] });
  });
});

describe('runs and comparison', () => {
  const summary = (runId: string, path: string[], nodes: RunComparison['a']['nodes']) => ({
    runId,
    status: 'completed',
    durationMs: 10,
    tokens: { input: 5, output: 5 },
    path,
    nodes,
  });
  const node = (update: unknown) => ({ runs: 1, durationMs: 2, tokens: { input: 1, output: 1 }, update });
  const cmp: RunComparison = {
    a: summary('a', ['start', 'route', 'x', 'end'], {
      start: node({}),
      route: node({ r: 'x' }),
      x: node({ out: 1 }),
      end: node({}),
    }),
    b: summary('b', ['start', 'route', 'y', 'end'], {
      start: node({}),
      route: node({ r: 'y' }),
      y: node({ out: 2 }),
      end: node({}),
    }),
  };

  it('lines up per-node results and finds where the paths split', () => {
    expect(compareRows(cmp).map((r) => `${r.nodeId}:${r.a ? 'a' : '-'}${r.b ? 'b' : '-'}:${r.differs}`)).toEqual([
      'start:ab:false',
      'route:ab:true',
      'x:a-:true',
      'end:ab:false',
      'y:-b:true',
    ]);
    expect(divergence(cmp.a.path, cmp.b.path)).toBe(2);
    expect(divergence(['a'], ['a'])).toBe(-1);
    expect(divergence(['a'], ['a', 'b'])).toBe(1);
  });

  it('picks at most two runs, most recent kept, and compares them', async () => {
    const api = { list: vi.fn(async () => []), compare: vi.fn(async () => cmp) };
    const s = createRunsStore(api);
    await s.getState().load('w');
    s.getState().togglePick('r1');
    s.getState().togglePick('r2');
    s.getState().togglePick('r3');
    expect(s.getState().picked).toEqual(['r2', 'r3']);
    s.getState().togglePick('r2');
    expect(s.getState().picked).toEqual(['r3']);
    await s.getState().compare();
    expect(api.compare).not.toHaveBeenCalled();
    s.getState().togglePick('r1');
    await s.getState().compare();
    expect(api.compare).toHaveBeenCalledWith('r3', 'r1');
    expect(s.getState().comparison).toBe(cmp);
  });
});
