import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../app.js';
import type { Workflow, WorkflowVersion } from '../schemas/workflow.js';
import { call, createFakeDeps, exampleDocument } from '../testing/index.js';

function setup() {
  const deps = createFakeDeps();
  return { deps, app: createHttpApp(deps) };
}

const asWorkflow = (body: unknown) => body as Workflow;

describe('workflow routes', () => {
  it('creates a valid workflow under a new id, stored parsed, with a Location', async () => {
    const { app, deps } = setup();
    const res = await call(app, 'POST', '/v1/workflows', {
      json: { document: exampleDocument('sequential-pipeline'), message: 'first' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/v1/workflows/wf-1');
    const wf = asWorkflow(res.body);
    expect(wf).toMatchObject({
      id: 'wf-1',
      version: 1,
      valid: true,
      problems: [],
      name: 'Sequential pipeline: research → outline → draft',
    });
    expect(wf.document['id']).toBe('wf-1');
    expect(wf.document['settings']).toMatchObject({ recursionLimit: expect.any(Number) });
    expect((await deps.workflows.getVersion('wf-1', 1))?.message).toBe('first');
  });

  it('saves an invalid document as a draft with its problems', async () => {
    const { app } = setup();
    const draft = { name: 'WIP', nodes: [{ id: 'a', type: 'no-such-type' }] };
    const res = await call(app, 'POST', '/v1/workflows', { json: { document: draft } });
    expect(res.status).toBe(201);
    const wf = asWorkflow(res.body);
    expect(wf.valid).toBe(false);
    expect(wf.problems.map((p) => p.code)).toContain('unknown_node_type');
    expect(wf.document).toEqual({ ...draft, id: 'wf-1' });
  });

  it('names a workflow without a usable name "Untitled workflow"', async () => {
    const res = await call(setup().app, 'POST', '/v1/workflows', { json: { document: { name: '  ' } } });
    expect(asWorkflow(res.body).name).toBe('Untitled workflow');
  });

  it('refuses a document that is not an object', async () => {
    const res = await call(setup().app, 'POST', '/v1/workflows', { json: { document: [1, 2] } });
    expect(res.status).toBe(400);
  });

  it('gets, lists (with search and cursor) and 404s', async () => {
    const { app } = setup();
    for (const name of ['Alpha', 'Beta', 'Gamma'])
      await call(app, 'POST', '/v1/workflows', { json: { document: { name, description: `about ${name}` } } });
    expect(asWorkflow((await call(app, 'GET', '/v1/workflows/wf-2')).body).name).toBe('Beta');

    const first = await call(app, 'GET', '/v1/workflows?limit=2');
    const page1 = first.body as { items: { id: string }[]; nextCursor: string | null };
    expect(page1.items.map((w) => w.id)).toEqual(['wf-3', 'wf-2']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await call(app, 'GET', `/v1/workflows?limit=2&cursor=${page1.nextCursor}`)).body as typeof page1;
    expect(page2).toEqual({ items: [expect.objectContaining({ id: 'wf-1' })], nextCursor: null });

    const search = (await call(app, 'GET', '/v1/workflows?q=GAMMA')).body as typeof page1;
    expect(search.items.map((w) => w.id)).toEqual(['wf-3']);

    const bad = await call(app, 'GET', '/v1/workflows?cursor=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_request' });

    const missing = await call(app, 'GET', '/v1/workflows/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'not_found', detail: 'Workflow "nope" does not exist.' });
  });

  it('saves every update as a new version, keeps old versions, and honours expectedVersion', async () => {
    const { app } = setup();
    await call(app, 'POST', '/v1/workflows', { json: { document: { name: 'v1' } } });
    const v2 = await call(app, 'PUT', '/v1/workflows/wf-1', {
      json: { document: { name: 'v2' }, expectedVersion: 1, message: 'rename' },
    });
    expect(v2.status).toBe(200);
    expect(asWorkflow(v2.body)).toMatchObject({ version: 2, name: 'v2' });

    const stale = await call(app, 'PUT', '/v1/workflows/wf-1', {
      json: { document: { name: 'v3' }, expectedVersion: 1 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'conflict' });

    const forced = await call(app, 'PUT', '/v1/workflows/wf-1', { json: { document: { id: 'other', name: 'v3' } } });
    expect(asWorkflow(forced.body)).toMatchObject({ version: 3 });
    expect(asWorkflow(forced.body).document['id']).toBe('wf-1');

    const versions = await call(app, 'GET', '/v1/workflows/wf-1/versions?limit=2');
    expect(versions.body).toMatchObject({
      items: [{ version: 3 }, { version: 2, message: 'rename' }],
      nextCursor: expect.any(String),
    });
    const v1 = await call(app, 'GET', '/v1/workflows/wf-1/versions/1');
    expect((v1.body as WorkflowVersion).document).toEqual({ name: 'v1', id: 'wf-1' });

    expect((await call(app, 'GET', '/v1/workflows/wf-1/versions/9')).status).toBe(404);
    expect((await call(app, 'GET', '/v1/workflows/wf-1/versions/zero')).status).toBe(400);
    expect((await call(app, 'GET', '/v1/workflows/nope/versions')).status).toBe(404);
    expect((await call(app, 'PUT', '/v1/workflows/nope', { json: { document: {} } })).status).toBe(404);
  });

  it('deletes a workflow', async () => {
    const { app } = setup();
    await call(app, 'POST', '/v1/workflows', { json: { document: { name: 'x' } } });
    const del = await call(app, 'DELETE', '/v1/workflows/wf-1');
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    expect((await call(app, 'GET', '/v1/workflows/wf-1')).status).toBe(404);
    expect((await call(app, 'DELETE', '/v1/workflows/wf-1')).status).toBe(404);
  });

  it('validates without saving', async () => {
    const { app, deps } = setup();
    const ok = await call(app, 'POST', '/v1/workflows/validate', { json: exampleDocument('human-approval') });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, problems: [], document: { id: 'human-approval' } });

    const bad = await call(app, 'POST', '/v1/workflows/validate', {
      json: { id: 'x', name: 'x', nodes: [{ id: 's', type: 'start' }] },
    });
    expect(bad.status).toBe(200);
    const report = bad.body as { ok: boolean; problems: { code: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain('missing_end');
    expect((await deps.workflows.list({ limit: 10 })).items).toEqual([]);
  });

  describe('import and export', () => {
    it('imports under the document id, then refuses, copies or versions on conflict', async () => {
      const { app } = setup();
      const doc = exampleDocument('sequential-pipeline');
      const first = await call(app, 'POST', '/v1/workflows/import', { json: doc });
      expect(first.status).toBe(201);
      expect(asWorkflow(first.body)).toMatchObject({ id: 'sequential-pipeline', valid: true, version: 1 });

      const again = await call(app, 'POST', '/v1/workflows/import', { json: doc });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'conflict', detail: expect.stringContaining('onConflict=copy') });

      const copy = await call(app, 'POST', '/v1/workflows/import?onConflict=copy', { json: doc });
      expect(copy.status).toBe(201);
      expect(asWorkflow(copy.body).id).toBe('wf-1');

      const version = await call(app, 'POST', '/v1/workflows/import?onConflict=version', { json: doc });
      expect(version.status).toBe(200);
      expect(asWorkflow(version.body)).toMatchObject({ id: 'sequential-pipeline', version: 2 });

      expect((await call(app, 'POST', '/v1/workflows/import?onConflict=merge', { json: doc })).status).toBe(400);
    });

    it('gives a document without a usable id a new one', async () => {
      const res = await call(setup().app, 'POST', '/v1/workflows/import', { json: { id: '../../etc', name: 'x' } });
      expect(asWorkflow(res.body).id).toBe('wf-1');
    });

    it('exports the latest or a given version as an attachment that imports again', async () => {
      const { app } = setup();
      await call(app, 'POST', '/v1/workflows/import', { json: exampleDocument('reflection') });
      await call(app, 'PUT', '/v1/workflows/reflection', {
        json: { document: { ...exampleDocument('reflection'), name: 'Renamed' } },
      });

      const latest = await call(app, 'GET', '/v1/workflows/reflection/export');
      expect(latest.status).toBe(200);
      expect(latest.headers.get('Content-Disposition')).toBe('attachment; filename="reflection.json"');
      expect(latest.body).toMatchObject({ id: 'reflection', name: 'Renamed' });

      const v1 = await call(app, 'GET', '/v1/workflows/reflection/export?version=1');
      expect(v1.headers.get('Content-Disposition')).toBe('attachment; filename="reflection-v1.json"');
      expect(v1.body).toMatchObject({ name: exampleDocument('reflection')['name'] });

      const reimported = await call(createHttpApp(createFakeDeps()), 'POST', '/v1/workflows/import', {
        json: latest.body,
      });
      expect(asWorkflow(reimported.body)).toMatchObject({ id: 'reflection', valid: true, document: latest.body });

      expect((await call(app, 'GET', '/v1/workflows/reflection/export?version=7')).status).toBe(404);
    });
  });
});
