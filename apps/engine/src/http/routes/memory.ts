import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FlowError } from '@flowcraft/schema';
import type { HttpDeps, MemoryService } from '../deps.js';
import {
  MemoryEraseQuery,
  MemoryEraseResult,
  MemoryItem,
  MemoryItemList,
  MemoryItemQuery,
  MemoryItemsQuery,
  MemoryNamespaceList,
  MemoryNamespacesQuery,
} from '../schemas/knowledge.js';
import { jsonResponse, problemResponses } from './openapi-helpers.js';

const tags = ['memory'];

function service(deps: HttpDeps): MemoryService {
  if (!deps.memory) throw new FlowError('not_found', 'This engine has no long-term memory store.');
  return deps.memory;
}

const labels = (text: string) => text.split('.');

const listNamespaces = createRoute({
  operationId: 'listMemoryNamespaces',
  method: 'get',
  path: '/v1/memory/namespaces',
  tags,
  summary: 'Namespaces that hold memories',
  description:
    'Workflows keep memories under `workflow.<workflowId>.<scope>` (the scope is e.g. a user id from the run’s state; `.` in it is written `%2E`).',
  request: { query: MemoryNamespacesQuery },
  responses: { 200: jsonResponse(MemoryNamespaceList, 'Namespaces, sorted'), ...problemResponses(404) },
});

const listItems = createRoute({
  operationId: 'listMemoryItems',
  method: 'get',
  path: '/v1/memory/items',
  tags,
  summary: 'Memories in a namespace and below',
  request: { query: MemoryItemsQuery },
  responses: { 200: jsonResponse(MemoryItemList, 'Items, newest first or by similarity'), ...problemResponses(404) },
});

const getItem = createRoute({
  operationId: 'getMemoryItem',
  method: 'get',
  path: '/v1/memory/item',
  tags,
  summary: 'One memory',
  request: { query: MemoryItemQuery },
  responses: { 200: jsonResponse(MemoryItem, 'The item'), ...problemResponses(404) },
});

const deleteItem = createRoute({
  operationId: 'deleteMemoryItem',
  method: 'delete',
  path: '/v1/memory/item',
  tags,
  summary: 'Forget one memory',
  request: { query: MemoryItemQuery },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(404) },
});

const erase = createRoute({
  operationId: 'eraseMemory',
  method: 'delete',
  path: '/v1/memory/items',
  tags,
  summary: 'Forget everything in a namespace and below',
  description:
    'E.g. `prefix=workflow.support-bot.alice` erases what that workflow remembers about alice (right to erasure).',
  request: { query: MemoryEraseQuery },
  responses: { 200: jsonResponse(MemoryEraseResult, 'How many items were deleted'), ...problemResponses(404) },
});

export function registerMemoryRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(listNamespaces, async (c) => {
    const q = c.req.valid('query');
    const items = await service(deps).listNamespaces({
      ...(q.prefix ? { prefix: labels(q.prefix) } : {}),
      ...(q.maxDepth ? { maxDepth: q.maxDepth } : {}),
      limit: q.limit,
    });
    return c.json({ items }, 200);
  });

  app.openapi(listItems, async (c) => {
    const q = c.req.valid('query');
    const items = await service(deps).list(labels(q.namespace), {
      limit: q.limit,
      offset: q.offset,
      ...(q.query ? { query: q.query } : {}),
    });
    return c.json({ items }, 200);
  });

  app.openapi(getItem, async (c) => {
    const q = c.req.valid('query');
    const item = await service(deps).get(labels(q.namespace), q.key);
    if (!item) throw new FlowError('not_found', `No memory "${q.key}" in ${q.namespace}.`);
    return c.json(item, 200);
  });

  app.openapi(deleteItem, async (c) => {
    const q = c.req.valid('query');
    if (!(await service(deps).delete(labels(q.namespace), q.key)))
      throw new FlowError('not_found', `No memory "${q.key}" in ${q.namespace}.`);
    return c.body(null, 204);
  });

  app.openapi(erase, async (c) => {
    const q = c.req.valid('query');
    return c.json({ deleted: await service(deps).erase(labels(q.prefix)) }, 200);
  });
}
