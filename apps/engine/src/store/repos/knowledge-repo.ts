import { createHash } from 'node:crypto';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { knowledgeBases, knowledgeChunks, knowledgeDocuments } from '../schema/knowledge.js';
import { dotProductSql, enableVector, rowsOf, vectorLiteral } from '../vector.js';

export type KnowledgeBaseRow = typeof knowledgeBases.$inferSelect;
export type KnowledgeDocumentRow = typeof knowledgeDocuments.$inferSelect;
export type KnowledgeChunkRow = typeof knowledgeChunks.$inferSelect;
export type NewKnowledgeChunk = Omit<KnowledgeChunkRow, 'documentId' | 'knowledgeBaseId'>;

/** How a search runs: the pgvector HNSW index, or an exact scan over `real[]` (any Postgres). */
export type KnowledgeSearchMode = 'hnsw' | 'exact';

export interface ChunkSearch {
  vector: readonly number[];
  topK: number;
  /** Chunks whose metadata contains this object (`@>`). */
  filter?: Record<string, unknown>;
  /** Default: HNSW where pgvector is available, else exact. */
  mode?: KnowledgeSearchMode;
  /** HNSW candidate list size (`hnsw.ef_search`); default max(40, 2·topK). */
  efSearch?: number;
}

export interface ScoredChunk extends KnowledgeChunkRow {
  score: number;
}

/** Ids are ResourceIds (letters, digits, `_`, `-`): safe inside the index DDL and its predicate. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

function safeId(id: string): string {
  if (!SAFE_ID.test(id)) throw new FlowError('invalid_request', `Invalid knowledge base id "${id}".`);
  return id;
}

function indexName(kbId: string): string {
  return `knowledge_chunks_hnsw_${createHash('sha1').update(kbId).digest('hex').slice(0, 20)}`;
}

/**
 * Knowledge bases, their documents and chunks. Embeddings are `real[]` on every backend; where the
 * database has pgvector, each base gets a partial HNSW index over `embedding::vector(dimensions)`
 * (cosine), and searches use it; elsewhere a search is an exact scan of the base's chunks in SQL.
 */
export function createKnowledgeRepo(db: Database) {
  let vector: Promise<boolean> | undefined;
  const hasVector = () => (vector ??= enableVector(db));

  async function ensureIndex(base: KnowledgeBaseRow): Promise<void> {
    if (!(await hasVector())) return;
    const id = safeId(base.id);
    await db.execute(
      sql.raw(
        `create index if not exists "${indexName(id)}" on knowledge_chunks using hnsw ((embedding::vector(${base.dimensions})) vector_cosine_ops) where knowledge_base_id = '${id}'`,
      ),
    );
  }

  return {
    /** Whether searches can use pgvector here. */
    hasVector,

    async createBase(row: typeof knowledgeBases.$inferInsert): Promise<KnowledgeBaseRow> {
      safeId(row.id);
      const inserted = await db.insert(knowledgeBases).values(row).onConflictDoNothing().returning();
      const base = inserted[0];
      if (base === undefined) throw new FlowError('conflict', `A knowledge base "${row.id}" exists already.`);
      await ensureIndex(base);
      return base;
    },

    async listBases(): Promise<(KnowledgeBaseRow & { documentCount: number; chunkCount: number })[]> {
      const rows = await db
        .select({
          base: knowledgeBases,
          documentCount: sql<number>`(select count(*) from ${knowledgeDocuments} d where d.knowledge_base_id = knowledge_bases.id)`,
          chunkCount: sql<number>`(select coalesce(sum(d.chunk_count), 0) from ${knowledgeDocuments} d where d.knowledge_base_id = knowledge_bases.id)`,
        })
        .from(knowledgeBases)
        .orderBy(asc(knowledgeBases.name), asc(knowledgeBases.id));
      return rows.map((r) => ({ ...r.base, documentCount: Number(r.documentCount), chunkCount: Number(r.chunkCount) }));
    },

    async getBase(id: string): Promise<KnowledgeBaseRow | undefined> {
      const [row] = await db.select().from(knowledgeBases).where(eq(knowledgeBases.id, id));
      return row;
    },

    async deleteBase(id: string): Promise<boolean> {
      const deleted = await db.transaction(async (tx) => {
        await tx.delete(knowledgeChunks).where(eq(knowledgeChunks.knowledgeBaseId, id));
        return tx.delete(knowledgeBases).where(eq(knowledgeBases.id, id)).returning({ id: knowledgeBases.id });
      });
      if (deleted.length > 0 && SAFE_ID.test(id) && (await hasVector()))
        await db.execute(sql.raw(`drop index if exists "${indexName(id)}"`));
      return deleted.length > 0;
    },

    async listDocuments(kbId: string): Promise<KnowledgeDocumentRow[]> {
      return db
        .select()
        .from(knowledgeDocuments)
        .where(eq(knowledgeDocuments.knowledgeBaseId, kbId))
        .orderBy(asc(knowledgeDocuments.source));
    },

    async getDocument(kbId: string, docId: string): Promise<KnowledgeDocumentRow | undefined> {
      const [row] = await db
        .select()
        .from(knowledgeDocuments)
        .where(and(eq(knowledgeDocuments.knowledgeBaseId, kbId), eq(knowledgeDocuments.id, docId)));
      return row;
    },

    async findDocumentBySource(kbId: string, source: string): Promise<KnowledgeDocumentRow | undefined> {
      const [row] = await db
        .select()
        .from(knowledgeDocuments)
        .where(and(eq(knowledgeDocuments.knowledgeBaseId, kbId), eq(knowledgeDocuments.source, source)));
      return row;
    },

    async listChunks(docId: string): Promise<KnowledgeChunkRow[]> {
      return db
        .select()
        .from(knowledgeChunks)
        .where(eq(knowledgeChunks.documentId, docId))
        .orderBy(asc(knowledgeChunks.idx));
    },

    async countChunks(kbId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(knowledgeChunks)
        .where(eq(knowledgeChunks.knowledgeBaseId, kbId));
      return row?.n ?? 0;
    },

    /** Creates or replaces the document with this source, and all its chunks, in one transaction. */
    async putDocument(
      doc: Omit<typeof knowledgeDocuments.$inferInsert, 'chunkCount' | 'createdAt' | 'updatedAt'>,
      chunks: NewKnowledgeChunk[],
    ): Promise<KnowledgeDocumentRow> {
      return db.transaction(async (tx) => {
        const [stored] = await tx
          .insert(knowledgeDocuments)
          .values({ ...doc, chunkCount: chunks.length })
          .onConflictDoUpdate({
            target: [knowledgeDocuments.knowledgeBaseId, knowledgeDocuments.source],
            set: {
              contentType: doc.contentType,
              content: doc.content,
              contentHash: doc.contentHash,
              metadata: doc.metadata ?? {},
              chunkCount: chunks.length,
              updatedAt: sql`now()`,
            },
          })
          .returning();
        if (stored === undefined) throw new FlowError('internal', `Document ${doc.source} was not stored`);
        await tx.delete(knowledgeChunks).where(eq(knowledgeChunks.documentId, stored.id));
        for (let i = 0; i < chunks.length; i += 500) {
          const batch = chunks.slice(i, i + 500);
          await tx
            .insert(knowledgeChunks)
            .values(batch.map((c) => ({ ...c, documentId: stored.id, knowledgeBaseId: doc.knowledgeBaseId })));
        }
        return stored;
      });
    },

    async deleteDocument(kbId: string, docId: string): Promise<boolean> {
      const deleted = await db
        .delete(knowledgeDocuments)
        .where(and(eq(knowledgeDocuments.knowledgeBaseId, kbId), eq(knowledgeDocuments.id, docId)))
        .returning({ id: knowledgeDocuments.id });
      return deleted.length > 0;
    },

    /** The `topK` chunks nearest to `vector` (unit length), best first, with cosine similarity as `score`. */
    async search(
      base: KnowledgeBaseRow,
      q: ChunkSearch,
    ): Promise<{ chunks: ScoredChunk[]; mode: KnowledgeSearchMode }> {
      if (q.vector.length !== base.dimensions)
        throw new FlowError(
          'invalid_input',
          `Query vector has ${q.vector.length} dimensions; knowledge base "${base.id}" has ${base.dimensions}.`,
        );
      const mode = q.mode ?? ((await hasVector()) ? 'hnsw' : 'exact');
      const filter: SQL | undefined =
        q.filter !== undefined && Object.keys(q.filter).length > 0
          ? sql`${knowledgeChunks.metadata} @> ${JSON.stringify(q.filter)}::jsonb`
          : undefined;
      if (mode === 'exact') {
        const score = dotProductSql(sql`${knowledgeChunks.embedding}`, q.vector);
        const rows = await db
          .select({ chunk: knowledgeChunks, score: sql<number>`${score}` })
          .from(knowledgeChunks)
          .where(and(eq(knowledgeChunks.knowledgeBaseId, base.id), filter))
          .orderBy(sql`${score} desc nulls last`, asc(knowledgeChunks.documentId), asc(knowledgeChunks.idx))
          .limit(q.topK);
        return { chunks: rows.map((r) => ({ ...r.chunk, score: Number(r.score) })), mode };
      }
      if (!(await hasVector())) throw new FlowError('invalid_input', 'This database has no pgvector extension.');
      const id = safeId(base.id);
      const dims = base.dimensions;
      // The expression and predicate must match the partial index's literally for the planner to use it.
      const distance = sql.raw(`(embedding::vector(${dims}) <=> '${vectorLiteral(q.vector)}'::vector(${dims}))`);
      const ef = Math.min(1000, Math.max(q.efSearch ?? 40, q.topK * 2));
      const rows = await db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local hnsw.ef_search = ${ef}`));
        if (filter) await tx.execute(sql.raw(`set local hnsw.iterative_scan = relaxed_order`));
        return tx.execute(sql`
          select document_id, idx, knowledge_base_id, content, start_offset, end_offset, line_from, line_to, metadata,
                 embedding, 1 - ${distance} as score
          from knowledge_chunks
          where ${sql.raw(`knowledge_base_id = '${id}'`)} ${filter ? sql`and ${filter}` : sql``}
          order by ${distance}
          limit ${q.topK}`);
      });
      const chunks = rowsOf(rows, RawChunk).map(
        (r): ScoredChunk => ({
          documentId: r.document_id,
          idx: r.idx,
          knowledgeBaseId: r.knowledge_base_id,
          content: r.content,
          startOffset: r.start_offset,
          endOffset: r.end_offset,
          lineFrom: r.line_from,
          lineTo: r.line_to,
          metadata: r.metadata,
          embedding: [],
          score: r.score,
        }),
      );
      chunks.sort((a, b) => b.score - a.score);
      return { chunks, mode };
    },
  };
}

const RawChunk = z.object({
  document_id: z.string(),
  idx: z.coerce.number(),
  knowledge_base_id: z.string(),
  content: z.string(),
  start_offset: z.coerce.number(),
  end_offset: z.coerce.number(),
  line_from: z.coerce.number(),
  line_to: z.coerce.number(),
  metadata: z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.record(z.string(), z.unknown())),
  embedding: z.unknown(),
  score: z.coerce.number(),
});

export type KnowledgeRepo = ReturnType<typeof createKnowledgeRepo>;
