import { describe, expect, it } from 'vitest';
import type { ThreadState, TraceEvent } from '@flowcraft/schema';
import { StreamProjection } from './projection.js';
import { encodeSse, parseEventId } from './sse.js';
import type { StreamMode } from './wire.js';

const base = { runId: 'r1', ts: '2026-01-01T00:00:00.000Z' };
const state = (checkpointId: string, values: Record<string, unknown>): ThreadState => ({
  threadId: 't1',
  checkpointId,
  parentCheckpointId: 'c0',
  step: 1,
  source: 'loop',
  values,
  next: ['end'],
  tasks: [],
  runId: 'r1',
  metadata: { source: 'loop', step: 1, parents: {} },
  createdAt: base.ts,
});

const events: TraceEvent[] = [
  { ...base, seq: 1, type: 'run.started', threadId: 't1', workflowId: 'w', input: {} },
  { ...base, seq: 2, type: 'node.started', nodeId: 'writer', step: 1, attempt: 1 },
  { ...base, seq: 3, type: 'model.token', nodeId: 'writer', text: 'Hel' },
  { ...base, seq: 4, type: 'model.token', nodeId: 'writer', text: 'lo' },
  { ...base, seq: 5, type: 'node.progress', nodeId: 'writer', step: 1, kind: 'note', data: { n: 1 } },
  {
    ...base,
    seq: 6,
    type: 'node.finished',
    nodeId: 'writer',
    step: 1,
    update: { draft: 'Hello', __p_x: 1 },
    durationMs: 1,
  },
  { ...base, seq: 7, type: 'checkpoint.saved', checkpointId: 'c1', parentId: 'c0', step: 1, next: ['end'] },
  { ...base, seq: 8, type: 'run.interrupted', interrupts: [{ id: 'i1', nodeId: 'review', value: { q: 'ok?' } }] },
];

async function project(modes: StreamMode[], emit = true) {
  const reads: string[] = [];
  const p = new StreamProjection({
    modes: new Set(modes),
    runId: 'r1',
    threadId: 't1',
    readState: async (id) => {
      reads.push(id);
      return state(id, { draft: 'Hello' });
    },
  });
  const out = [];
  for (const e of events) out.push(...(await p.project(e, emit)));
  return { out, reads };
}

describe('StreamProjection', () => {
  it('maps trace events to the requested modes only, in event order', async () => {
    const { out } = await project(['updates', 'values', 'messages-tuple', 'custom']);
    expect(out.map((p) => p.event)).toEqual([
      'messages',
      'messages',
      'custom',
      'updates',
      'values',
      'updates',
      'values',
    ]);
    expect(out[0]?.data).toEqual([
      expect.objectContaining({ type: 'AIMessageChunk', content: 'Hel', id: 'msg-r1:writer:1' }),
      expect.objectContaining({ langgraph_node: 'writer', langgraph_step: 1, run_id: 'r1', thread_id: 't1' }),
    ]);
    expect(out[3]?.data).toEqual({ writer: { draft: 'Hello' } });
    expect(out[4]?.data).toEqual({ draft: 'Hello' });
    expect(out[5]?.data).toEqual({ __interrupt__: [{ id: 'i1', value: { q: 'ok?' } }] });
    expect(out[6]?.data).toEqual({ draft: 'Hello', __interrupt__: [{ id: 'i1', value: { q: 'ok?' } }] });
  });

  it('messages mode sends metadata once, growing partials, and the complete message at node end', async () => {
    const { out } = await project(['messages']);
    expect(out.map((p) => p.event)).toEqual([
      'messages/metadata',
      'messages/partial',
      'messages/partial',
      'messages/complete',
    ]);
    expect(out[2]?.data).toEqual([expect.objectContaining({ content: 'Hello' })]);
  });

  it('debug, tasks and checkpoints carry task ids, results and checkpoint configs', async () => {
    const { out } = await project(['debug', 'tasks', 'checkpoints']);
    const debug = out.filter((p) => p.event === 'debug').map((p) => (p.data as { type: string }).type);
    expect(debug).toEqual(['task', 'task_result', 'checkpoint']);
    const cp = out.find((p) => p.event === 'checkpoints')?.data as { config: unknown; parent_config: unknown };
    expect(cp.config).toEqual({ configurable: { thread_id: 't1', checkpoint_ns: '', checkpoint_id: 'c1' } });
    expect(cp.parent_config).toEqual({ configurable: { thread_id: 't1', checkpoint_ns: '', checkpoint_id: 'c0' } });
    const [start, result] = out
      .filter((p) => p.event === 'tasks')
      .map((p) => p.data as { id: string; result?: unknown });
    expect(start?.id).toBe(result?.id);
    expect(result?.result).toEqual([['draft', 'Hello']]);
  });

  it('with emit false keeps its state without reading checkpoints or emitting', async () => {
    const { out, reads } = await project(['values', 'messages-tuple'], false);
    expect(out).toEqual([]);
    expect(reads).toEqual([]);
  });
});

describe('SSE framing', () => {
  it('encodes single-line JSON data with an optional id, and parses ids back', () => {
    expect(encodeSse('values', { a: 'x\ny' }, '7-1')).toBe('event: values\ndata: {"a":"x\\ny"}\nid: 7-1\n\n');
    expect(encodeSse('metadata', { run_id: 'r' })).toBe('event: metadata\ndata: {"run_id":"r"}\n\n');
    expect(parseEventId('7-1')).toEqual({ seq: 7, index: 1 });
    expect(parseEventId('nope')).toBeUndefined();
    expect(parseEventId(undefined)).toBeUndefined();
  });
});
