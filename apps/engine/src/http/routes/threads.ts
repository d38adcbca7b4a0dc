import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HttpDeps } from '../deps.js';
import {
  CheckpointParams,
  HistoryQuery,
  NsQuery,
  ThreadHistoryPage,
  ThreadIdParams,
  ThreadState,
} from '../schemas/thread.js';
import { found, jsonResponse, problemResponses } from './openapi-helpers.js';

const tags = ['threads'];

const getState = createRoute({
  operationId: 'getThreadState',
  method: 'get',
  path: '/v1/threads/{threadId}/state',
  tags,
  summary: 'Current state of a thread',
  request: { params: ThreadIdParams },
  responses: { 200: jsonResponse(ThreadState, 'State at the latest checkpoint'), ...problemResponses(400, 404) },
});

const getHistory = createRoute({
  operationId: 'getThreadHistory',
  method: 'get',
  path: '/v1/threads/{threadId}/history',
  tags,
  summary: 'Checkpoint history of a thread',
  description:
    "Newest first. Checkpoints form a tree through `parentCheckpointId` (forks and edits branch off). With `ns`, a sub-workflow call's own checkpoints (its namespace from a task's `checkpointNs`).",
  request: { params: ThreadIdParams, query: HistoryQuery },
  responses: { 200: jsonResponse(ThreadHistoryPage, 'A page of checkpoints'), ...problemResponses(400, 404) },
});

const getStateAt = createRoute({
  operationId: 'getThreadStateAt',
  method: 'get',
  path: '/v1/threads/{threadId}/state/{checkpointId}',
  tags,
  summary: 'State of a thread at a checkpoint',
  request: { params: CheckpointParams, query: NsQuery },
  responses: { 200: jsonResponse(ThreadState, 'State at the checkpoint'), ...problemResponses(400, 404) },
});

export function registerThreadRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(getState, async (c) => {
    const { threadId } = c.req.valid('param');
    return c.json(
      found(await deps.threads.getState(threadId), `Thread "${threadId}" does not exist or has no checkpoint yet.`),
      200,
    );
  });

  app.openapi(getHistory, async (c) => {
    const { threadId } = c.req.valid('param');
    const history = await deps.threads.history(threadId, c.req.valid('query'));
    return c.json(found(history, `Thread "${threadId}" does not exist.`), 200);
  });

  app.openapi(getStateAt, async (c) => {
    const { threadId, checkpointId } = c.req.valid('param');
    const { ns } = c.req.valid('query');
    const state = await deps.threads.getStateAt(threadId, checkpointId, ns || undefined);
    return c.json(found(state, `Thread "${threadId}" has no checkpoint "${checkpointId}".`), 200);
  });
}
