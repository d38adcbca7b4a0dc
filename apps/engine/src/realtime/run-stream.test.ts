import { describe, expect, it, vi } from 'vitest';
import type { TraceEvent, TraceEventBody } from '@flowcraft/schema';
import type { EventListener, EventLog } from './event-log.js';
import { MemoryEventLog } from './memory-event-log.js';
import { RunStream } from './run-stream.js';

const token = (text: string): TraceEventBody => ({ type: 'model.token', nodeId: 'llm', text });

function fill(log: MemoryEventLog, runId: string, n: number): void {
  for (let i = 0; i < n; i++) log.append(runId, token(`t${i}`));
}

function collect(log: EventLog, afterSeq: number, pageSize?: number) {
  const seqs: number[] = [];
  const stream = new RunStream({
    log,
    runId: 'r',
    afterSeq,
    send: (e) => seqs.push(e.seq),
    ...(pageSize ? { pageSize } : {}),
  });
  return { seqs, stream };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('RunStream', () => {
  it('replays the stored events, then delivers live ones', async () => {
    const log = new MemoryEventLog();
    fill(log, 'r', 3);
    const { seqs, stream } = collect(log, 0);
    expect(await stream.start()).toEqual({ lastSeq: 3 });
    expect(seqs).toEqual([1, 2, 3]);
    fill(log, 'r', 2);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    fill(log, 'other', 2);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it('starts after afterSeq', async () => {
    const log = new MemoryEventLog();
    fill(log, 'r', 6);
    const { seqs, stream } = collect(log, 4);
    await stream.start();
    expect(seqs).toEqual([5, 6]);
  });

  it('waits for a run that has no events yet, and for seqs past afterSeq', async () => {
    const log = new MemoryEventLog();
    const { seqs, stream } = collect(log, 2);
    expect(await stream.start()).toEqual({ lastSeq: 2 });
    fill(log, 'r', 4);
    expect(seqs).toEqual([3, 4]);
  });

  it('delivers each event once, in order, when events are appended before and after each read snapshot', async () => {
    const log = new MemoryEventLog();
    fill(log, 'r', 9);
    let reads = 0;
    log.hooks = {
      beforeRead: () => fill(log, 'r', 2), // in the snapshot and also delivered live
      afterRead: async () => {
        reads++;
        fill(log, 'r', 3); // not in the snapshot: only live
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    };
    const { seqs, stream } = collect(log, 0, 4);
    const { lastSeq } = await stream.start();
    log.hooks = {};
    fill(log, 'r', 2);
    const stored = (await log.listAfter('r', 0, 1000)).map((e) => e.seq);
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(stored).toHaveLength(9 + 5 * reads + 2);
    expect(seqs).toEqual(range(1, stored.length));
    expect(lastSeq).toBe(stored.length - 2);
  });

  it('stops reading the log once the live events continue the replay (a fast writer cannot starve it)', async () => {
    const log = new MemoryEventLog();
    fill(log, 'r', 3);
    let reads = 0;
    log.hooks = {
      afterRead: () => {
        reads++;
        fill(log, 'r', 10); // faster than one page per read
      },
    };
    const { seqs, stream } = collect(log, 0, 2);
    await stream.start();
    log.hooks = {};
    expect(reads).toBeLessThanOrEqual(2);
    const stored = await log.listAfter('r', 0, 1000);
    expect(stored).toHaveLength(3 + 10 * reads);
    expect(seqs).toEqual(range(1, stored.length));
  });

  it('fills a gap in the live events from the log', async () => {
    const inner = new MemoryEventLog();
    const dropped = new Set([3, 4]);
    const lossy: EventLog = {
      listAfter: (runId, afterSeq, limit) => inner.listAfter(runId, afterSeq, limit),
      subscribe: (runId, listener: EventListener) =>
        inner.subscribe(runId, (e) => (dropped.has(e.seq) ? undefined : listener(e))),
      watchThread: (threadId, listener) => inner.watchThread(threadId, listener),
    };
    const { seqs, stream } = collect(lossy, 0);
    await stream.start();
    fill(inner, 'r', 6);
    await vi.waitFor(() => expect(seqs).toEqual([1, 2, 3, 4, 5, 6]));
  });

  it('delivers past a gap the log cannot fill rather than stall', async () => {
    const listeners: EventListener[] = [];
    const event = (seq: number): TraceEvent => ({
      type: 'model.token',
      nodeId: 'n',
      text: '',
      runId: 'r',
      seq,
      ts: new Date().toISOString(),
    });
    const log: EventLog = {
      listAfter: async () => [],
      subscribe: (_runId, listener) => {
        listeners.push(listener);
        return () => undefined;
      },
      watchThread: () => () => undefined,
    };
    const { seqs, stream } = collect(log, 0);
    await stream.start();
    listeners[0]?.(event(1));
    listeners[0]?.(event(3));
    listeners[0]?.(event(3));
    await vi.waitFor(() => expect(seqs).toEqual([1, 3]));
    listeners[0]?.(event(2));
    listeners[0]?.(event(4));
    await vi.waitFor(() => expect(seqs).toEqual([1, 3, 4]));
  });

  it('stops delivering and unsubscribes when closed', async () => {
    const log = new MemoryEventLog();
    const { seqs, stream } = collect(log, 0);
    await stream.start();
    expect(log.listenerCount('r')).toBe(1);
    stream.close();
    fill(log, 'r', 2);
    expect(seqs).toEqual([]);
    expect(log.listenerCount('r')).toBe(0);
  });

  it('reports a failed read, rejects start and unsubscribes', async () => {
    const log = new MemoryEventLog();
    log.hooks = {
      beforeRead: () => {
        throw new Error('db down');
      },
    };
    const onError = vi.fn();
    const stream = new RunStream({ log, runId: 'r', afterSeq: 0, send: () => undefined, onError });
    await expect(stream.start()).rejects.toThrow('db down');
    expect(onError).toHaveBeenCalledOnce();
    expect(log.listenerCount('r')).toBe(0);
  });
});
