import { createHash, randomUUID } from 'node:crypto';
import type { Embeddings } from '@langchain/core/embeddings';
import {
  FlowError,
  type AddDocumentBody,
  type AddDocumentResult,
  type CreateKnowledgeBaseBody,
  type KnowledgeBase,
  type KnowledgeDocument,
  type KnowledgeQueryBody,
  type KnowledgeQueryResult,
  type RetrievedChunk,
} from '@flowcraft/schema';
import type { KnowledgeRetriever } from '@flowcraft/node-types';
import type { EmbeddingsFactory } from '../models/embeddings.js';
import type {
  KnowledgeBaseRow,
  KnowledgeDocumentRow,
  KnowledgeRepo,
  KnowledgeSearchMode,
  ScoredChunk,
} from '../store/index.js';
import { unitVector } from '../store/vector.js';
import { contentTypeOf, extractText, type KnowledgeContentType } from './extract-text.js';
import { splitText } from './split-text.js';

/** Texts embedded per provider call. */
const EMBED_BATCH = 64;

/**
 * Knowledge bases: create (the embedder's dimensions probed once), add or replace documents (extract
 * text → split → embed → store chunks with source and position; a re-upload with the same text is a
 * no-op, a changed one is re-indexed), delete, query (top-k, threshold, metadata filter → chunks with
 * citations). One embedder per base; the query uses the base's own.
 */
export class KnowledgeService {
  private readonly embedders = new Map<string, Embeddings>();

  constructor(
    private readonly repo: KnowledgeRepo,
    private readonly embeddings: EmbeddingsFactory,
  ) {}

  async create(body: CreateKnowledgeBaseBody): Promise<KnowledgeBase> {
    const embedder = await this.embeddings(body.embeddingModel);
    let dimensions: number;
    try {
      dimensions = (await embedder.embedQuery('dimension probe')).length;
    } catch (err) {
      throw new FlowError(
        'model_error',
        `Embedding model "${body.embeddingModel}" failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const row = await this.repo.createBase({
      id: body.id ?? randomUUID(),
      name: body.name,
      description: body.description,
      embeddingModel: body.embeddingModel,
      dimensions,
      chunkSize: body.chunkSize,
      chunkOverlap: body.chunkOverlap,
    });
    return this.describe(row, 0, 0);
  }

  async list(): Promise<KnowledgeBase[]> {
    const search = await this.searchMode();
    return (await this.repo.listBases()).map((b) => toBase(b, b.documentCount, b.chunkCount, search));
  }

  async get(id: string): Promise<{ base: KnowledgeBase; documents: KnowledgeDocument[] } | undefined> {
    const row = await this.repo.getBase(id);
    if (row === undefined) return undefined;
    const docs = await this.repo.listDocuments(id);
    const chunks = docs.reduce((n, d) => n + d.chunkCount, 0);
    return { base: await this.describe(row, docs.length, chunks), documents: docs.map(toDocument) };
  }

  delete(id: string): Promise<boolean> {
    return this.repo.deleteBase(id);
  }

  async addDocument(kbId: string, body: AddDocumentBody): Promise<AddDocumentResult> {
    const base = await this.requireBase(kbId);
    const contentType = body.contentType ?? contentTypeOf(body.source);
    const hash = createHash('sha256')
      .update(
        `${contentType}\n${JSON.stringify(body.metadata)}\n${base.embeddingModel}\n${base.chunkSize}/${base.chunkOverlap}\n`,
      )
      .update(body.content)
      .digest('hex');
    const existing = await this.repo.findDocumentBySource(kbId, body.source);
    if (existing !== undefined && existing.contentHash === hash)
      return { document: toDocument(existing), status: 'unchanged' };
    const stored = await this.index(base, {
      id: existing?.id ?? randomUUID(),
      source: body.source,
      contentType,
      content: body.content,
      hash,
      metadata: body.metadata,
    });
    return { document: toDocument(stored), status: existing === undefined ? 'created' : 'updated' };
  }

  async getDocument(kbId: string, docId: string) {
    const doc = await this.repo.getDocument(kbId, docId);
    if (doc === undefined) return undefined;
    const chunks = await this.repo.listChunks(docId);
    return {
      document: toDocument(doc),
      chunks: chunks.map((c) => ({
        idx: c.idx,
        content: c.content,
        startOffset: c.startOffset,
        endOffset: c.endOffset,
        lineFrom: c.lineFrom,
        lineTo: c.lineTo,
      })),
    };
  }

  deleteDocument(kbId: string, docId: string): Promise<boolean> {
    return this.repo.deleteDocument(kbId, docId);
  }

  /** Re-splits and re-embeds every document (after the embedder's model changed behind the same name). */
  async reindex(kbId: string): Promise<{ documents: number; chunks: number }> {
    const base = await this.requireBase(kbId);
    let chunks = 0;
    const docs = await this.repo.listDocuments(kbId);
    for (const d of docs) {
      const stored = await this.index(base, {
        id: d.id,
        source: d.source,
        contentType: asContentType(d.contentType),
        content: d.content,
        hash: d.contentHash,
        metadata: d.metadata,
      });
      chunks += stored.chunkCount;
    }
    return { documents: docs.length, chunks };
  }

  async query(
    kbId: string,
    body: KnowledgeQueryBody,
    options: { mode?: KnowledgeSearchMode } = {},
  ): Promise<KnowledgeQueryResult> {
    const base = await this.requireBase(kbId);
    const embedder = await this.embedder(base.embeddingModel);
    const vector = unitVector(await embedder.embedQuery(body.query));
    const { chunks, mode } = await this.repo.search(base, {
      vector,
      topK: body.topK,
      ...(body.filter ? { filter: body.filter } : {}),
      ...(options.mode ? { mode: options.mode } : {}),
    });
    const kept = body.threshold === undefined ? chunks : chunks.filter((c) => c.score >= (body.threshold ?? -1));
    return { chunks: kept.map(toRetrieved), search: mode };
  }

  /** Retrieval for node types (`services.knowledge`). */
  retriever(): KnowledgeRetriever {
    return {
      retrieve: async (r) =>
        (
          await this.query(r.knowledgeBase, {
            query: r.query,
            topK: r.topK,
            ...(r.threshold === undefined ? {} : { threshold: r.threshold }),
            ...(r.filter ? { filter: r.filter } : {}),
          })
        ).chunks,
    };
  }

  private async index(
    base: KnowledgeBaseRow,
    doc: {
      id: string;
      source: string;
      contentType: KnowledgeContentType;
      content: string;
      hash: string;
      metadata: Record<string, unknown>;
    },
  ): Promise<KnowledgeDocumentRow> {
    const text = extractText(doc.content, doc.contentType);
    const pieces = await splitText(text, doc.contentType, {
      chunkSize: base.chunkSize,
      chunkOverlap: base.chunkOverlap,
    });
    const embedder = await this.embedder(base.embeddingModel);
    const vectors: number[][] = [];
    for (let i = 0; i < pieces.length; i += EMBED_BATCH) {
      const batch = pieces.slice(i, i + EMBED_BATCH).map((p) => p.content);
      vectors.push(...(await embedder.embedDocuments(batch)).map(unitVector));
    }
    for (const v of vectors)
      if (v.length !== base.dimensions)
        throw new FlowError(
          'model_error',
          `The embedder returned ${v.length} dimensions; the base has ${base.dimensions}.`,
        );
    const metadata = { ...doc.metadata, source: doc.source };
    return this.repo.putDocument(
      {
        id: doc.id,
        knowledgeBaseId: base.id,
        source: doc.source,
        contentType: doc.contentType,
        content: doc.content,
        contentHash: doc.hash,
        metadata: doc.metadata,
      },
      pieces.map((p, i) => ({ ...p, metadata, embedding: vectors[i] ?? [] })),
    );
  }

  private async requireBase(id: string): Promise<KnowledgeBaseRow> {
    const base = await this.repo.getBase(id);
    if (base === undefined) throw new FlowError('not_found', `There is no knowledge base "${id}".`);
    return base;
  }

  private async embedder(spec: string): Promise<Embeddings> {
    let e = this.embedders.get(spec);
    // Scripted embedders are pure; provider clients read credentials at creation, so they are not kept.
    if (e === undefined) {
      e = await this.embeddings(spec);
      if (spec.startsWith('scripted:')) this.embedders.set(spec, e);
    }
    return e;
  }

  private async searchMode(): Promise<'hnsw' | 'exact'> {
    return (await this.repo.hasVector()) ? 'hnsw' : 'exact';
  }

  private async describe(row: KnowledgeBaseRow, documents: number, chunks: number): Promise<KnowledgeBase> {
    return toBase(row, documents, chunks, await this.searchMode());
  }
}

function asContentType(stored: string): KnowledgeContentType {
  return stored === 'text/markdown' || stored === 'text/html' ? stored : 'text/plain';
}

function toBase(
  row: KnowledgeBaseRow,
  documentCount: number,
  chunkCount: number,
  search: 'hnsw' | 'exact',
): KnowledgeBase {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    embeddingModel: row.embeddingModel,
    dimensions: row.dimensions,
    chunkSize: row.chunkSize,
    chunkOverlap: row.chunkOverlap,
    documentCount,
    chunkCount,
    search,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toDocument(row: KnowledgeDocumentRow): KnowledgeDocument {
  return {
    id: row.id,
    knowledgeBaseId: row.knowledgeBaseId,
    source: row.source,
    contentType: asContentType(row.contentType),
    metadata: row.metadata,
    chunkCount: row.chunkCount,
    chars: row.content.length,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toRetrieved(c: ScoredChunk): RetrievedChunk {
  const source = typeof c.metadata.source === 'string' ? c.metadata.source : c.documentId;
  return {
    id: `${c.documentId}#${c.idx}`,
    documentId: c.documentId,
    knowledgeBaseId: c.knowledgeBaseId,
    source,
    idx: c.idx,
    content: c.content,
    score: Math.round(c.score * 1e6) / 1e6,
    startOffset: c.startOffset,
    endOffset: c.endOffset,
    lineFrom: c.lineFrom,
    lineTo: c.lineTo,
    metadata: c.metadata,
    citation: c.lineFrom === c.lineTo ? `${source}:${c.lineFrom}` : `${source}:${c.lineFrom}-${c.lineTo}`,
  };
}
