import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { FlowError } from '@flowcraft/schema';
import { checkDocument } from '../check-document.js';
import type { HttpDeps } from '../deps.js';
import { Id, PageQuery } from '../schemas/common.js';
import {
  DraftDocument,
  ExportWorkflowQuery,
  ImportWorkflowQuery,
  Workflow,
  WorkflowIdParams,
  WorkflowVersion,
  WorkflowVersionPage,
  WorkflowVersionParams,
} from '../schemas/workflow.js';
import { found, jsonBody, jsonResponse, problemResponses } from './openapi-helpers.js';

const tags = ['workflows'];

const listVersions = createRoute({
  operationId: 'listWorkflowVersions',
  method: 'get',
  path: '/v1/workflows/{workflowId}/versions',
  tags,
  summary: 'List the versions of a workflow',
  request: { params: WorkflowIdParams, query: PageQuery },
  responses: {
    200: jsonResponse(WorkflowVersionPage, 'A page of versions, newest first'),
    ...problemResponses(400, 404),
  },
});

const getVersion = createRoute({
  operationId: 'getWorkflowVersion',
  method: 'get',
  path: '/v1/workflows/{workflowId}/versions/{version}',
  tags,
  summary: 'Get one version of a workflow',
  request: { params: WorkflowVersionParams },
  responses: { 200: jsonResponse(WorkflowVersion, 'The version'), ...problemResponses(400, 404) },
});

const importWorkflow = createRoute({
  operationId: 'importWorkflow',
  method: 'post',
  path: '/v1/workflows/import',
  tags,
  summary: 'Import a workflow document (e.g. an exported file)',
  description:
    "Keeps the document's `id` when it is a valid id that is free. `onConflict` decides what happens when it is taken. " +
    'Like create, an invalid document is saved as a draft.',
  request: { query: ImportWorkflowQuery, body: jsonBody(DraftDocument, 'A workflow document') },
  responses: {
    201: jsonResponse(Workflow, 'Imported as a new workflow'),
    200: jsonResponse(Workflow, 'Imported as a new version of the existing workflow (`onConflict=version`)'),
    ...problemResponses(400, 409, 413, 415),
  },
});

const exportWorkflow = createRoute({
  operationId: 'exportWorkflow',
  method: 'get',
  path: '/v1/workflows/{workflowId}/export',
  tags,
  summary: 'Export a workflow document as a file',
  request: { params: WorkflowIdParams, query: ExportWorkflowQuery },
  responses: { 200: jsonResponse(DraftDocument, 'The document, as an attachment'), ...problemResponses(400, 404) },
});

export function registerWorkflowVersionRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  const newId = deps.newWorkflowId ?? randomUUID;

  app.openapi(listVersions, async (c) => {
    const { workflowId } = c.req.valid('param');
    const versions = await deps.workflows.listVersions(workflowId, c.req.valid('query'));
    return c.json(found(versions, `Workflow "${workflowId}" does not exist.`), 200);
  });

  app.openapi(getVersion, async (c) => {
    const { workflowId, version } = c.req.valid('param');
    const stored = await deps.workflows.getVersion(workflowId, version);
    return c.json(found(stored, `Workflow "${workflowId}" has no version ${version}.`), 200);
  });

  app.openapi(importWorkflow, async (c) => {
    const { onConflict } = c.req.valid('query');
    const document = c.req.valid('json');
    const ownId = Id.safeParse(document['id']);
    const existing = ownId.success ? await deps.workflows.get(ownId.data) : undefined;
    if (existing && onConflict === 'version') {
      const version = checkDocument(document, existing.id, deps.registry, 'imported');
      const saved = await deps.workflows.saveVersion(existing.id, version);
      return c.json(found(saved, `Workflow "${existing.id}" does not exist.`), 200);
    }
    if (existing && onConflict === 'fail') {
      throw new FlowError(
        'conflict',
        `A workflow with id "${existing.id}" exists; import with onConflict=copy or onConflict=version.`,
      );
    }
    const id = ownId.success && !existing ? ownId.data : newId();
    const workflow = await deps.workflows.create({ id, ...checkDocument(document, id, deps.registry, 'imported') });
    c.header('Location', `/v1/workflows/${workflow.id}`);
    return c.json(workflow, 201);
  });

  app.openapi(exportWorkflow, async (c) => {
    const { workflowId } = c.req.valid('param');
    const { version } = c.req.valid('query');
    const document =
      version === undefined
        ? found(await deps.workflows.get(workflowId), `Workflow "${workflowId}" does not exist.`).document
        : found(
            await deps.workflows.getVersion(workflowId, version),
            `Workflow "${workflowId}" has no version ${version}.`,
          ).document;
    const suffix = version === undefined ? '' : `-v${version}`;
    c.header('Content-Disposition', `attachment; filename="${workflowId}${suffix}.json"`);
    return c.json(document, 200);
  });
}
