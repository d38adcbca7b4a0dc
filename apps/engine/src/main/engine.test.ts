import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { TraceEvent } from '@flowcraft/schema';
import { loadConfig } from '../config/config.js';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeReply } from '../realtime/messages.js';
import { openPgliteFromTemplate } from '../store/pglite-template.js';
import { startEngine } from './engine.js';
import type { Engine } from './engine.js';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const pipeline = JSON.parse(readFileSync(`${examples}sequential-pipeline.json`, 'utf8')) as Record<string, unknown>;

describe('the wired engine over HTTP and Socket.IO', () => {
  let engine: Engine;
  let url: string;
  const printed: string[] = [];

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
    engine = await startEngine({
      config,
      database: await openPgliteFromTemplate(),
      env: {},
      print: (text) => printed.push(text),
    });
    url = engine.server.url;
  }, 20_000);
  afterAll(async () => {
    await engine?.stop();
  });

  const json = async (path: string, init?: { method: string; body: unknown }) => {
    const res = await fetch(
      `${url}${path}`,
      init
        ? { method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }
        : undefined,
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('prints the API reference URL', () => {
    expect(printed.join('\n')).toContain(`${url}/v1/docs`);
  });

  it('runs a saved workflow to completion and streams contiguous events', async () => {
    const types = await json('/v1/node-types');
    expect(types.status).toBe(200);
    expect(JSON.stringify(types.body)).toContain('"llm"');

    const created = await json('/v1/workflows', { method: 'POST', body: { document: pipeline } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ valid: true, version: 1 });
    const workflowId = created.body.id as string;
    expect((await json(`/v1/workflows/${workflowId}`)).body).toMatchObject({ id: workflowId, valid: true });

    const started = await json('/v1/runs', { method: 'POST', body: { workflowId, input: { topic: 'tides' } } });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;

    let run: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      run = (await json(`/v1/runs/${runId}`)).body;
      if (run.status !== 'queued' && run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(run).toMatchObject({ id: runId, status: 'completed', error: null, workflowVersion: 1 });
    expect(typeof (run.output as Record<string, unknown>).draft).toBe('string');
    expect(run.lastSeq).toBeGreaterThan(3);

    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    try {
      const events: TraceEvent[] = [];
      socket.on('event', (e) => events.push(e));
      const reply = await new Promise<SubscribeReply>((resolve) =>
        socket.emit('subscribe', { runId, afterSeq: 0 }, resolve),
      );
      expect(reply).toMatchObject({ ok: true, runId, lastSeq: run.lastSeq });
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect(events.length).toBe(run.lastSeq);
      expect(events[0]?.type).toBe('run.started');
      expect(events.at(-1)?.type).toBe('run.completed');
    } finally {
      socket.disconnect();
    }

    const state = await json(`/v1/threads/${run.threadId as string}/state`);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ threadId: run.threadId, next: [] });
    expect(typeof (state.body.values as Record<string, unknown>).draft).toBe('string');
    const history = await json(`/v1/threads/${run.threadId as string}/history?limit=2`);
    expect((history.body.items as unknown[]).length).toBe(2);
    expect(history.body.nextCursor).not.toBeNull();

    const runs = await json(`/v1/runs?workflowId=${workflowId}`);
    expect((runs.body.items as { id: string }[]).map((r) => r.id)).toEqual([runId]);
  }, 25_000);

  it('offers the examples as templates, labelled by the node types they use', async () => {
    const { loadTemplates } = await import('./import-examples.js');
    const templates = await loadTemplates(examples);
    expect(templates.length).toBeGreaterThanOrEqual(14);
    const approval = templates.find((t) => t.id === 'human-approval');
    expect(approval?.labels).toContain('human');
    expect(approval?.labels).not.toContain('start');
    expect(approval?.document).toMatchObject({ id: 'human-approval' });
    // The engine under test was started without an examples folder: the route answers an empty list.
    expect(await json('/v1/templates')).toEqual({ status: 200, body: { items: [] } });
  });

  it('imports the examples into an empty database once', async () => {
    const { importExamples } = await import('./import-examples.js');
    const { StoreWorkflowStore } = await import('../workflows/workflow-store.js');
    const { createBuiltinRegistry } = await import('@flowcraft/node-types');
    const { createStore } = await import('../store/index.js');
    const db = await openPgliteFromTemplate();
    try {
      const workflows = new StoreWorkflowStore(createStore(db.db).workflows);
      const ids = await importExamples(examples, workflows, createBuiltinRegistry());
      expect(ids).toContain('sequential-pipeline');
      expect((await workflows.get('sequential-pipeline'))?.valid).toBe(true);
      expect(await importExamples(examples, workflows, createBuiltinRegistry())).toEqual([]);
    } finally {
      await db.close();
    }
  }, 20_000);
});
