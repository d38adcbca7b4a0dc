import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../app.js';
import type { ThreadState } from '../schemas/thread.js';
import { call, createFakeDeps } from '../testing/index.js';

function state(n: number, patch: Partial<ThreadState> = {}): ThreadState {
  return {
    threadId: 't-1',
    checkpointId: `cp-${n}`,
    parentCheckpointId: n === 0 ? null : `cp-${n - 1}`,
    step: n - 1,
    source: n === 0 ? 'input' : 'loop',
    values: { count: n },
    next: n < 3 ? [`node-${n + 1}`] : [],
    tasks: [],
    runId: 'run-1',
    metadata: {},
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
    ...patch,
  };
}

function setup() {
  const deps = createFakeDeps();
  for (let n = 0; n <= 3; n++) deps.threads.add(state(n));
  return createHttpApp(deps);
}

describe('thread routes', () => {
  it('serves the current state', async () => {
    const res = await call(setup(), 'GET', '/v1/threads/t-1/state');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(state(3));
  });

  it('serves history newest first, page by page', async () => {
    const app = setup();
    const first = (await call(app, 'GET', '/v1/threads/t-1/history?limit=3')).body as {
      items: ThreadState[];
      nextCursor: string;
    };
    expect(first.items.map((s) => s.checkpointId)).toEqual(['cp-3', 'cp-2', 'cp-1']);
    const rest = await call(app, 'GET', `/v1/threads/t-1/history?limit=3&cursor=${first.nextCursor}`);
    expect(rest.body).toEqual({ items: [state(0)], nextCursor: null });
  });

  it('serves the state at a checkpoint', async () => {
    const res = await call(setup(), 'GET', '/v1/threads/t-1/state/cp-1');
    expect(res.body).toEqual(state(1));
  });

  it('answers 404 for unknown threads and checkpoints, 400 for bad ids', async () => {
    const app = setup();
    for (const path of ['/v1/threads/t-2/state', '/v1/threads/t-2/history', '/v1/threads/t-1/state/cp-9']) {
      const res = await call(app, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found' });
    }
    expect((await call(app, 'GET', '/v1/threads/-x/state')).status).toBe(400);
    expect((await call(app, 'GET', '/v1/threads/t-1/history?limit=0')).status).toBe(400);
  });
});
