import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FlowError } from '@flowcraft/schema';
import type { HttpDeps, KnowledgeService } from '../deps.js';
import {
  AddDocumentBody,
  AddDocumentResult,
  CreateKnowledgeBaseBody,
  KnowledgeBase,
  KnowledgeBaseDetail,
  KnowledgeBaseList,
  KnowledgeBaseParams,
  KnowledgeDocumentDetail,
  KnowledgeDocumentParams,
  KnowledgeQueryBody,
  KnowledgeQueryResult,
  ReindexResult,
} from '../schemas/knowledge.js';
import { jsonBody, jsonResponse, problemResponses } from './openapi-helpers.js';

const tags = ['knowledge'];

function service(deps: HttpDeps): KnowledgeService {
  if (!deps.knowledge) throw new FlowError('not_found', 'This engine has no knowledge bases.');
  return deps.knowledge;
}

const listBases = createRoute({
  operationId: 'listKnowledgeBases',
  method: 'get',
  path: '/v1/knowledge',
  tags,
  summary: 'Knowledge bases',
  responses: { 200: jsonResponse(KnowledgeBaseList, 'Every knowledge base with its counts'), ...problemResponses() },
});

const createBase = createRoute({
  operationId: 'createKnowledgeBase',
  method: 'post',
  path: '/v1/knowledge',
  tags,
  summary: 'Create a knowledge base',
  description:
    'The embedding model (`provider:model`: `openai:text-embedding-3-small`, `ollama:nomic-embed-text`, an OpenAI-compatible endpoint, or the offline `scripted:embed`) is called once to learn its dimensions. Chunk size and overlap are in characters.',
  request: { body: jsonBody(CreateKnowledgeBaseBody) },
  responses: { 201: jsonResponse(KnowledgeBase, 'Created'), ...problemResponses(409) },
});

const getBase = createRoute({
  operationId: 'getKnowledgeBase',
  method: 'get',
  path: '/v1/knowledge/{kbId}',
  tags,
  summary: 'A knowledge base and its documents',
  request: { params: KnowledgeBaseParams },
  responses: { 200: jsonResponse(KnowledgeBaseDetail, 'The base and its documents'), ...problemResponses(404) },
});

const deleteBase = createRoute({
  operationId: 'deleteKnowledgeBase',
  method: 'delete',
  path: '/v1/knowledge/{kbId}',
  tags,
  summary: 'Delete a knowledge base with its documents and chunks',
  request: { params: KnowledgeBaseParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(404) },
});

const addDocument = createRoute({
  operationId: 'addKnowledgeDocument',
  method: 'post',
  path: '/v1/knowledge/{kbId}/documents',
  tags,
  summary: 'Add or replace a document',
  description:
    'Text, Markdown or HTML (by `contentType`, else by the source’s extension). The text is split with LangChain’s splitters, embedded and stored with its position. A document with the same `source` is replaced and re-indexed when its text or metadata changed (`updated`), or left as it is (`unchanged`).',
  request: { params: KnowledgeBaseParams, body: jsonBody(AddDocumentBody) },
  responses: { 200: jsonResponse(AddDocumentResult, 'Stored'), ...problemResponses(404, 413) },
});

const getDocument = createRoute({
  operationId: 'getKnowledgeDocument',
  method: 'get',
  path: '/v1/knowledge/{kbId}/documents/{docId}',
  tags,
  summary: 'A document and its chunks',
  request: { params: KnowledgeDocumentParams },
  responses: { 200: jsonResponse(KnowledgeDocumentDetail, 'The document and its chunks'), ...problemResponses(404) },
});

const deleteDocument = createRoute({
  operationId: 'deleteKnowledgeDocument',
  method: 'delete',
  path: '/v1/knowledge/{kbId}/documents/{docId}',
  tags,
  summary: 'Delete a document and its chunks',
  request: { params: KnowledgeDocumentParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(404) },
});

const queryBase = createRoute({
  operationId: 'queryKnowledgeBase',
  method: 'post',
  path: '/v1/knowledge/{kbId}/query',
  tags,
  summary: 'Search a knowledge base',
  description:
    'The `topK` chunks most similar to the query (cosine), above `threshold`, whose metadata contains `filter`; each with its citation (`source:lines`). `search` says whether the pgvector HNSW index or an exact scan answered.',
  request: { params: KnowledgeBaseParams, body: jsonBody(KnowledgeQueryBody) },
  responses: { 200: jsonResponse(KnowledgeQueryResult, 'Chunks, best first'), ...problemResponses(404) },
});

const reindexBase = createRoute({
  operationId: 'reindexKnowledgeBase',
  method: 'post',
  path: '/v1/knowledge/{kbId}/reindex',
  tags,
  summary: 'Re-split and re-embed every document',
  request: { params: KnowledgeBaseParams },
  responses: { 200: jsonResponse(ReindexResult, 'Re-indexed'), ...problemResponses(404) },
});

export function registerKnowledgeRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(listBases, async (c) => c.json({ items: deps.knowledge ? await deps.knowledge.list() : [] }, 200));

  app.openapi(createBase, async (c) => c.json(await service(deps).create(c.req.valid('json')), 201));

  app.openapi(getBase, async (c) => {
    const { kbId } = c.req.valid('param');
    const found = await service(deps).get(kbId);
    if (!found) throw new FlowError('not_found', `There is no knowledge base "${kbId}".`);
    return c.json(found, 200);
  });

  app.openapi(deleteBase, async (c) => {
    const { kbId } = c.req.valid('param');
    if (!(await service(deps).delete(kbId))) throw new FlowError('not_found', `There is no knowledge base "${kbId}".`);
    return c.body(null, 204);
  });

  app.openapi(addDocument, async (c) => {
    const { kbId } = c.req.valid('param');
    return c.json(await service(deps).addDocument(kbId, c.req.valid('json')), 200);
  });

  app.openapi(getDocument, async (c) => {
    const { kbId, docId } = c.req.valid('param');
    const found = await service(deps).getDocument(kbId, docId);
    if (!found) throw new FlowError('not_found', `There is no document "${docId}" in "${kbId}".`);
    return c.json(found, 200);
  });

  app.openapi(deleteDocument, async (c) => {
    const { kbId, docId } = c.req.valid('param');
    if (!(await service(deps).deleteDocument(kbId, docId)))
      throw new FlowError('not_found', `There is no document "${docId}" in "${kbId}".`);
    return c.body(null, 204);
  });

  app.openapi(queryBase, async (c) => {
    const { kbId } = c.req.valid('param');
    return c.json(await service(deps).query(kbId, c.req.valid('json')), 200);
  });

  app.openapi(reindexBase, async (c) => {
    const { kbId } = c.req.valid('param');
    return c.json(await service(deps).reindex(kbId), 200);
  });
}
