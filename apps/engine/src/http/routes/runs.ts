import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HttpDeps } from '../deps.js';
import {
  CancelRunBody,
  ListRunsQuery,
  ResumeRunBody,
  Run,
  RunHandle,
  RunIdParams,
  RunPage,
  StartRunBody,
} from '../schemas/run.js';
import { found, jsonBody, jsonResponse, problemResponses } from './openapi-helpers.js';

const tags = ['runs'];

const startRun = createRoute({
  operationId: 'startRun',
  method: 'post',
  path: '/v1/runs',
  tags,
  summary: 'Start a run',
  description:
    'Returns at once; the run executes in the background. Follow it over Socket.IO (`subscribe` with `{runId, afterSeq}`) ' +
    'or poll `GET /v1/runs/{runId}`. A draft (invalid) version is refused with 422 and its problems; a thread that ' +
    'already has an active run with 409.',
  request: { body: jsonBody(StartRunBody) },
  responses: { 202: jsonResponse(RunHandle, 'Accepted'), ...problemResponses(400, 404, 409, 413, 415, 422) },
});

const listRuns = createRoute({
  operationId: 'listRuns',
  method: 'get',
  path: '/v1/runs',
  tags,
  summary: 'List runs',
  request: { query: ListRunsQuery },
  responses: { 200: jsonResponse(RunPage, 'A page of runs, newest first'), ...problemResponses(400) },
});

const getRun = createRoute({
  operationId: 'getRun',
  method: 'get',
  path: '/v1/runs/{runId}',
  tags,
  summary: 'Get a run',
  request: { params: RunIdParams },
  responses: { 200: jsonResponse(Run, 'The run'), ...problemResponses(400, 404) },
});

const cancelRun = createRoute({
  operationId: 'cancelRun',
  method: 'post',
  path: '/v1/runs/{runId}/cancel',
  tags,
  summary: 'Cancel a run',
  description: 'The abort reaches the model or tool call in flight. A finished run cannot be cancelled (409).',
  request: {
    params: RunIdParams,
    body: { required: false, content: { 'application/json': { schema: CancelRunBody } } },
  },
  responses: {
    202: jsonResponse(Run, 'Cancellation requested; the run as it is now'),
    ...problemResponses(400, 404, 409),
  },
});

const resumeRun = createRoute({
  operationId: 'resumeRun',
  method: 'post',
  path: '/v1/runs/{runId}/resume',
  tags,
  summary: 'Resume an interrupted run',
  description:
    'Answers the pending interrupt (`value`) or several by id (`answers`). A run that is not interrupted is refused (409).',
  request: { params: RunIdParams, body: jsonBody(ResumeRunBody) },
  responses: {
    202: jsonResponse(Run, 'Resumed; the run continues in the background'),
    ...problemResponses(400, 404, 409, 413, 415),
  },
});

export function registerRunRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(startRun, async (c) => {
    const handle = await deps.runs.start(c.req.valid('json'));
    c.header('Location', `/v1/runs/${handle.runId}`);
    return c.json(handle, 202);
  });

  app.openapi(listRuns, async (c) => c.json(await deps.runs.list(c.req.valid('query')), 200));

  app.openapi(getRun, async (c) => {
    const { runId } = c.req.valid('param');
    return c.json(found(await deps.runs.get(runId), `Run "${runId}" does not exist.`), 200);
  });

  app.openapi(cancelRun, async (c) => {
    const { runId } = c.req.valid('param');
    const run = await deps.runs.cancel(runId, c.req.valid('json').reason);
    return c.json(found(run, `Run "${runId}" does not exist.`), 202);
  });

  app.openapi(resumeRun, async (c) => {
    const { runId } = c.req.valid('param');
    const run = await deps.runs.resume(runId, c.req.valid('json'));
    return c.json(found(run, `Run "${runId}" does not exist.`), 202);
  });
}
