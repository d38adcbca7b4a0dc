import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FlowError } from '@flowcraft/schema';
import type { DebugService, HttpDeps } from '../deps.js';
import {
  CompareParams,
  RerunBody,
  RunComparison,
  RunEventsPage,
  RunEventsQuery,
  StateDiff,
  UpdateStateBody,
} from '../schemas/debug.js';
import { Run, RunHandle, RunIdParams } from '../schemas/run.js';
import { CheckpointParams, ThreadIdParams, ThreadState } from '../schemas/thread.js';
import { found, jsonBody, jsonResponse, problemResponses } from './openapi-helpers.js';

const tags = ['debugger'];

const stepRun = createRoute({
  operationId: 'stepRun',
  method: 'post',
  path: '/v1/runs/{runId}/step',
  tags,
  summary: 'Run one superstep of a paused run',
  description:
    'The run must be paused (at a breakpoint or after a step); it runs the next superstep and pauses again (409 otherwise).',
  request: { params: RunIdParams },
  responses: { 202: jsonResponse(Run, 'Stepping; the run as it is now'), ...problemResponses(400, 404, 409) },
});

const continueRun = createRoute({
  operationId: 'continueRun',
  method: 'post',
  path: '/v1/runs/{runId}/continue',
  tags,
  summary: 'Continue a paused run to its next breakpoint',
  request: { params: RunIdParams },
  responses: { 202: jsonResponse(Run, 'Continuing; the run as it is now'), ...problemResponses(400, 404, 409) },
});

const runEvents = createRoute({
  operationId: 'listRunEvents',
  method: 'get',
  path: '/v1/runs/{runId}/events',
  tags,
  summary: 'Stored trace events of a run',
  description: 'In seq order, from storage alone: a finished run can be replayed event by event.',
  request: { params: RunIdParams, query: RunEventsQuery },
  responses: { 200: jsonResponse(RunEventsPage, 'Events after `afterSeq`'), ...problemResponses(400, 404) },
});

const compareRuns = createRoute({
  operationId: 'compareRuns',
  method: 'get',
  path: '/v1/runs/{runId}/compare/{otherRunId}',
  tags,
  summary: 'Compare two runs',
  description: 'Path taken, per-node outputs, tokens and time of each run, from their stored traces.',
  request: { params: CompareParams },
  responses: { 200: jsonResponse(RunComparison, 'Both runs summarised'), ...problemResponses(400, 404) },
});

const updateState = createRoute({
  operationId: 'updateThreadState',
  method: 'post',
  path: '/v1/threads/{threadId}/state',
  tags,
  summary: 'Edit the state at a checkpoint (fork)',
  description:
    'Writes `values` as node `asNode` on top of the checkpoint, creating a new `update` checkpoint on a new branch; ' +
    'the original history stays. Continue from it with `POST /v1/runs` and its `checkpointId`. Values that do not fit ' +
    'their channel are refused with 422.',
  request: { params: ThreadIdParams, body: jsonBody(UpdateStateBody) },
  responses: {
    201: jsonResponse(ThreadState, 'The new checkpoint'),
    ...problemResponses(400, 404, 409, 413, 415, 422),
  },
});

const stateDiff = createRoute({
  operationId: 'getStateDiff',
  method: 'get',
  path: '/v1/threads/{threadId}/state/{checkpointId}/diff',
  tags,
  summary: 'What changed at a checkpoint',
  description: 'Per-channel changes against the parent checkpoint, the nodes that ran and the nodes that run next.',
  request: { params: CheckpointParams },
  responses: { 200: jsonResponse(StateDiff, 'The diff'), ...problemResponses(400, 404) },
});

const rerun = createRoute({
  operationId: 'rerunFromNode',
  method: 'post',
  path: '/v1/threads/{threadId}/rerun',
  tags,
  summary: 'Rerun from a node',
  description:
    'Starts a run on the thread from the checkpoint just before `nodeId` ran, so upstream results are reused, not recomputed.',
  request: { params: ThreadIdParams, body: jsonBody(RerunBody) },
  responses: { 202: jsonResponse(RunHandle, 'Accepted'), ...problemResponses(400, 404, 409, 422) },
});

export function registerDebugRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  const debug = (): DebugService => {
    if (!deps.debug) throw new FlowError('not_found', 'This engine has no debugger service.');
    return deps.debug;
  };

  app.openapi(stepRun, async (c) => {
    const { runId } = c.req.valid('param');
    return c.json(found(await debug().step(runId), `Run "${runId}" does not exist.`), 202);
  });

  app.openapi(continueRun, async (c) => {
    const { runId } = c.req.valid('param');
    return c.json(found(await debug().continue(runId), `Run "${runId}" does not exist.`), 202);
  });

  app.openapi(runEvents, async (c) => {
    const { runId } = c.req.valid('param');
    return c.json(found(await debug().events(runId, c.req.valid('query')), `Run "${runId}" does not exist.`), 200);
  });

  app.openapi(compareRuns, async (c) => {
    const { runId, otherRunId } = c.req.valid('param');
    return c.json(
      found(await debug().compare(runId, otherRunId), `Run "${runId}" or "${otherRunId}" does not exist.`),
      200,
    );
  });

  app.openapi(updateState, async (c) => {
    const { threadId } = c.req.valid('param');
    return c.json(
      found(
        await debug().updateState(threadId, c.req.valid('json')),
        `Thread "${threadId}" or its checkpoint does not exist.`,
      ),
      201,
    );
  });

  app.openapi(stateDiff, async (c) => {
    const { threadId, checkpointId } = c.req.valid('param');
    return c.json(
      found(await debug().diff(threadId, checkpointId), `Thread "${threadId}" has no checkpoint "${checkpointId}".`),
      200,
    );
  });

  app.openapi(rerun, async (c) => {
    const { threadId } = c.req.valid('param');
    const handle = found(await debug().rerun(threadId, c.req.valid('json')), `Thread "${threadId}" does not exist.`);
    c.header('Location', `/v1/runs/${handle.runId}`);
    return c.json(handle, 202);
  });
}
