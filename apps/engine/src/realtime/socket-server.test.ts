import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { ExperimentProgress, TraceEvent, TraceEventBody } from '@flowcraft/schema';
import type { ClientToServerEvents, ServerToClientEvents } from './messages.js';
import { MemoryEventLog } from './memory-event-log.js';
import { attachRealtime } from './socket-server.js';
import type { Realtime, RealtimeOptions } from './socket-server.js';

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

const KEY = 'socket-key-0123456789';
const token = (text: string): TraceEventBody => ({ type: 'model.token', nodeId: 'llm', text });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(opts: Partial<RealtimeOptions> = {}) {
  const log = new MemoryEventLog();
  const server = createServer((_req, res) => res.writeHead(404).end());
  const realtime: Realtime = attachRealtime(server, { eventLog: log, ...opts });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(() => realtime.close());
  return { log, realtime, url: `http://127.0.0.1:${port}` };
}

function client(url: string, options: { token?: string; headers?: Record<string, string> } = {}): Client {
  const socket: Client = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(options.token ? { auth: { token: options.token } } : {}),
    ...(options.headers ? { extraHeaders: options.headers } : {}),
  });
  cleanups.push(() => {
    socket.disconnect();
  });
  return socket;
}

function received(socket: Client): TraceEvent[] {
  const events: TraceEvent[] = [];
  socket.on('event', (event) => events.push(event));
  return events;
}

const seqsOf = (events: TraceEvent[], runId = 'run-1') => events.filter((e) => e.runId === runId).map((e) => e.seq);

describe('trace stream over Socket.IO', () => {
  it('replays the missed events in order, acks, then streams live ones', async () => {
    const { log, url, realtime } = await startServer();
    for (let i = 0; i < 3; i++) log.append('run-1', token(`a${i}`));
    const socket = client(url);
    const events = received(socket);
    const ack = await socket.emitWithAck('subscribe', { runId: 'run-1', afterSeq: 0 });
    expect(ack).toEqual({ ok: true, runId: 'run-1', lastSeq: 3 });
    expect(seqsOf(events)).toEqual([1, 2, 3]);
    expect(events[0]).toMatchObject({ type: 'model.token', runId: 'run-1', text: 'a0' });
    expect(realtime.subscribers('run-1')).toBe(1);

    log.append('run-1', token('b'));
    log.append('run-1', { type: 'run.completed', output: { ok: true }, durationMs: 5 });
    await vi.waitFor(() => expect(seqsOf(events)).toEqual([1, 2, 3, 4, 5]));
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', seq: 5 });
  });

  it('starts after afterSeq in the middle of a run', async () => {
    const { log, url } = await startServer();
    for (let i = 0; i < 6; i++) log.append('run-1', token(`a${i}`));
    const socket = client(url);
    const events = received(socket);
    expect(await socket.emitWithAck('subscribe', { runId: 'run-1', afterSeq: 4 })).toMatchObject({
      ok: true,
      lastSeq: 6,
    });
    expect(seqsOf(events)).toEqual([5, 6]);
  });

  it('has no gaps or duplicates when events are appended during the replay', async () => {
    const { log, url } = await startServer({ pageSize: 5 });
    for (let i = 0; i < 12; i++) log.append('run-1', token(`old${i}`));
    let reads = 0;
    log.hooks = {
      beforeRead: () => {
        log.append('run-1', token('during-before'));
      },
      afterRead: async () => {
        reads++;
        log.append('run-1', token('during-after'));
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    };
    const writer = setInterval(() => log.append('run-1', token('tick')), 1);
    const socket = client(url);
    const events = received(socket);
    const ack = await socket.emitWithAck('subscribe', { runId: 'run-1', afterSeq: 0 });
    log.hooks = {};
    clearInterval(writer);
    log.append('run-1', token('last'));
    expect(ack.ok).toBe(true);
    expect(reads).toBeGreaterThanOrEqual(3);
    const total = (await log.listAfter('run-1', 0, 10_000)).length;
    await vi.waitFor(() => expect(seqsOf(events)).toHaveLength(total));
    expect(seqsOf(events)).toEqual(range(1, total));
  });

  it('streams several runs on one socket, and stops a run on unsubscribe', async () => {
    const { log, url, realtime } = await startServer();
    const socket = client(url);
    const events = received(socket);
    await socket.emitWithAck('subscribe', { runId: 'run-1', afterSeq: 0 });
    await socket.emitWithAck('subscribe', { runId: 'run-2', afterSeq: 0 });
    log.append('run-1', token('x'));
    log.append('run-2', token('y'));
    await vi.waitFor(() => expect(events).toHaveLength(2));

    expect(await socket.emitWithAck('unsubscribe', { runId: 'run-1' })).toEqual({ ok: true, runId: 'run-1' });
    expect(realtime.subscribers('run-1')).toBe(0);
    expect(log.listenerCount('run-1')).toBe(0);
    log.append('run-1', token('after'));
    log.append('run-2', token('still'));
    await vi.waitFor(() => expect(seqsOf(events, 'run-2')).toEqual([1, 2]));
    expect(seqsOf(events, 'run-1')).toEqual([1]);
  });

  it('re-subscribing to a run replaces the earlier subscription without duplicates', async () => {
    const { log, url } = await startServer();
    for (let i = 0; i < 3; i++) log.append('run-1', token(`a${i}`));
    const socket = client(url);
    const events = received(socket);
    await socket.emitWithAck('subscribe', { runId: 'run-1', afterSeq: 0 });
    await socket.emitWithAck('subscribe', { runId: 'run-1', afterSeq: 1 });
    expect(log.listenerCount('run-1')).toBe(1);
    log.append('run-1', token('live'));
    await vi.waitFor(() => expect(seqsOf(events)).toEqual([1, 2, 3, 2, 3, 4]));
  });

  it('refuses malformed subscriptions in the ack', async () => {
    const { url } = await startServer();
    const socket = client(url);
    for (const payload of [
      { runId: '../x', afterSeq: 0 },
      { runId: 'run-1', afterSeq: -1 },
      'run-1',
      { runId: 'run-1', afterSeq: 1.5 },
      { runId: 'run-1', afterSeq: 2147483648 },
      { runId: 'run\u0000', afterSeq: 0 },
      { runId: JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`), afterSeq: 0 },
    ]) {
      const ack = await socket.emitWithAck('subscribe', payload);
      expect(ack, JSON.stringify(payload)).toMatchObject({ ok: false, code: 'invalid_request' });
    }
  });

  it('tells a thread watcher about every run that starts on the thread, until it unwatches', async () => {
    const { log, url } = await startServer();
    const socket = client(url);
    const runs: unknown[] = [];
    socket.on('thread.run', (run) => runs.push(run));
    expect(await socket.emitWithAck('watchThread', { threadId: 't1' })).toEqual({ ok: true, threadId: 't1' });
    expect(await socket.emitWithAck('watchThread', { threadId: '../x' })).toMatchObject({
      ok: false,
      code: 'invalid_request',
    });
    log.append('r1', { type: 'run.started', threadId: 't1', workflowId: 'w', input: {} });
    log.append('r1', token('not a run start'));
    log.append('r2', { type: 'run.started', threadId: 'other', workflowId: 'w', input: {} });
    log.append('r3', { type: 'run.started', threadId: 't1', workflowId: 'w', input: {}, fromCheckpointId: 'cp-9' });
    await vi.waitFor(() =>
      expect(runs).toEqual([
        { threadId: 't1', runId: 'r1' },
        { threadId: 't1', runId: 'r3', fromCheckpointId: 'cp-9' },
      ]),
    );
    expect(await socket.emitWithAck('unwatchThread', { threadId: 't1' })).toEqual({ ok: true, threadId: 't1' });
    log.append('r4', { type: 'run.started', threadId: 't1', workflowId: 'w', input: {} });
    // A later event on another channel shows the unwatched start would have arrived by now.
    const events = received(socket);
    expect((await socket.emitWithAck('subscribe', { runId: 'r4', afterSeq: 0 })).ok).toBe(true);
    expect(events.map((e) => e.runId)).toEqual(['r4']);
    expect(runs).toHaveLength(2);
  });

  it('cleans up the log listeners when a client disconnects', async () => {
    const { log, url, realtime } = await startServer();
    const socket = client(url);
    await socket.emitWithAck('subscribe', { runId: 'run-1', afterSeq: 0 });
    expect(log.listenerCount('run-1')).toBe(1);
    socket.disconnect();
    await vi.waitFor(() => expect(log.listenerCount('run-1')).toBe(0));
    expect(realtime.subscribers('run-1')).toBe(0);
  });

  describe('API key on the handshake', () => {
    async function connectError(socket: Client): Promise<Error & { data?: unknown }> {
      return new Promise((resolve, reject) => {
        socket.on('connect', () => reject(new Error('connected without a valid key')));
        socket.on('connect_error', (err) => resolve(err));
      });
    }

    it('refuses a client without a key or with a wrong one', async () => {
      const { url } = await startServer({ apiKey: KEY });
      for (const options of [{}, { token: 'wrong-key-0123456789' }, { headers: { Authorization: 'Bearer nope' } }]) {
        const err = await connectError(client(url, options));
        expect(err.message).toBe('unauthorized');
        expect(err.data).toMatchObject({ code: 'unauthorized' });
      }
    });

    it('accepts the key as auth token or bearer header', async () => {
      const { url, log } = await startServer({ apiKey: KEY });
      log.append('run-1', token('x'));
      for (const options of [{ token: KEY }, { headers: { Authorization: `Bearer ${KEY}` } }]) {
        const socket = client(url, options);
        expect(await socket.emitWithAck('subscribe', { runId: 'run-1', afterSeq: 0 })).toMatchObject({
          ok: true,
          lastSeq: 1,
        });
      }
    });
  });
});

describe('experiment progress over Socket.IO', () => {
  it('watchExperiment sends the whole experiment, then changes; unwatch and disconnect stop them', async () => {
    const listeners = new Map<string, (p: ExperimentProgress) => void>();
    const experiment = {
      id: 'exp-1',
      name: 'e',
      workflowId: 'w',
      workflowVersion: 1,
      datasetId: 'd',
      concurrency: 2,
      status: 'running' as const,
      total: 2,
      passed: 0,
      failed: 0,
      pending: 2,
      costUsd: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
      finishedAt: null,
    };
    const unwatched: string[] = [];
    const { url } = await startServer({
      experiments: {
        watch: async (id, listener) => {
          if (id !== 'exp-1') return undefined;
          listener({ experiment, results: [] });
          listeners.set(id, listener);
          return () => {
            unwatched.push(id);
            listeners.delete(id);
          };
        },
      },
    });
    const socket = client(url);
    const seen: ExperimentProgress[] = [];
    socket.on('experiment.progress', (p) => seen.push(p));
    expect(await socket.emitWithAck('watchExperiment', { experimentId: 'exp-1' })).toEqual({
      ok: true,
      experimentId: 'exp-1',
    });
    expect(seen).toHaveLength(1);
    expect(await socket.emitWithAck('watchExperiment', { experimentId: 'nope' })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await socket.emitWithAck('watchExperiment', { experimentId: '../x' })).toMatchObject({
      ok: false,
      code: 'invalid_request',
    });
    listeners.get('exp-1')?.({ experiment: { ...experiment, passed: 1, pending: 1 }, results: [] });
    await vi.waitFor(() => expect(seen.at(-1)?.experiment.passed).toBe(1));
    expect(await socket.emitWithAck('unwatchExperiment', { experimentId: 'exp-1' })).toEqual({
      ok: true,
      experimentId: 'exp-1',
    });
    expect(unwatched).toEqual(['exp-1']);
    await socket.emitWithAck('watchExperiment', { experimentId: 'exp-1' });
    socket.disconnect();
    await vi.waitFor(() => expect(unwatched).toEqual(['exp-1', 'exp-1']));
  });
});
