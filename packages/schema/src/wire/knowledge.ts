import { z } from 'zod';
import { JsonObject, ResourceId, Timestamp } from './common.js';

/** Kinds of document a knowledge base takes (PDF is not supported: convert it to text first). */
export const KnowledgeContentType = z.enum(['text/plain', 'text/markdown', 'text/html']);
export type KnowledgeContentType = z.infer<typeof KnowledgeContentType>;

/** `provider:model` of an embedder, e.g. `openai:text-embedding-3-small`, `ollama:nomic-embed-text`, `scripted:embed`. */
export const EmbeddingModelSpec = z
  .string()
  .min(3)
  .max(200)
  .regex(/^[a-z][a-z0-9-]*:[^\s]+$/, 'provider:model');

export const KnowledgeBase = z.object({
  id: ResourceId,
  name: z.string(),
  description: z.string(),
  embeddingModel: z.string(),
  dimensions: z.number().int(),
  chunkSize: z.number().int(),
  chunkOverlap: z.number().int(),
  documentCount: z.number().int(),
  chunkCount: z.number().int(),
  /** The search this database runs: an HNSW index (pgvector) or an exact scan. */
  search: z.enum(['hnsw', 'exact']),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type KnowledgeBase = z.infer<typeof KnowledgeBase>;

export const CreateKnowledgeBaseBody = z
  .object({
    id: ResourceId.optional(),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).default(''),
    embeddingModel: EmbeddingModelSpec.default('scripted:embed'),
    chunkSize: z.number().int().min(50).max(8000).default(800),
    chunkOverlap: z.number().int().min(0).max(2000).default(100),
  })
  .strict()
  .refine((b) => b.chunkOverlap < b.chunkSize, {
    message: 'chunkOverlap must be below chunkSize',
    path: ['chunkOverlap'],
  });
export type CreateKnowledgeBaseBody = z.infer<typeof CreateKnowledgeBaseBody>;

export const KnowledgeDocument = z.object({
  id: ResourceId,
  knowledgeBaseId: ResourceId,
  source: z.string(),
  contentType: KnowledgeContentType,
  metadata: JsonObject,
  chunkCount: z.number().int(),
  chars: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type KnowledgeDocument = z.infer<typeof KnowledgeDocument>;

export const AddDocumentBody = z
  .object({
    /** File name or URL the text came from; a document with the same source is replaced (re-indexed if changed). */
    source: z.string().trim().min(1).max(500),
    content: z.string().min(1).max(5_000_000),
    /** Default: from the source's extension (`.md`, `.html`), else plain text. */
    contentType: KnowledgeContentType.optional(),
    metadata: JsonObject.default({}),
  })
  .strict();
export type AddDocumentBody = z.infer<typeof AddDocumentBody>;

export const AddDocumentResult = z.object({
  document: KnowledgeDocument,
  /** `unchanged`: same text as stored, nothing re-embedded. */
  status: z.enum(['created', 'updated', 'unchanged']),
});
export type AddDocumentResult = z.infer<typeof AddDocumentResult>;

/** Metadata filter: chunks whose metadata (the document's, plus `source`) contains these values. */
export const KnowledgeFilter = JsonObject;

export const KnowledgeQueryBody = z
  .object({
    query: z.string().trim().min(1).max(10_000),
    topK: z.number().int().min(1).max(100).default(4),
    /** Minimum cosine similarity (−1…1); chunks below are left out. */
    threshold: z.number().min(-1).max(1).optional(),
    filter: KnowledgeFilter.optional(),
  })
  .strict();
export type KnowledgeQueryBody = z.infer<typeof KnowledgeQueryBody>;

/** One retrieved chunk with its citation: document, source, position in the document's text. */
export const RetrievedChunk = z.object({
  /** `<documentId>#<idx>`. */
  id: z.string(),
  documentId: ResourceId,
  knowledgeBaseId: ResourceId,
  source: z.string(),
  idx: z.number().int(),
  content: z.string(),
  score: z.number(),
  startOffset: z.number().int(),
  endOffset: z.number().int(),
  lineFrom: z.number().int(),
  lineTo: z.number().int(),
  metadata: JsonObject,
  /** `source:lineFrom-lineTo`, what an answer cites. */
  citation: z.string(),
});
export type RetrievedChunk = z.infer<typeof RetrievedChunk>;

export const KnowledgeQueryResult = z.object({ chunks: z.array(RetrievedChunk), search: z.enum(['hnsw', 'exact']) });
export type KnowledgeQueryResult = z.infer<typeof KnowledgeQueryResult>;
