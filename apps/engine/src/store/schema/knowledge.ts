import { index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, unique } from 'drizzle-orm/pg-core';

/** A knowledge base: documents split into chunks, embedded with one model (fixed dimensions). */
export const knowledgeBases = pgTable('knowledge_bases', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  /** `provider:model` of the embedder, e.g. `openai:text-embedding-3-small` or `scripted:embed`. */
  embeddingModel: text('embedding_model').notNull(),
  dimensions: integer('dimensions').notNull(),
  chunkSize: integer('chunk_size').notNull(),
  chunkOverlap: integer('chunk_overlap').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
});

/** One uploaded document (its text kept, so it can be re-indexed); unique by source within a base. */
export const knowledgeDocuments = pgTable(
  'knowledge_documents',
  {
    id: text('id').primaryKey(),
    knowledgeBaseId: text('knowledge_base_id')
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    contentType: text('content_type').notNull(),
    content: text('content').notNull(),
    contentHash: text('content_hash').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    chunkCount: integer('chunk_count').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  },
  (t) => [unique('knowledge_documents_source_unique').on(t.knowledgeBaseId, t.source)],
);

/**
 * A chunk of a document's text with its position (character offsets and lines in the extracted text) and a
 * unit-length embedding as `real[]` (both backends); where pgvector is installed, a partial HNSW index per
 * knowledge base over `embedding::vector(dimensions)` serves the nearest-neighbour search.
 */
export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    documentId: text('document_id')
      .notNull()
      .references(() => knowledgeDocuments.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    knowledgeBaseId: text('knowledge_base_id').notNull(),
    content: text('content').notNull(),
    startOffset: integer('start_offset').notNull(),
    endOffset: integer('end_offset').notNull(),
    lineFrom: integer('line_from').notNull(),
    lineTo: integer('line_to').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    embedding: real('embedding').array().notNull(),
  },
  (t) => [
    primaryKey({ name: 'knowledge_chunks_pk', columns: [t.documentId, t.idx] }),
    index('knowledge_chunks_kb_idx').on(t.knowledgeBaseId),
  ],
);
