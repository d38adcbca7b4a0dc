import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { startEngine } from '../main/engine.js';
import type { Engine } from '../main/engine.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples', import.meta.url));

/**
 * The real engine on each backend, started on an empty database: the examples and their knowledge base
 * are imported, the memory and knowledge examples run through the run lifecycle, and `/v1/memory` and
 * `/v1/knowledge` inspect, query and erase what they stored.
 */
for (const kind of BACKENDS) {
  describe(`memory and knowledge through the engine (${kind})`, () => {
    const database = useTestDatabase(kind, { fresh: true });
    let engine: Engine;
    const printed: string[] = [];

    beforeAll(async () => {
      engine = await startEngine({
        config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }),
        database: { db: database.db, kind, native: database.native, close: async () => undefined },
        examplesDir: EXAMPLES,
        env: {},
        print: (t) => printed.push(t),
      });
    }, 60_000);
    afterAll(() => engine?.stop());

    const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${engine.server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    };

    const run = async (workflowId: string, input: Record<string, unknown>) => {
      const started = await call<{ runId: string }>('POST', '/v1/runs', { workflowId, input });
      expect(started.status).toBe(202);
      for (let i = 0; i < 200; i += 1) {
        const r = await call<{ status: string; output: Record<string, unknown> | null }>(
          'GET',
          `/v1/runs/${started.body.runId}`,
        );
        if (['completed', 'failed', 'interrupted', 'cancelled'].includes(r.body.status)) return r.body;
        await new Promise((ok) => setTimeout(ok, 50));
      }
      throw new Error('run did not finish');
    };

    it('imports the bundled knowledge base at first start', async () => {
      expect(printed.join('\n')).toContain('Imported example knowledge bases: northwind-help');
      const list = await call<{ items: { id: string; documentCount: number; chunkCount: number; search: string }[] }>(
        'GET',
        '/v1/knowledge',
      );
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({
          id: 'northwind-help',
          documentCount: 3,
          search: kind === 'pglite' ? 'hnsw' : 'exact',
        }),
      ]);
    });

    it('runs the knowledge example: the answer cites the chunk retrieved first', async () => {
      const done = await run('knowledge-help-desk', { question: 'How long does a refund take to reach my card?' });
      expect(done.status).toBe('completed');
      const context = done.output?.context as { citation: string }[];
      expect(context[0]?.citation).toBe('returns.md:11-14');
      expect(String(done.output?.answer)).toContain('(returns.md:11-14)');
    });

    it('runs the memory example in two threads, inspects the memory and erases it', async () => {
      const first = await run('memory-preferences', {
        userId: 'ada',
        message: 'I always take oat milk in my coffee. What would you recommend this morning?',
      });
      expect(first.status).toBe('completed');
      expect(String(first.output?.answer)).toMatch(/^Noted: oat milk/);
      const second = await run('memory-preferences', { userId: 'ada', message: 'Coffee as usual, please.' });
      expect(second.output?.answer).toBe('Welcome back! Your usual flat white with oat milk, coming right up.');

      const namespaces = await call<{ items: string[][] }>(
        'GET',
        '/v1/memory/namespaces?prefix=workflow.memory-preferences',
      );
      expect(namespaces.body.items).toEqual([['workflow', 'memory-preferences', 'ada']]);
      const items = await call<{ items: { key: string; value: unknown }[] }>(
        'GET',
        '/v1/memory/items?namespace=workflow.memory-preferences.ada',
      );
      expect(items.body.items.map((i) => [i.key, i.value])).toEqual([
        ['milk', { value: 'Takes oat milk in their coffee' }],
      ]);
      const one = await call('GET', '/v1/memory/item?namespace=workflow.memory-preferences.ada&key=milk');
      expect(one.status).toBe(200);

      const erased = await call<{ deleted: number }>(
        'DELETE',
        '/v1/memory/items?prefix=workflow.memory-preferences.ada',
      );
      expect(erased.body).toEqual({ deleted: 1 });
      expect((await call('GET', '/v1/memory/item?namespace=workflow.memory-preferences.ada&key=milk')).status).toBe(
        404,
      );
      const third = await run('memory-preferences', { userId: 'ada', message: 'Coffee as usual, please.' });
      expect(String(third.output?.answer)).toMatch(/^Noted: oat milk/);
      expect((await call('DELETE', '/v1/memory/item?namespace=workflow.memory-preferences.ada&key=milk')).status).toBe(
        204,
      );
      expect((await call('DELETE', '/v1/memory/item?namespace=workflow.memory-preferences.ada&key=milk')).status).toBe(
        404,
      );
      expect((await call('GET', '/v1/memory/items?namespace=a..b')).status).toBe(400);
    });

    it('creates a knowledge base, adds and replaces documents, queries and deletes over HTTP', async () => {
      const created = await call<{ id: string; dimensions: number }>('POST', '/v1/knowledge', {
        name: 'Team notes',
        chunkSize: 200,
        chunkOverlap: 0,
      });
      expect(created.status).toBe(201);
      expect(created.body.dimensions).toBe(256);
      const kb = created.body.id;
      const added = await call<{ status: string; document: { id: string; chunkCount: number } }>(
        'POST',
        `/v1/knowledge/${kb}/documents`,
        {
          source: 'oncall.md',
          content: '# On call\n\nThe on-call engineer answers pages within 15 minutes.\n',
          metadata: { team: 'ops' },
        },
      );
      expect(added.status).toBe(200);
      expect(added.body.status).toBe('created');
      const same = await call<{ status: string }>('POST', `/v1/knowledge/${kb}/documents`, {
        source: 'oncall.md',
        content: '# On call\n\nThe on-call engineer answers pages within 15 minutes.\n',
        metadata: { team: 'ops' },
      });
      expect(same.body.status).toBe('unchanged');
      const q = await call<{ chunks: { citation: string; content: string; metadata: Record<string, unknown> }[] }>(
        'POST',
        `/v1/knowledge/${kb}/query`,
        { query: 'how fast does on-call answer pages', topK: 1, filter: { team: 'ops' } },
      );
      expect(q.status).toBe(200);
      expect(q.body.chunks[0]).toMatchObject({
        citation: 'oncall.md:1-3',
        metadata: { team: 'ops', source: 'oncall.md' },
      });
      const none = await call<{ chunks: unknown[] }>('POST', `/v1/knowledge/${kb}/query`, {
        query: 'pages',
        filter: { team: 'sales' },
      });
      expect(none.body.chunks).toEqual([]);
      const doc = await call<{ chunks: unknown[] }>('GET', `/v1/knowledge/${kb}/documents/${added.body.document.id}`);
      expect(doc.body.chunks).toHaveLength(added.body.document.chunkCount);
      expect((await call('POST', `/v1/knowledge/${kb}/reindex`)).status).toBe(200);
      expect((await call('POST', `/v1/knowledge/${kb}/query`, { query: '' })).status).toBe(400);
      expect((await call('POST', '/v1/knowledge', { name: 'x', embeddingModel: 'nope:model' })).status).toBe(422);
      expect((await call('DELETE', `/v1/knowledge/${kb}/documents/${added.body.document.id}`)).status).toBe(204);
      expect((await call('DELETE', `/v1/knowledge/${kb}`)).status).toBe(204);
      expect((await call('GET', `/v1/knowledge/${kb}`)).status).toBe(404);
      expect((await call('POST', `/v1/knowledge/${kb}/query`, { query: 'x' })).status).toBe(404);
    });

    it('documents the routes in OpenAPI', async () => {
      const doc = await call<{ paths: Record<string, unknown> }>('GET', '/v1/openapi.json');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/knowledge',
          '/v1/knowledge/{kbId}',
          '/v1/knowledge/{kbId}/documents',
          '/v1/knowledge/{kbId}/query',
          '/v1/memory/items',
          '/v1/memory/namespaces',
        ]),
      );
    });
  });
}
