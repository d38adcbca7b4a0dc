import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { BaseStore } from '@langchain/langgraph-checkpoint';

export interface StoreSubject {
  /** A store without semantic index. */
  store: BaseStore;
  /** A store that embeds values (the scripted embedder) for `search({query})`. */
  indexed: BaseStore;
}

/**
 * The contract of a LangGraph `BaseStore` as the engine uses it: LangGraph's own `InMemoryStore` passes
 * it, and so must `DrizzleStore` on both backends. Each case works under a fresh root namespace.
 */
export function storeConformance(subject: () => StoreSubject): void {
  const root = () => `t${randomUUID().replace(/-/g, '')}`;

  it('put, get, overwrite and delete an item', async () => {
    const { store } = subject();
    const ns = [root(), 'users', 'u1'];
    expect(await store.get(ns, 'prefs')).toBeNull();
    await store.put(ns, 'prefs', { theme: 'dark', size: 3 });
    const first = await store.get(ns, 'prefs');
    expect(first).toMatchObject({ namespace: ns, key: 'prefs', value: { theme: 'dark', size: 3 } });
    expect(first?.createdAt).toBeInstanceOf(Date);
    await store.put(ns, 'prefs', { theme: 'light' });
    const second = await store.get(ns, 'prefs');
    expect(second?.value).toEqual({ theme: 'light' });
    expect(second?.createdAt.getTime()).toBe(first?.createdAt.getTime());
    expect(second?.updatedAt.getTime()).toBeGreaterThanOrEqual(first?.updatedAt.getTime() ?? 0);
    await store.delete(ns, 'prefs');
    expect(await store.get(ns, 'prefs')).toBeNull();
  });

  it('keeps namespaces apart and searches by prefix, not by string prefix', async () => {
    const { store } = subject();
    const r = root();
    await store.put([r, 'users', 'u1'], 'a', { n: 1 });
    await store.put([r, 'users', 'u1', 'notes'], 'b', { n: 2 });
    await store.put([r, 'users', 'u10'], 'c', { n: 3 });
    await store.put([r, 'users', 'u2'], 'a', { n: 4 });
    expect(await store.get([r, 'users', 'u2'], 'a')).toMatchObject({ value: { n: 4 } });
    const u1 = await store.search([r, 'users', 'u1']);
    expect(u1.map((i) => i.key).sort()).toEqual(['a', 'b']);
    const all = await store.search([r]);
    expect(all).toHaveLength(4);
    expect(await store.search([r, 'users', 'u3'])).toEqual([]);
  });

  it('filters by equality and by operators, pages with limit and offset', async () => {
    const { store } = subject();
    const r = root();
    for (let i = 0; i < 6; i += 1)
      await store.put([r, 'm'], `k${i}`, {
        kind: i % 2 === 0 ? 'even' : 'odd',
        n: i,
        tags: { lang: i < 3 ? 'en' : 'de' },
      });
    const even = await store.search([r], { filter: { kind: 'even' }, limit: 10 });
    expect(even.map((i) => i.key).sort()).toEqual(['k0', 'k2', 'k4']);
    const big = await store.search([r], { filter: { n: { $gte: 3 } }, limit: 10 });
    expect(big.map((i) => i.key).sort()).toEqual(['k3', 'k4', 'k5']);
    const mid = await store.search([r], { filter: { n: { $gt: 1, $lt: 4 } }, limit: 10 });
    expect(mid.map((i) => i.key).sort()).toEqual(['k2', 'k3']);
    const ne = await store.search([r], { filter: { kind: { $ne: 'even' } }, limit: 10 });
    expect(ne.map((i) => i.key).sort()).toEqual(['k1', 'k3', 'k5']);
    const page1 = await store.search([r], { limit: 4 });
    const page2 = await store.search([r], { limit: 4, offset: 4 });
    expect(page1).toHaveLength(4);
    expect(page2).toHaveLength(2);
    expect(new Set([...page1, ...page2].map((i) => i.key)).size).toBe(6);
  });

  it('lists namespaces with prefix, suffix and depth', async () => {
    const { store } = subject();
    const r = root();
    await store.put([r, 'users', 'u1', 'prefs'], 'a', { x: 1 });
    await store.put([r, 'users', 'u2', 'prefs'], 'a', { x: 1 });
    await store.put([r, 'teams', 't1'], 'a', { x: 1 });
    const users = await store.listNamespaces({ prefix: [r, 'users'] });
    expect(users.sort()).toEqual([
      [r, 'users', 'u1', 'prefs'],
      [r, 'users', 'u2', 'prefs'],
    ]);
    expect(await store.listNamespaces({ prefix: [r], maxDepth: 2 })).toEqual(
      expect.arrayContaining([
        [r, 'users'],
        [r, 'teams'],
      ]),
    );
    expect((await store.listNamespaces({ prefix: [r], maxDepth: 2 })).length).toBe(2);
    expect(await store.listNamespaces({ prefix: [r, '*', 'u2'] })).toEqual([[r, 'users', 'u2', 'prefs']]);
    expect(await store.listNamespaces({ prefix: [r], suffix: ['t1'] })).toEqual([[r, 'teams', 't1']]);
  });

  it('refuses invalid namespaces', async () => {
    const { store } = subject();
    await expect(store.put([], 'k', { x: 1 })).rejects.toThrow();
    await expect(store.put(['a.b'], 'k', { x: 1 })).rejects.toThrow();
    await expect(store.put(['a', ''], 'k', { x: 1 })).rejects.toThrow();
  });

  it('ranks by semantic similarity with a query', async () => {
    const { indexed } = subject();
    const r = root();
    await indexed.put([r, 'facts'], 'tea', { text: 'The user prefers green tea in the morning' });
    await indexed.put([r, 'facts'], 'city', { text: 'The user lives in Lisbon near the river' });
    await indexed.put([r, 'facts'], 'code', { text: 'Favourite programming language is TypeScript' });
    const hits = await indexed.search([r], { query: 'which tea does the user drink', limit: 2 });
    expect(hits[0]?.key).toBe('tea');
    expect(hits).toHaveLength(2);
    expect(typeof hits[0]?.score).toBe('number');
    expect(hits[0]?.score ?? 0).toBeGreaterThan(hits[1]?.score ?? 1);
  });
}
