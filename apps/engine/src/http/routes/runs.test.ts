import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../app.js';
import type { Run } from '../schemas/run.js';
import { call, createFakeDeps, exampleDocument } from '../testing/index.js';

async function setup() {
  const deps = createFakeDeps();
  const app = createHttpApp(deps);
  await call(app, 'POST', '/v1/workflows/import', { json: exampleDocument('sequential-pipeline') });
  await call(app, 'POST', '/v1/workflows/import', { json: { id: 'draft', name: 'Draft', nodes: [] } });
  return { deps, app };
}

const page = (body: unknown) => body as { items: Run[]; nextCursor: string | null };

describe('run routes', () => {
  it('starts a run at once with 202, a run id, a thread id and a Location', async () => {
    const { app, deps } = await setup();
    const res = await call(app, 'POST', '/v1/runs', {
      json: { workflowId: 'sequential-pipeline', input: { topic: 'tides' }, interruptBefore: ['draft'] },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ runId: 'run-1', threadId: 'thread-1' });
    expect(res.headers.get('Location')).toBe('/v1/runs/run-1');
    expect(deps.runs.calls[0]).toEqual({
      method: 'start',
      args: [{ workflowId: 'sequential-pipeline', input: { topic: 'tides' }, interruptBefore: ['draft'] }],
    });
    const run = await call(app, 'GET', '/v1/runs/run-1');
    expect(run.body).toMatchObject({ id: 'run-1', status: 'queued', workflowVersion: 1, input: { topic: 'tides' } });
  });

  it('defaults the input to an empty object', async () => {
    const { app, deps } = await setup();
    await call(app, 'POST', '/v1/runs', { json: { workflowId: 'sequential-pipeline' } });
    expect(deps.runs.calls[0]?.args[0]).toEqual({ workflowId: 'sequential-pipeline', input: {} });
  });

  it('refuses a draft with 422 and every problem', async () => {
    const { app } = await setup();
    const res = await call(app, 'POST', '/v1/runs', { json: { workflowId: 'draft' } });
    expect(res.status).toBe(422);
    const body = res.body as { code: string; problems: { code: string }[] };
    expect(body.code).toBe('invalid_document');
    expect(body.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['missing_start', 'missing_end']));
  });

  it('answers 404 for an unknown workflow, version or thread', async () => {
    const { app } = await setup();
    expect((await call(app, 'POST', '/v1/runs', { json: { workflowId: 'nope' } })).body).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(
      (await call(app, 'POST', '/v1/runs', { json: { workflowId: 'sequential-pipeline', version: 4 } })).status,
    ).toBe(404);
    expect(
      (await call(app, 'POST', '/v1/runs', { json: { workflowId: 'sequential-pipeline', threadId: 'ghost' } })).status,
    ).toBe(404);
    expect((await call(app, 'GET', '/v1/runs/ghost')).status).toBe(404);
  });

  it('refuses a second active run on the same thread with 409', async () => {
    const { app } = await setup();
    await call(app, 'POST', '/v1/runs', { json: { workflowId: 'sequential-pipeline' } });
    const busy = await call(app, 'POST', '/v1/runs', {
      json: { workflowId: 'sequential-pipeline', threadId: 'thread-1' },
    });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ code: 'conflict', detail: expect.stringContaining('run-1') });
  });

  it('needs a thread for a checkpoint', async () => {
    const { app } = await setup();
    const res = await call(app, 'POST', '/v1/runs', {
      json: { workflowId: 'sequential-pipeline', checkpointId: 'cp-1' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      issues: [{ location: 'body', path: ['checkpointId'], message: 'checkpointId needs threadId' }],
    });
  });

  it('lists runs newest first with filters and cursor pagination', async () => {
    const { app, deps } = await setup();
    for (let i = 0; i < 5; i++) await call(app, 'POST', '/v1/runs', { json: { workflowId: 'sequential-pipeline' } });
    deps.runs.update('run-2', { status: 'completed' });
    deps.runs.update('run-4', { status: 'failed' });

    const first = page((await call(app, 'GET', '/v1/runs?limit=2')).body);
    expect(first.items.map((r) => r.id)).toEqual(['run-5', 'run-4']);
    const second = page((await call(app, 'GET', `/v1/runs?limit=2&cursor=${first.nextCursor}`)).body);
    expect(second.items.map((r) => r.id)).toEqual(['run-3', 'run-2']);
    const third = page((await call(app, 'GET', `/v1/runs?limit=2&cursor=${second.nextCursor}`)).body);
    expect(third).toMatchObject({ items: [{ id: 'run-1' }], nextCursor: null });

    const finished = page((await call(app, 'GET', '/v1/runs?status=completed,failed')).body);
    expect(finished.items.map((r) => r.id)).toEqual(['run-4', 'run-2']);
    const byThread = page((await call(app, 'GET', '/v1/runs?threadId=thread-3')).body);
    expect(byThread.items.map((r) => r.id)).toEqual(['run-3']);
    const byWorkflow = page((await call(app, 'GET', '/v1/runs?workflowId=draft')).body);
    expect(byWorkflow.items).toEqual([]);
  });

  it('cancels an active run, and refuses to cancel a finished one', async () => {
    const { app, deps } = await setup();
    await call(app, 'POST', '/v1/runs', { json: { workflowId: 'sequential-pipeline' } });
    const res = await call(app, 'POST', '/v1/runs/run-1/cancel', { json: { reason: 'changed my mind' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: 'run-1', status: 'cancelled' });
    expect(deps.runs.calls.at(-1)).toEqual({ method: 'cancel', args: ['run-1', 'changed my mind'] });

    const again = await call(app, 'POST', '/v1/runs/run-1/cancel');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'conflict' });
    expect((await call(app, 'POST', '/v1/runs/ghost/cancel')).status).toBe(404);
  });

  it('cancels without a body', async () => {
    const { app, deps } = await setup();
    await call(app, 'POST', '/v1/runs', { json: { workflowId: 'sequential-pipeline' } });
    expect((await call(app, 'POST', '/v1/runs/run-1/cancel')).status).toBe(202);
    expect(deps.runs.calls.at(-1)).toEqual({ method: 'cancel', args: ['run-1', undefined] });
  });

  it('resumes an interrupted run with a value or answers by interrupt id', async () => {
    const { app, deps } = await setup();
    await call(app, 'POST', '/v1/runs', { json: { workflowId: 'sequential-pipeline' } });

    const notInterrupted = await call(app, 'POST', '/v1/runs/run-1/resume', { json: { value: 'yes' } });
    expect(notInterrupted.status).toBe(409);
    expect(notInterrupted.body).toMatchObject({ code: 'conflict', detail: expect.stringContaining('not interrupted') });

    deps.runs.update('run-1', {
      status: 'interrupted',
      interrupts: [{ id: 'i-1', nodeId: 'review', value: { draft: '…' } }],
    });
    const unknown = await call(app, 'POST', '/v1/runs/run-1/resume', { json: { answers: { 'i-9': 'x' } } });
    expect(unknown.status).toBe(400);

    const ok = await call(app, 'POST', '/v1/runs/run-1/resume', {
      json: { answers: { 'i-1': { action: 'approve' } } },
    });
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ id: 'run-1', status: 'running', interrupts: [] });
    expect(deps.runs.calls.at(-1)).toEqual({
      method: 'resume',
      args: ['run-1', { answers: { 'i-1': { action: 'approve' } } }],
    });

    deps.runs.update('run-1', { status: 'interrupted', interrupts: [{ id: 'i-2', value: null }] });
    const nullValue = await call(app, 'POST', '/v1/runs/run-1/resume', { json: { value: null } });
    expect(nullValue.status).toBe(202);
  });

  it('needs exactly one of value or answers to resume', async () => {
    const { app } = await setup();
    for (const json of [{}, { value: 1, answers: {} }, { answer: 1 }]) {
      const res = await call(app, 'POST', '/v1/runs/run-1/resume', { json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect((await call(app, 'POST', '/v1/runs/run-1/resume')).status).toBe(400);
    expect((await call(app, 'POST', '/v1/runs/ghost/resume', { json: { value: 1 } })).status).toBe(404);
  });
});
