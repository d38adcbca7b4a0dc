import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@flowcraft/schema';
import { EventWriter } from './event-writer.js';

function deferred() {
  let release = () => {};
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

describe('EventWriter', () => {
  it('numbers events after the last stored seq and stores bursts in one batch each, publishing after storage', async () => {
    const batches: number[][] = [];
    const published: number[] = [];
    const gate = deferred();
    const writer = new EventWriter(
      'r1',
      10,
      async (events) => {
        batches.push(events.map((e) => e.seq));
        if (batches.length === 1) await gate.promise;
      },
      (e) => published.push(e.seq),
    );
    writer.emit({ type: 'run.cancelled' });
    await Promise.resolve();
    // The first batch is being written; these three queue up behind it.
    writer.emit({ type: 'run.cancelled' });
    writer.emit({ type: 'run.cancelled' });
    writer.emit({ type: 'run.cancelled' });
    expect(published).toEqual([]);
    gate.release();
    await writer.flush();
    expect(batches).toEqual([[11], [12, 13, 14]]);
    expect(published).toEqual([11, 12, 13, 14]);
  });

  it('joins the tokens of a node waiting for storage into one event; other nodes and events keep their own', async () => {
    const stored: TraceEvent[] = [];
    const gate = deferred();
    const writer = new EventWriter('r1', 0, async (events) => {
      stored.push(...events.map((e) => structuredClone(e)));
      if (stored.length === 1) await gate.promise;
    });
    writer.emit({ type: 'model.token', nodeId: 'a', text: 'He' });
    await Promise.resolve();
    // The first token is being written alone (time to first token unchanged); the rest wait behind it.
    writer.emit({ type: 'model.token', nodeId: 'a', text: 'llo' });
    writer.emit({ type: 'model.token', nodeId: 'a', text: ' wor' });
    writer.emit({ type: 'model.token', nodeId: 'b', text: 'x' });
    writer.emit({ type: 'model.token', nodeId: 'a', text: 'ld' });
    writer.emit({ type: 'model.token', nodeId: 'a', text: '!' });
    gate.release();
    await writer.flush();
    const tokens = stored.map((e) => (e.type === 'model.token' ? `${e.seq}:${e.nodeId}:${e.text}` : e.type));
    expect(tokens).toEqual(['1:a:He', '2:a:llo wor', '3:b:x', '4:a:ld!']);
    // The text of node a is complete and in order.
    expect(stored.flatMap((e) => (e.type === 'model.token' && e.nodeId === 'a' ? [e.text] : [])).join('')).toBe(
      'Hello world!',
    );
  });

  it('stops storing and publishing after a failed batch, and flush reports the failure', async () => {
    const stored: TraceEvent[] = [];
    const published: TraceEvent[] = [];
    let fail = true;
    const writer = new EventWriter(
      'r1',
      0,
      async (events) => {
        if (fail) throw new Error('database down');
        stored.push(...events);
      },
      (e) => published.push(e),
    );
    writer.emit({ type: 'run.cancelled' });
    await expect(writer.flush()).rejects.toThrow('database down');
    fail = false;
    writer.emit({ type: 'run.cancelled' });
    await expect(writer.flush()).rejects.toThrow('database down');
    expect(stored).toEqual([]);
    expect(published).toEqual([]);
  });
});

describe('EventWriter token pace', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('stores a paced stream of tokens at most once per interval, the first at once, every character in order', async () => {
    const batches: { at: number; texts: string[] }[] = [];
    const t0 = performance.now();
    const writer = new EventWriter(
      'r1',
      0,
      async (events) => {
        batches.push({
          at: performance.now() - t0,
          texts: events.map((e) => (e.type === 'model.token' ? e.text : e.type)),
        });
      },
      undefined,
      60,
    );
    const words = Array.from({ length: 30 }, (_, i) => `w${i} `);
    for (const w of words) {
      writer.emit({ type: 'model.token', nodeId: 'a', text: w });
      await sleep(8);
    }
    const streamed = performance.now() - t0;
    await writer.flush();
    // The first word alone, at once (time to first token unchanged).
    expect(batches[0]).toMatchObject({ texts: ['w0 '] });
    expect(batches[0]?.at).toBeLessThan(30);
    // ≥ 30 × 8 ms of stream: one batch per 60 ms, not one per word (30 without the pace).
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(streamed / 60) + 1);
    expect(batches.length).toBeLessThan(words.length / 3);
    for (let i = 1; i < batches.length - 1; i++)
      expect((batches[i]?.at ?? 0) - (batches[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(55);
    // Each batch holds one event for the node (joined), and nothing is lost or reordered.
    for (const b of batches) expect(b.texts).toHaveLength(1);
    expect(batches.flatMap((b) => b.texts).join('')).toBe(words.join(''));
  });

  it('stores the waiting tokens at once with any other event, and at a flush', async () => {
    const batches: string[][] = [];
    const writer = new EventWriter(
      'r1',
      0,
      async (events) => void batches.push(events.map((e) => (e.type === 'model.token' ? `token ${e.text}` : e.type))),
      undefined,
      10_000,
    );
    writer.emit({ type: 'model.token', nodeId: 'a', text: 'a' });
    await sleep(5);
    writer.emit({ type: 'model.token', nodeId: 'a', text: 'b' });
    await sleep(5);
    expect(batches).toEqual([['token a']]);
    writer.emit({ type: 'node.progress', nodeId: 'a', step: 1, kind: 'note', data: {} });
    await sleep(5);
    expect(batches).toEqual([['token a'], ['token b', 'node.progress']]);
    writer.emit({ type: 'model.token', nodeId: 'a', text: 'c' });
    await writer.flush();
    expect(batches.at(-1)).toEqual(['token c']);
  });
});

/** A writer whose commits record their events' types and what their writes wrote (in order). */
function recordingCommits() {
  const commits: { types: string[]; wrote: string[] }[] = [];
  const storeWith = async (events: TraceEvent[], write: (target: unknown) => Promise<void>) => {
    const wrote: string[] = [];
    await write(wrote);
    commits.push({ types: events.map((e) => e.type), wrote });
  };
  const into = (what: string) => async (target: unknown) => void (target as string[]).push(what);
  return { commits, storeWith, into, writer: new EventWriter('r1', 0, async () => undefined) };
}

describe('EventWriter commits', () => {
  it('keeps a held checkpoint.saved out of plain batches: it is stored by its commit, with the events before it', async () => {
    const plain: number[][] = [];
    const committed: { seqs: number[]; storedSeq: number }[] = [];
    const gate = deferred();
    const writer = new EventWriter('r1', 4, async (events) => {
      plain.push(events.map((e) => e.seq));
      await gate.promise;
    });
    writer.emit({ type: 'node.started', nodeId: 'a', step: 1, attempt: 1 });
    await Promise.resolve();
    // Reported as its checkpoint is about to be written (held), then an event of the next step.
    writer.emit(
      { type: 'checkpoint.saved', checkpointId: 'c1', parentId: null, step: 1, next: ['b'] },
      'checkpoint:c1',
    );
    writer.emit({ type: 'node.started', nodeId: 'b', step: 2, attempt: 1 });
    const commit = writer.commit(
      async (events, _write, storedSeq) => {
        committed.push({ seqs: events.map((e) => e.seq), storedSeq });
      },
      async () => undefined,
    );
    gate.release();
    await commit;
    await writer.flush();
    expect(plain).toEqual([[5], [6]]);
    expect(committed).toEqual([{ seqs: [7], storedSeq: 6 }]);
  });

  it('names the stored seq for a write without events', async () => {
    const seen: { n: number; storedSeq: number }[] = [];
    const writer = new EventWriter('r1', 9, async () => undefined);
    writer.emit({ type: 'run.cancelled' });
    await writer.flush();
    await writer.commit(
      async (events, _write, storedSeq) => {
        seen.push({ n: events.length, storedSeq });
      },
      async () => undefined,
      'task-1',
    );
    expect(seen).toEqual([{ n: 0, storedSeq: 10 }]);
  });

  it("stores a step's last task's writes and the checkpoint after them in one commit, the writes first", async () => {
    const { commits, storeWith, into, writer } = recordingCommits();
    writer.emit({ type: 'node.finished', nodeId: 'a', step: 1, update: {}, durationMs: 1 }, 'task-a');
    const writes = writer.commit(storeWith, into('writes of a'), 'task-a', true);
    // LangGraph puts the checkpoint in the same turn, its checkpoint.saved held for it.
    await Promise.resolve();
    writer.emit({ type: 'checkpoint.saved', checkpointId: 'c1', parentId: null, step: 1, next: [] }, 'checkpoint:c1');
    const checkpoint = writer.commit(storeWith, into('checkpoint c1'));
    await Promise.all([writes, checkpoint]);
    expect(commits).toEqual([
      { types: ['node.finished', 'checkpoint.saved'], wrote: ['writes of a', 'checkpoint c1'] },
    ]);
  });

  it('stores writes no checkpoint follows in the same turn alone (a task whose step still runs others), and at a flush', async () => {
    const { commits, storeWith, into, writer } = recordingCommits();
    writer.emit({ type: 'node.finished', nodeId: 'a', step: 1, update: {}, durationMs: 1 }, 'task-a');
    await writer.commit(storeWith, into('writes of a'), 'task-a', true);
    expect(commits).toEqual([{ types: ['node.finished'], wrote: ['writes of a'] }]);
    // A flush does not wait for the end of the turn.
    writer.emit({ type: 'node.finished', nodeId: 'b', step: 1, update: {}, durationMs: 1 }, 'task-b');
    const b = writer.commit(storeWith, into('writes of b'), 'task-b', true);
    await writer.flush();
    expect(commits.at(-1)).toEqual({ types: ['node.finished'], wrote: ['writes of b'] });
    await b;
    expect(commits).toHaveLength(2);
  });
});

describe('EventWriter safety', () => {
  it('publishes exactly what it stores: NUL and lone surrogates escaped, huge errors bounded', async () => {
    const stored: TraceEvent[] = [];
    const published: TraceEvent[] = [];
    const writer = new EventWriter(
      'run-1',
      0,
      async (events) => {
        stored.push(...events);
      },
      (e) => published.push(e),
    );
    writer.emit({
      type: 'node.failed',
      nodeId: 'n',
      attempt: 1,
      willRetry: false,
      error: { code: 'node_failed', message: `bad\u0000${'x'.repeat(20_000)}` },
    });
    writer.emit({
      type: 'node.finished',
      nodeId: 'n',
      step: 1,
      durationMs: 1,
      update: { text: 'lone \ud800 surrogate' },
    });
    await writer.flush();
    expect(published).toEqual(stored);
    const failed = published[0];
    const message = failed?.type === 'node.failed' ? failed.error.message : '';
    expect(message).not.toContain('\u0000');
    expect(message.startsWith('bad\\u0000')).toBe(true);
    expect(message.length).toBeLessThan(9_000);
    const finished = published[1];
    const update = finished?.type === 'node.finished' ? JSON.stringify(finished.update) : '';
    expect(update).toContain('\\\\ud800');
  });
});
