import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { FlowError, validateWorkflow } from '@flowcraft/schema';
import { checkDocument } from '../check-document.js';
import type { HttpDeps } from '../deps.js';
import {
  CreateWorkflowBody,
  DraftDocument,
  ListWorkflowsQuery,
  UpdateWorkflowBody,
  ValidationReport,
  Workflow,
  WorkflowIdParams,
  WorkflowPage,
} from '../schemas/workflow.js';
import { found, jsonBody, jsonResponse, problemResponses } from './openapi-helpers.js';

const tags = ['workflows'];

const createWorkflow = createRoute({
  operationId: 'createWorkflow',
  method: 'post',
  path: '/v1/workflows',
  tags,
  summary: 'Create a workflow',
  description:
    'Saves version 1 under a new id. An invalid document is saved as a draft (`valid: false`, with `problems`); it cannot run.',
  request: { body: jsonBody(CreateWorkflowBody) },
  responses: { 201: jsonResponse(Workflow, 'The new workflow'), ...problemResponses(400, 413, 415) },
});

const listWorkflows = createRoute({
  operationId: 'listWorkflows',
  method: 'get',
  path: '/v1/workflows',
  tags,
  summary: 'List workflows',
  request: { query: ListWorkflowsQuery },
  responses: {
    200: jsonResponse(WorkflowPage, 'A page of workflows, most recently updated first'),
    ...problemResponses(400),
  },
});

const getWorkflow = createRoute({
  operationId: 'getWorkflow',
  method: 'get',
  path: '/v1/workflows/{workflowId}',
  tags,
  summary: 'Get a workflow (latest version)',
  request: { params: WorkflowIdParams },
  responses: { 200: jsonResponse(Workflow, 'The workflow'), ...problemResponses(400, 404) },
});

const updateWorkflow = createRoute({
  operationId: 'updateWorkflow',
  method: 'put',
  path: '/v1/workflows/{workflowId}',
  tags,
  summary: 'Save a new version',
  description:
    'Every save is a new, immutable version. Send `expectedVersion` to refuse the save when someone else saved first.',
  request: { params: WorkflowIdParams, body: jsonBody(UpdateWorkflowBody) },
  responses: {
    200: jsonResponse(Workflow, 'The workflow with its new version'),
    ...problemResponses(400, 404, 409, 413, 415),
  },
});

const deleteWorkflow = createRoute({
  operationId: 'deleteWorkflow',
  method: 'delete',
  path: '/v1/workflows/{workflowId}',
  tags,
  summary: 'Delete a workflow',
  request: { params: WorkflowIdParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 404, 409) },
});

const validateDocument = createRoute({
  operationId: 'validateWorkflow',
  method: 'post',
  path: '/v1/workflows/validate',
  tags,
  summary: 'Validate a document without saving it',
  request: { body: jsonBody(DraftDocument, 'A workflow document') },
  responses: {
    200: jsonResponse(ValidationReport, 'Every problem found; `ok` when there is no error'),
    ...problemResponses(400, 413, 415),
  },
});

export function registerWorkflowRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  const newId = deps.newWorkflowId ?? randomUUID;

  app.openapi(validateDocument, (c) => {
    const result = validateWorkflow(c.req.valid('json'), deps.registry);
    const report = result.document
      ? { ok: result.ok, problems: result.problems, document: result.document }
      : { ok: result.ok, problems: result.problems };
    return c.json(report, 200);
  });

  app.openapi(createWorkflow, async (c) => {
    const body = c.req.valid('json');
    const id = newId();
    const workflow = await deps.workflows.create({
      id,
      ...checkDocument(body.document, id, deps.registry, body.message),
    });
    c.header('Location', `/v1/workflows/${workflow.id}`);
    return c.json(workflow, 201);
  });

  app.openapi(listWorkflows, async (c) => c.json(await deps.workflows.list(c.req.valid('query')), 200));

  app.openapi(getWorkflow, async (c) => {
    const { workflowId } = c.req.valid('param');
    return c.json(found(await deps.workflows.get(workflowId), `Workflow "${workflowId}" does not exist.`), 200);
  });

  app.openapi(updateWorkflow, async (c) => {
    const { workflowId } = c.req.valid('param');
    const body = c.req.valid('json');
    const version = checkDocument(body.document, workflowId, deps.registry, body.message);
    const saved = await deps.workflows.saveVersion(workflowId, { ...version, expectedVersion: body.expectedVersion });
    return c.json(found(saved, `Workflow "${workflowId}" does not exist.`), 200);
  });

  app.openapi(deleteWorkflow, async (c) => {
    const { workflowId } = c.req.valid('param');
    if (!(await deps.workflows.delete(workflowId)))
      throw new FlowError('not_found', `Workflow "${workflowId}" does not exist.`);
    return c.body(null, 204);
  });
}
