import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { NewWorkflow, WorkflowStore } from '../http/deps.js';

const input = (id: string, name: string, extra: Partial<NewWorkflow> = {}): NewWorkflow => ({
  id,
  name,
  description: `about ${name}`,
  document: { id, name, nodes: [], edges: [] },
  valid: false,
  problems: [{ path: ['nodes'], code: 'missing_start', message: 'no start node', severity: 'error' }],
  message: null,
  ...extra,
});

/** The contract every `WorkflowStore` passes (the route tests' memory store and the database). Call inside a `describe`. */
export function workflowStoreConformance(store: () => WorkflowStore): void {
  it('creates version 1, refuses a taken id, gets by id and 404s an unknown one', async () => {
    const id = `wf-${randomUUID()}`;
    const created = await store().create(input(id, 'Alpha'));
    expect(created).toMatchObject({ id, name: 'Alpha', version: 1, valid: false });
    await expect(store().create(input(id, 'Again'))).rejects.toMatchObject({ code: 'conflict' });
    expect(await store().get(id)).toMatchObject({ id, version: 1, document: { name: 'Alpha' } });
    expect(await store().get(`missing-${randomUUID()}`)).toBeUndefined();
  });

  it('appends versions, keeps the old ones, honours expectedVersion', async () => {
    const id = `wf-${randomUUID()}`;
    await store().create(input(id, 'v1'));
    const v2 = await store().saveVersion(id, { ...input(id, 'v2', { valid: true, problems: [] }), expectedVersion: 1 });
    expect(v2).toMatchObject({ version: 2, name: 'v2', valid: true });
    await expect(store().saveVersion(id, { ...input(id, 'stale'), expectedVersion: 1 })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await store().saveVersion(`missing-${randomUUID()}`, input('x', 'x'))).toBeUndefined();
    expect((await store().getVersion(id, 1))?.document).toMatchObject({ name: 'v1' });
    expect((await store().getVersion(id, 2))?.document).toMatchObject({ name: 'v2' });
    expect(await store().getVersion(id, 3)).toBeUndefined();
    const versions = await store().listVersions(id, { limit: 1 });
    expect(versions?.items.map((v) => v.version)).toEqual([2]);
    const older = await store().listVersions(id, { limit: 1, cursor: versions?.nextCursor ?? undefined });
    expect(older?.items.map((v) => v.version)).toEqual([1]);
    expect(older?.nextCursor).toBeNull();
  });

  it('lists newest first with search and cursor pages; refuses a cursor it did not issue', async () => {
    const tag = randomUUID().slice(0, 8);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const id = `wf-${randomUUID()}`;
      ids.push(id);
      await store().create(input(id, `Search ${tag} ${n}`));
      await new Promise((r) => setTimeout(r, 5));
    }
    const first = await store().list({ q: tag, limit: 2 });
    expect(first.items.map((w) => w.id)).toEqual([ids[2], ids[1]]);
    const second = await store().list({ q: tag, limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((w) => w.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    await expect(store().list({ limit: 2, cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('deletes', async () => {
    const id = `wf-${randomUUID()}`;
    await store().create(input(id, 'Doomed'));
    expect(await store().delete(id)).toBe(true);
    expect(await store().get(id)).toBeUndefined();
    expect(await store().delete(id)).toBe(false);
  });
}
