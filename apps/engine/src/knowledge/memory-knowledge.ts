import { FlowError, type RetrievedChunk } from '@flowcraft/schema';
import type { KnowledgeRetriever, RetrieveRequest } from '@flowcraft/node-types';
import { createEmbeddings } from '../models/embeddings.js';
import { createCredentials } from '../models/credentials.js';
import { unitVector } from '../store/vector.js';
import { contentTypeOf, extractText } from './extract-text.js';
import type { BundledKnowledge } from './import-knowledge.js';
import { splitText } from './split-text.js';

interface Entry {
  chunk: Omit<RetrievedChunk, 'score'>;
  vector: number[];
}

/**
 * Knowledge bases held in memory, for offline runs (`runDoc`, the CLI) and tests: the same extraction,
 * splitting, embedder and citations as `KnowledgeService`, with an exact cosine scan. Only offline
 * embedders (`scripted:*`) are accepted.
 */
export class MemoryKnowledge implements KnowledgeRetriever {
  private readonly bases = new Map<string, { spec: string; entries: Entry[] }>();

  static async from(bundles: readonly BundledKnowledge[]): Promise<MemoryKnowledge> {
    const k = new MemoryKnowledge();
    for (const b of bundles) await k.add(b);
    return k;
  }

  async add(bundle: BundledKnowledge): Promise<void> {
    const id = bundle.base.id ?? bundle.base.name;
    const embedder = this.embedder(bundle.base.embeddingModel);
    const entries: Entry[] = [];
    for (const [d, doc] of bundle.documents.entries()) {
      const type = contentTypeOf(doc.source);
      const text = extractText(doc.content, type);
      const pieces = await splitText(text, type, bundle.base);
      const vectors = await embedder.embedDocuments(pieces.map((p) => p.content));
      for (const [i, p] of pieces.entries()) {
        const citation =
          p.lineFrom === p.lineTo ? `${doc.source}:${p.lineFrom}` : `${doc.source}:${p.lineFrom}-${p.lineTo}`;
        entries.push({
          vector: unitVector(vectors[i] ?? []),
          chunk: {
            id: `doc${d}#${p.idx}`,
            documentId: `doc${d}`,
            knowledgeBaseId: id,
            source: doc.source,
            idx: p.idx,
            content: p.content,
            startOffset: p.startOffset,
            endOffset: p.endOffset,
            lineFrom: p.lineFrom,
            lineTo: p.lineTo,
            metadata: { source: doc.source },
            citation,
          },
        });
      }
    }
    this.bases.set(id, { spec: bundle.base.embeddingModel, entries });
  }

  async retrieve(r: RetrieveRequest): Promise<RetrievedChunk[]> {
    const base = this.bases.get(r.knowledgeBase);
    if (base === undefined) throw new FlowError('not_found', `There is no knowledge base "${r.knowledgeBase}".`);
    const q = unitVector(await this.embedder(base.spec).embedQuery(r.query));
    const filter = Object.entries(r.filter ?? {});
    return base.entries
      .filter((e) => filter.every(([k, v]) => JSON.stringify(e.chunk.metadata[k]) === JSON.stringify(v)))
      .map((e) => ({ ...e.chunk, score: Math.round(dot(e.vector, q) * 1e6) / 1e6 }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, r.topK)
      .filter((c) => r.threshold === undefined || c.score >= r.threshold);
  }

  private embedder(spec: string) {
    if (!spec.startsWith('scripted:'))
      throw new FlowError('invalid_input', `Offline knowledge bases embed with scripted:* only (got ${spec}).`);
    return createEmbeddings(spec, {}, createCredentials({}), globalThis.fetch);
  }
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
