import { z } from '@hono/zod-openapi';
import {
  AddDocumentBody as WireAddDocumentBody,
  AddDocumentResult as WireAddDocumentResult,
  CreateKnowledgeBaseBody as WireCreateKnowledgeBaseBody,
  KnowledgeBase as WireKnowledgeBase,
  KnowledgeDocument as WireKnowledgeDocument,
  KnowledgeQueryBody as WireKnowledgeQueryBody,
  KnowledgeQueryResult as WireKnowledgeQueryResult,
  MemoryItem as WireMemoryItem,
  MemoryNamespaceText,
} from '@flowcraft/schema';
import { Id, named } from './common.js';

export const KnowledgeBase = named(WireKnowledgeBase, 'KnowledgeBase');
export const KnowledgeDocument = named(WireKnowledgeDocument, 'KnowledgeDocument');
export const CreateKnowledgeBaseBody = named(WireCreateKnowledgeBaseBody, 'CreateKnowledgeBaseBody');
export const AddDocumentBody = named(WireAddDocumentBody, 'AddKnowledgeDocumentBody');
export const AddDocumentResult = named(WireAddDocumentResult, 'AddKnowledgeDocumentResult');
export const KnowledgeQueryBody = named(WireKnowledgeQueryBody, 'KnowledgeQueryBody');
export const KnowledgeQueryResult = named(WireKnowledgeQueryResult, 'KnowledgeQueryResult');

export const KnowledgeBaseList = z.object({ items: z.array(KnowledgeBase) }).openapi('KnowledgeBaseList');
export const KnowledgeBaseDetail = z
  .object({ base: KnowledgeBase, documents: z.array(KnowledgeDocument) })
  .openapi('KnowledgeBaseDetail');
export const KnowledgeChunkView = z.object({
  idx: z.number().int(),
  content: z.string(),
  startOffset: z.number().int(),
  endOffset: z.number().int(),
  lineFrom: z.number().int(),
  lineTo: z.number().int(),
});
export const KnowledgeDocumentDetail = z
  .object({ document: KnowledgeDocument, chunks: z.array(KnowledgeChunkView) })
  .openapi('KnowledgeDocumentDetail');
export const ReindexResult = z
  .object({ documents: z.number().int(), chunks: z.number().int() })
  .openapi('ReindexResult');

export const KnowledgeBaseParams = z.object({ kbId: Id.openapi({ param: { name: 'kbId', in: 'path' } }) });
export const KnowledgeDocumentParams = KnowledgeBaseParams.extend({
  docId: Id.openapi({ param: { name: 'docId', in: 'path' } }),
});

export const MemoryItem = named(WireMemoryItem, 'MemoryItem');
const Namespace = MemoryNamespaceText.clone().openapi({
  description: 'Namespace labels joined by ".", e.g. `workflow.support-bot.alice`.',
  example: 'workflow.support-bot.alice',
});
export const MemoryNamespacesQuery = z.object({
  prefix: Namespace.optional(),
  maxDepth: z.coerce.number().int().min(1).max(20).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const MemoryNamespaceList = z.object({ items: z.array(z.array(z.string())) }).openapi('MemoryNamespaceList');
export const MemoryItemsQuery = z.object({
  namespace: Namespace,
  query: z.string().max(2000).optional().openapi({ description: 'Rank by similarity to this text.' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const MemoryItemList = z.object({ items: z.array(MemoryItem) }).openapi('MemoryItemList');
export const MemoryItemQuery = z.object({ namespace: Namespace, key: z.string().min(1).max(1000) });
export const MemoryEraseQuery = z.object({ prefix: Namespace });
export const MemoryEraseResult = z.object({ deleted: z.number().int() }).openapi('MemoryEraseResult');
