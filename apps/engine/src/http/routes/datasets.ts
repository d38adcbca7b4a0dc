import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FlowError, parseTestCasesJsonl, toTestCasesJsonl } from '@flowcraft/schema';
import type { EvaluationService, HttpDeps } from '../deps.js';
import {
  AddCasesBody,
  CaseFromRunBody,
  CaseParams,
  Dataset,
  DatasetBody,
  DatasetList,
  DatasetParams,
  ImportCasesBody,
  ListCasesQuery,
  ListDatasetsQuery,
  TestCase,
  TestCaseBody,
  TestCaseList,
  UpdateDatasetBody,
} from '../schemas/evaluation.js';
import { found, jsonBody, jsonResponse, problemResponses } from './openapi-helpers.js';

const tags = ['evaluations'];

export function evaluations(deps: HttpDeps): EvaluationService {
  if (!deps.evaluations) throw new FlowError('not_found', 'Evaluations are not available on this engine.');
  return deps.evaluations;
}

const createDataset = createRoute({
  operationId: 'createDataset',
  method: 'post',
  path: '/v1/datasets',
  tags,
  summary: 'Create a dataset of test cases for a workflow',
  description:
    'Names are unique within a workflow, compared trimmed and ignoring case: a taken name is refused with 409 `conflict` naming the dataset that has it.',
  request: { body: jsonBody(DatasetBody) },
  responses: { 201: jsonResponse(Dataset, 'Created'), ...problemResponses(404, 409) },
});
const listDatasets = createRoute({
  operationId: 'listDatasets',
  method: 'get',
  path: '/v1/datasets',
  tags,
  summary: 'Datasets, newest first (optionally of one workflow)',
  request: { query: ListDatasetsQuery },
  responses: { 200: jsonResponse(DatasetList, 'Datasets'), ...problemResponses() },
});
const getDataset = createRoute({
  operationId: 'getDataset',
  method: 'get',
  path: '/v1/datasets/{datasetId}',
  tags,
  summary: 'One dataset',
  request: { params: DatasetParams },
  responses: { 200: jsonResponse(Dataset, 'The dataset'), ...problemResponses(404) },
});
const updateDataset = createRoute({
  operationId: 'updateDataset',
  method: 'put',
  path: '/v1/datasets/{datasetId}',
  tags,
  summary: 'Rename or describe a dataset',
  description: 'A name another dataset of the workflow has (trimmed, ignoring case) is refused with 409 `conflict`.',
  request: { params: DatasetParams, body: jsonBody(UpdateDatasetBody) },
  responses: { 200: jsonResponse(Dataset, 'Updated'), ...problemResponses(404, 409) },
});
const deleteDataset = createRoute({
  operationId: 'deleteDataset',
  method: 'delete',
  path: '/v1/datasets/{datasetId}',
  tags,
  summary: 'Delete a dataset, its cases and its experiments',
  request: { params: DatasetParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(404) },
});
const listCases = createRoute({
  operationId: 'listTestCases',
  method: 'get',
  path: '/v1/datasets/{datasetId}/cases',
  tags,
  summary: 'Test cases in creation order, filtered by tags and name',
  request: { params: DatasetParams, query: ListCasesQuery },
  responses: { 200: jsonResponse(TestCaseList, 'Cases'), ...problemResponses(404) },
});
const addCases = createRoute({
  operationId: 'addTestCases',
  method: 'post',
  path: '/v1/datasets/{datasetId}/cases',
  tags,
  summary: 'Add test cases (written by hand)',
  request: { params: DatasetParams, body: jsonBody(AddCasesBody) },
  responses: { 201: jsonResponse(TestCaseList, 'Created'), ...problemResponses(404) },
});
const caseFromRun = createRoute({
  operationId: 'saveRunAsTestCase',
  method: 'post',
  path: '/v1/datasets/{datasetId}/cases/from-run',
  tags,
  summary: 'Save a run (or a checkpoint of its thread, or an edited fork) as a test case',
  description:
    "Without `checkpointId`: the run's input, and its output as the expected output. With `checkpointId`: the case continues the run's thread from that checkpoint, so an edited fork is replayed exactly. A run that was itself a fork continues from the checkpoint it forked.",
  request: { params: DatasetParams, body: jsonBody(CaseFromRunBody) },
  responses: { 201: jsonResponse(TestCase, 'Created'), ...problemResponses(404) },
});
const importCases = createRoute({
  operationId: 'importTestCases',
  method: 'post',
  path: '/v1/datasets/{datasetId}/import',
  tags,
  summary: 'Import test cases from JSONL (all or none)',
  request: { params: DatasetParams, body: jsonBody(ImportCasesBody) },
  responses: { 201: jsonResponse(TestCaseList, 'Imported'), ...problemResponses(404) },
});
const exportCases = createRoute({
  operationId: 'exportTestCases',
  method: 'get',
  path: '/v1/datasets/{datasetId}/export',
  tags,
  summary: 'The cases as JSONL (the format `pnpm flow test --dataset` reads)',
  request: { params: DatasetParams },
  responses: {
    200: { description: 'One case per line', content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
    ...problemResponses(404),
  },
});
const getCase = createRoute({
  operationId: 'getTestCase',
  method: 'get',
  path: '/v1/datasets/{datasetId}/cases/{caseId}',
  tags,
  summary: 'One test case',
  request: { params: CaseParams },
  responses: { 200: jsonResponse(TestCase, 'The case'), ...problemResponses(404) },
});
const updateCase = createRoute({
  operationId: 'updateTestCase',
  method: 'put',
  path: '/v1/datasets/{datasetId}/cases/{caseId}',
  tags,
  summary: 'Replace a test case',
  request: { params: CaseParams, body: jsonBody(TestCaseBody) },
  responses: { 200: jsonResponse(TestCase, 'Updated'), ...problemResponses(404) },
});
const deleteCase = createRoute({
  operationId: 'deleteTestCase',
  method: 'delete',
  path: '/v1/datasets/{datasetId}/cases/{caseId}',
  tags,
  summary: 'Delete a test case (past results keep it)',
  request: { params: CaseParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(404) },
});

export function registerDatasetRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  const noDataset = (id: string) => `Dataset ${id} not found`;

  app.openapi(createDataset, async (c) => c.json(await evaluations(deps).createDataset(c.req.valid('json')), 201));
  app.openapi(listDatasets, async (c) =>
    c.json(
      { items: deps.evaluations ? await deps.evaluations.listDatasets(c.req.valid('query').workflowId) : [] },
      200,
    ),
  );
  app.openapi(getDataset, async (c) => {
    const { datasetId } = c.req.valid('param');
    return c.json(found(await evaluations(deps).getDataset(datasetId), noDataset(datasetId)), 200);
  });
  app.openapi(updateDataset, async (c) => {
    const { datasetId } = c.req.valid('param');
    const body = c.req.valid('json');
    const patch = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
    };
    return c.json(found(await evaluations(deps).updateDataset(datasetId, patch), noDataset(datasetId)), 200);
  });
  app.openapi(deleteDataset, async (c) => {
    const { datasetId } = c.req.valid('param');
    if (!(await evaluations(deps).deleteDataset(datasetId))) throw new FlowError('not_found', noDataset(datasetId));
    return c.body(null, 204);
  });
  app.openapi(listCases, async (c) => {
    const { datasetId } = c.req.valid('param');
    const q = c.req.valid('query');
    const items = await evaluations(deps).listCases(datasetId, {
      ...(q.tags ? { tags: q.tags } : {}),
      ...(q.q ? { search: q.q } : {}),
    });
    return c.json({ items: found(items, noDataset(datasetId)) }, 200);
  });
  app.openapi(addCases, async (c) => {
    const { datasetId } = c.req.valid('param');
    const items = await evaluations(deps).addCases(datasetId, c.req.valid('json').cases);
    return c.json({ items: found(items, noDataset(datasetId)) }, 201);
  });
  app.openapi(caseFromRun, async (c) => {
    const { datasetId } = c.req.valid('param');
    const body = c.req.valid('json');
    const created = await evaluations(deps).caseFromRun(datasetId, body);
    return c.json(found(created, `Dataset ${datasetId} or run ${body.runId} not found`), 201);
  });
  app.openapi(importCases, async (c) => {
    const { datasetId } = c.req.valid('param');
    const { cases, problems } = parseTestCasesJsonl(c.req.valid('json').jsonl);
    if (problems.length > 0) {
      const shown = problems
        .slice(0, 10)
        .map((p) => `line ${p.line}: ${p.message}`)
        .join('; ');
      throw new FlowError('invalid_input', `${problems.length} invalid line(s), nothing imported: ${shown}`);
    }
    if (cases.length === 0) throw new FlowError('invalid_input', 'The JSONL holds no test case.');
    const items = await evaluations(deps).addCases(datasetId, cases);
    return c.json({ items: found(items, noDataset(datasetId)) }, 201);
  });
  app.openapi(exportCases, async (c) => {
    const { datasetId } = c.req.valid('param');
    const dataset = found(await evaluations(deps).getDataset(datasetId), noDataset(datasetId));
    const cases = (await evaluations(deps).listCases(datasetId, {})) ?? [];
    const body = toTestCasesJsonl(
      cases.map(({ id: _id, datasetId: _d, createdAt: _c, updatedAt: _u, ...rest }) => rest),
    );
    const file = `${dataset.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'dataset'}.jsonl`;
    return c.body(body, 200, {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file}"`,
    });
  });
  app.openapi(getCase, async (c) => {
    const { datasetId, caseId } = c.req.valid('param');
    return c.json(found(await evaluations(deps).getCase(datasetId, caseId), `Case ${caseId} not found`), 200);
  });
  app.openapi(updateCase, async (c) => {
    const { datasetId, caseId } = c.req.valid('param');
    const updated = await evaluations(deps).updateCase(datasetId, caseId, c.req.valid('json'));
    return c.json(found(updated, `Case ${caseId} not found`), 200);
  });
  app.openapi(deleteCase, async (c) => {
    const { datasetId, caseId } = c.req.valid('param');
    if (!(await evaluations(deps).deleteCase(datasetId, caseId)))
      throw new FlowError('not_found', `Case ${caseId} not found`);
    return c.body(null, 204);
  });
}
