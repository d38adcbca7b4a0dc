import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Item } from '@langchain/langgraph-checkpoint';
import { ScriptedEmbeddings } from '../../models/scripted-embeddings.js';
import { memoryItems } from '../schema/memory.js';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { DrizzleStore } from './drizzle-store.js';
import { storeConformance } from './store.conformance.js';

for (const kind of BACKENDS) {
  describe(`DrizzleStore (${kind})`, () => {
    const database = useTestDatabase(kind);
    storeConformance(() => ({
      store: new DrizzleStore(database.db),
      indexed: new DrizzleStore(database.db, { index: { embeddings: new ScriptedEmbeddings(), fields: ['text'] } }),
    }));

    it('expires items after their TTL, refreshes on read and sweeps them', async () => {
      const store = new DrizzleStore(database.db, { ttl: { refreshOnRead: true } });
      const ns = [`ttl${randomUUID().slice(0, 8)}`];
      await store.putWithTtl(ns, 'short', { v: 1 }, 1);
      await store.putWithTtl(ns, 'forever', { v: 2 }, null);
      expect(await store.get(ns, 'short')).not.toBeNull();
      // Move the expiry into the past, as time passing would.
      await database.db
        .update(memoryItems)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(memoryItems.key, 'short'));
      expect(await store.get(ns, 'short')).toBeNull();
      expect((await store.search(ns)).map((i) => i.key)).toEqual(['forever']);
      expect(await store.sweepExpired()).toBeGreaterThanOrEqual(1);
      const rows = await database.db
        .select()
        .from(memoryItems)
        .where(eq(memoryItems.namespace, ns[0] ?? ''));
      expect(rows.map((r) => r.key)).toEqual(['forever']);
    });

    it('a read pushes the expiry of an item with a TTL forward', async () => {
      const store = new DrizzleStore(database.db, { ttl: { defaultTtlMinutes: 60 } });
      const ns = [`ttl${randomUUID().slice(0, 8)}`];
      await store.put(ns, 'k', { v: 1 });
      await database.db
        .update(memoryItems)
        .set({ expiresAt: sql`now() + interval '1 minute'` })
        .where(eq(memoryItems.namespace, ns[0] ?? ''));
      await store.get(ns, 'k');
      const [row] = await database.db
        .select()
        .from(memoryItems)
        .where(eq(memoryItems.namespace, ns[0] ?? ''));
      expect(row?.ttlMinutes).toBe(60);
      expect((row?.expiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(50 * 60_000);
    });

    it('erases a whole namespace prefix (a user’s memories) and nothing else', async () => {
      const store = new DrizzleStore(database.db);
      const r = `erase${randomUUID().slice(0, 8)}`;
      await store.put([r, 'u1'], 'a', { x: 1 });
      await store.put([r, 'u1', 'deep'], 'b', { x: 1 });
      await store.put([r, 'u10'], 'c', { x: 1 });
      expect(await store.deletePrefix([r, 'u1'])).toBe(2);
      expect((await store.search([r])).map((i) => i.key)).toEqual(['c']);
    });

    it('filters on a dotted path and on a nested object', async () => {
      const store = new DrizzleStore(database.db);
      const r = `f${randomUUID().slice(0, 8)}`;
      await store.put([r], 'a', { tags: { lang: 'en' } });
      await store.put([r], 'b', { tags: { lang: 'de' } });
      expect((await store.search([r], { filter: { 'tags.lang': 'de' } })).map((i) => i.key)).toEqual(['b']);
      expect((await store.search([r], { filter: { tags: { lang: 'en' } } })).map((i) => i.key)).toEqual(['a']);
      expect((await store.search([r], { filter: { 'tags.lang': { $in: ['de', 'fr'] } } })).map((i) => i.key)).toEqual([
        'b',
      ]);
    });

    it('runs a batch in order: put, get, search, delete', async () => {
      const store = new DrizzleStore(database.db);
      const ns = [`b${randomUUID().slice(0, 8)}`];
      const [, got, found, , gone] = await store.batch([
        { namespace: ns, key: 'k', value: { v: 1 } },
        { namespace: ns, key: 'k' },
        { namespacePrefix: ns, limit: 5 },
        { namespace: ns, key: 'k', value: null },
        { namespace: ns, key: 'k' },
      ]);
      expect((got as unknown as Item | null)?.value).toEqual({ v: 1 });
      expect(found).toHaveLength(1);
      expect(gone).toBeNull();
    });
  });
}
