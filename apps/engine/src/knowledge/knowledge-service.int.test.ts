import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KnowledgeQueryBody } from '@flowcraft/schema';
import { createEmbeddingsFactory } from '../models/embeddings.js';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { extractText } from './extract-text.js';
import { KnowledgeService } from './knowledge-service.js';

const RETURNS = `# Returns

Items can be returned within 30 days of delivery for a full refund.
Opened software cannot be returned.

## Refund timing

Refunds reach your card within 5 business days after we receive the parcel.
`;

const SHIPPING_HTML = `<html><head><style>p{}</style><script>alert(1)</script></head><body>
<h1>Shipping</h1><p>Standard shipping to Portugal takes 3 to 4 days.</p>
<p>Express shipping costs 12 euros and arrives the next day.</p></body></html>`;

const WARRANTY = 'Every laptop has a two year warranty.\nBatteries are covered for one year.\n';

const q = (query: string, extra: Partial<KnowledgeQueryBody> = {}) => KnowledgeQueryBody.parse({ query, ...extra });

for (const kind of BACKENDS) {
  describe(`KnowledgeService (${kind})`, () => {
    const database = useTestDatabase(kind);
    const service = () => new KnowledgeService(createStore(database.db).knowledge, createEmbeddingsFactory({}));

    async function seeded() {
      const s = service();
      const base = await s.create({
        id: `kb-${randomUUID().slice(0, 8)}`,
        name: 'Shop policies',
        description: '',
        embeddingModel: 'scripted:embed',
        chunkSize: 120,
        chunkOverlap: 0,
      });
      await s.addDocument(base.id, { source: 'returns.md', content: RETURNS, metadata: { topic: 'returns' } });
      await s.addDocument(base.id, {
        source: 'shipping.html',
        content: SHIPPING_HTML,
        metadata: { topic: 'shipping' },
      });
      await s.addDocument(base.id, { source: 'warranty.txt', content: WARRANTY, metadata: { topic: 'warranty' } });
      return { s, base };
    }

    it('creates a base with the embedder’s dimensions and the search this database has', async () => {
      const { s, base } = await seeded();
      expect(base.dimensions).toBe(256);
      expect(base.search).toBe(kind === 'pglite' ? 'hnsw' : 'exact');
      const got = await s.get(base.id);
      expect(got?.documents.map((d) => d.source)).toEqual(['returns.md', 'shipping.html', 'warranty.txt']);
      expect(got?.base.chunkCount).toBeGreaterThanOrEqual(4);
      expect(got?.documents.find((d) => d.source === 'shipping.html')?.contentType).toBe('text/html');
    });

    it('answers a query with the right chunks first and citations that point at them', async () => {
      const { s, base } = await seeded();
      const res = await s.query(base.id, q('How long until my refund reaches the card?', { topK: 2 }));
      expect(res.search).toBe(kind === 'pglite' ? 'hnsw' : 'exact');
      expect(res.chunks).toHaveLength(2);
      const [top] = res.chunks;
      expect(top?.source).toBe('returns.md');
      expect(top?.content).toContain('Refunds reach your card within 5 business days');
      expect(top?.score ?? 0).toBeGreaterThan(res.chunks[1]?.score ?? 1);
      // The citation's offsets and lines locate the chunk in the document's text.
      const text = extractText(RETURNS, 'text/markdown');
      expect(text.slice(top?.startOffset, top?.endOffset)).toBe(top?.content);
      const lines = text.split('\n').slice((top?.lineFrom ?? 1) - 1, top?.lineTo);
      expect(lines.join('\n')).toContain('Refunds reach your card');
      expect(top?.citation).toBe(
        `returns.md:${top?.lineFrom}${top?.lineFrom === top?.lineTo ? '' : `-${top?.lineTo}`}`,
      );
    });

    it('reads HTML as text: no tags, no script', async () => {
      const { s, base } = await seeded();
      const res = await s.query(base.id, q('express shipping cost', { topK: 1 }));
      expect(res.chunks[0]?.source).toBe('shipping.html');
      expect(res.chunks[0]?.content).toContain('Express shipping costs 12 euros');
      expect(res.chunks[0]?.content).not.toMatch(/<|alert/);
    });

    it('applies top-k, the score threshold and a metadata filter', async () => {
      const { s, base } = await seeded();
      const all = await s.query(base.id, q('laptop battery warranty', { topK: 10 }));
      expect(all.chunks.length).toBeGreaterThan(2);
      expect(all.chunks[0]?.source).toBe('warranty.txt');
      const scores = all.chunks.map((c) => c.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      const cut = (scores[0] ?? 0) - 0.0001;
      const strict = await s.query(base.id, q('laptop battery warranty', { topK: 10, threshold: cut }));
      expect(strict.chunks.map((c) => c.id)).toEqual([all.chunks[0]?.id]);
      const filtered = await s.query(
        base.id,
        q('laptop battery warranty', { topK: 10, filter: { topic: 'shipping' } }),
      );
      expect(filtered.chunks.length).toBeGreaterThan(0);
      expect(filtered.chunks.every((c) => c.source === 'shipping.html')).toBe(true);
    });

    it('re-indexes a changed document, skips an unchanged one, deletes one', async () => {
      const { s, base } = await seeded();
      const again = await s.addDocument(base.id, {
        source: 'warranty.txt',
        content: WARRANTY,
        metadata: { topic: 'warranty' },
      });
      expect(again.status).toBe('unchanged');
      const changed = await s.addDocument(base.id, {
        source: 'warranty.txt',
        content: 'Every laptop has a three year warranty.\n',
        metadata: { topic: 'warranty' },
      });
      expect(changed.status).toBe('updated');
      expect(changed.document.id).toBe(again.document.id);
      const res = await s.query(base.id, q('laptop warranty years', { topK: 1 }));
      expect(res.chunks[0]?.content).toBe('Every laptop has a three year warranty.');
      expect(await s.deleteDocument(base.id, changed.document.id)).toBe(true);
      const after = await s.query(base.id, q('laptop warranty years', { topK: 10 }));
      expect(after.chunks.some((c) => c.source === 'warranty.txt')).toBe(false);
      expect(await s.reindex(base.id)).toEqual({ documents: 2, chunks: (await s.get(base.id))?.base.chunkCount });
    });

    it('the exact scan and the index agree on a small base', async () => {
      const { s, base } = await seeded();
      const exact = await s.query(base.id, q('refund card days', { topK: 3 }), { mode: 'exact' });
      expect(exact.search).toBe('exact');
      const auto = await s.query(base.id, q('refund card days', { topK: 3 }));
      expect(auto.chunks.map((c) => c.id)).toEqual(exact.chunks.map((c) => c.id));
      expect(auto.chunks[0]?.score).toBeCloseTo(exact.chunks[0]?.score ?? 0, 4);
    });

    it('refuses an unknown base, a duplicate id and an unknown provider', async () => {
      const s = service();
      await expect(s.query('nope', q('x'))).rejects.toMatchObject({ code: 'not_found' });
      const body = {
        id: `kb-${randomUUID().slice(0, 8)}`,
        name: 'x',
        description: '',
        embeddingModel: 'scripted:embed',
        chunkSize: 100,
        chunkOverlap: 0,
      };
      await s.create(body);
      await expect(s.create(body)).rejects.toMatchObject({ code: 'conflict' });
      await expect(s.create({ ...body, id: 'other', embeddingModel: 'anthropic:claude' })).rejects.toMatchObject({
        code: 'invalid_input',
      });
      expect(await s.delete(body.id)).toBe(true);
      expect(await s.get(body.id)).toBeUndefined();
    });
  });
}
