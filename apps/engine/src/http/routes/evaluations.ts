import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HttpDeps } from '../deps.js';
import {
  CaseResult,
  CompareQuery,
  Experiment,
  ExperimentCaseParams,
  ExperimentComparison,
  ExperimentDetail,
  ExperimentList,
  ExperimentParams,
  ListExperimentsQuery,
  StartExperimentBody,
} from '../schemas/evaluation.js';
import { evaluations } from './datasets.js';
import { found, jsonBody, jsonResponse, problemResponses } from './openapi-helpers.js';

const tags = ['evaluations'];

const startExperiment = createRoute({
  operationId: 'startEvaluation',
  method: 'post',
  path: '/v1/evaluations',
  tags,
  summary: "Run a dataset's cases against a workflow version (an experiment)",
  description:
    'Every case becomes a normal run (queued, visible, debuggable, cost-accounted), at most `concurrency` at once; each is judged by its assertions when it ends. Returns at once; poll `GET /v1/evaluations/{experimentId}` for progress.',
  request: { body: jsonBody(StartExperimentBody) },
  responses: { 202: jsonResponse(Experiment, 'Accepted; running'), ...problemResponses(404) },
});
const listExperiments = createRoute({
  operationId: 'listEvaluations',
  method: 'get',
  path: '/v1/evaluations',
  tags,
  summary: 'Experiments, newest first',
  request: { query: ListExperimentsQuery },
  responses: { 200: jsonResponse(ExperimentList, 'Experiments'), ...problemResponses() },
});
const compare = createRoute({
  operationId: 'compareEvaluations',
  method: 'get',
  path: '/v1/evaluations/compare',
  tags,
  summary: 'Compare two experiments case by case, regressions first',
  request: { query: CompareQuery },
  responses: { 200: jsonResponse(ExperimentComparison, 'Comparison'), ...problemResponses(404) },
});
const getExperiment = createRoute({
  operationId: 'getEvaluation',
  method: 'get',
  path: '/v1/evaluations/{experimentId}',
  tags,
  summary: 'An experiment with every case result (pass/fail, score, reason, cost, latency, run id)',
  request: { params: ExperimentParams },
  responses: { 200: jsonResponse(ExperimentDetail, 'The experiment'), ...problemResponses(404) },
});
const rerunCase = createRoute({
  operationId: 'rerunEvaluationCase',
  method: 'post',
  path: '/v1/evaluations/{experimentId}/cases/{caseId}/rerun',
  tags,
  summary: 'Run one case of an experiment again',
  request: { params: ExperimentCaseParams },
  responses: { 202: jsonResponse(CaseResult, 'Accepted; running'), ...problemResponses(404, 409) },
});

export function registerEvaluationRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(startExperiment, async (c) => c.json(await evaluations(deps).start(c.req.valid('json')), 202));
  app.openapi(listExperiments, async (c) =>
    c.json({ items: deps.evaluations ? await deps.evaluations.listExperiments(c.req.valid('query')) : [] }, 200),
  );
  app.openapi(compare, async (c) => {
    const { base, head } = c.req.valid('query');
    return c.json(found(await evaluations(deps).compare(base, head), 'Experiment not found'), 200);
  });
  app.openapi(getExperiment, async (c) => {
    const { experimentId } = c.req.valid('param');
    return c.json(
      found(await evaluations(deps).getExperiment(experimentId), `Experiment ${experimentId} not found`),
      200,
    );
  });
  app.openapi(rerunCase, async (c) => {
    const { experimentId, caseId } = c.req.valid('param');
    const result = await evaluations(deps).rerunCase(experimentId, caseId);
    return c.json(found(result, `Case ${caseId} of experiment ${experimentId} not found`), 202);
  });
}
