import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { CaseResult, ExperimentComparison, ExperimentDetail, TestCase, TraceEvent } from '@flowcraft/schema';
import { createHttpApp } from '../http/app.js';
import { wireEngine } from '../main/wire.js';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import type { StoreEvaluationService } from './evaluation-service.js';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(`${examples}${name}.json`, 'utf8')) as Record<string, unknown>;

type Json = Record<string, unknown> & { items?: unknown[] };

const REQUESTS = [
  ['blog', 'Please write a blog post about our new search', 'content'],
  ['bug', 'I found a bug in the checkout loop', 'code'],
  ['function', 'How do I write this function in TypeScript?', 'code'],
  ['vague', 'hello, can you help me?', 'fallback'],
] as const;

for (const kind of BACKENDS) {
  describe(`evaluations API (${kind})`, { timeout: 180_000 }, () => {
    const database = useTestDatabase(kind);
    let app: ReturnType<typeof createHttpApp>;
    let evaluations: StoreEvaluationService;

    beforeAll(() => {
      const wired = wireEngine({
        store: createStore(database.db),
        registry: createBuiltinRegistry(),
        env: {},
        streamTokens: false,
      });
      evaluations = wired.evaluations;
      app = createHttpApp(wired.deps);
    });

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(
        path,
        body === undefined
          ? { method }
          : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
      const text = await res.text();
      const parsed: unknown =
        text && /application\/(problem\+)?json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
      return { status: res.status, body: parsed as Json, text };
    };
    const create = async (doc: Record<string, unknown>) => {
      const created = await call('POST', '/v1/workflows', { document: { ...doc, id: undefined } });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const dataset = async (workflowId: string, name: string) => {
      const r = await call('POST', '/v1/datasets', { workflowId, name });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const routeCase = (i: number) => {
      const [tag, request, route] = REQUESTS[i % REQUESTS.length] ?? REQUESTS[0];
      return {
        name: `${tag} #${i + 1}`,
        tags: [tag],
        input: { request },
        assertions: [
          { type: 'branch_taken', nodeId: 'classify', branch: route },
          { type: 'limits', maxModelCalls: 2 },
        ],
      };
    };
    const experiment = async (body: Record<string, unknown>) => {
      const started = await call('POST', '/v1/evaluations', body);
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      await evaluations.idle();
      return (await call('GET', `/v1/evaluations/${started.body.id as string}`)).body as unknown as ExperimentDetail;
    };

    it('datasets: CRUD, tags and name search, JSONL import (all or none) and export', async () => {
      const workflowId = await create(load('router-intent'));
      const id = await dataset(workflowId, 'Intents');
      const added = await call('POST', `/v1/datasets/${id}/cases`, { cases: [0, 1, 2, 3].map(routeCase) });
      expect(added.status).toBe(201);
      expect((await call('GET', `/v1/datasets/${id}`)).body).toMatchObject({ name: 'Intents', caseCount: 4 });
      const byTag = await call('GET', `/v1/datasets/${id}/cases?tags=bug`);
      expect((byTag.body.items as TestCase[]).map((c) => c.name)).toEqual(['bug #2']);
      const byName = await call('GET', `/v1/datasets/${id}/cases?q=FUNC`);
      expect((byName.body.items as TestCase[]).map((c) => c.name)).toEqual(['function #3']);

      const exported = await call('GET', `/v1/datasets/${id}/export`);
      expect(exported.status).toBe(200);
      const lines = exported.text.trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(JSON.parse(lines[1] ?? '')).toMatchObject({
        name: 'bug #2',
        tags: ['bug'],
        input: { request: REQUESTS[1][1] },
      });

      const copy = await dataset(workflowId, 'Copy');
      const bad = await call('POST', `/v1/datasets/${copy}/import`, { jsonl: `${lines[0]}\n{oops\n` });
      expect(bad.status).toBe(422);
      expect(bad.body.detail).toMatch(/line 2: not JSON/);
      expect((await call('GET', `/v1/datasets/${copy}`)).body.caseCount).toBe(0);
      const imported = await call('POST', `/v1/datasets/${copy}/import`, { jsonl: exported.text });
      expect(imported.status).toBe(201);
      expect((imported.body.items as TestCase[]).map((c) => c.name)).toEqual([
        'blog #1',
        'bug #2',
        'function #3',
        'vague #4',
      ]);

      const first = (imported.body.items as TestCase[])[0] as TestCase;
      const renamed = await call('PUT', `/v1/datasets/${copy}/cases/${first.id}`, { ...routeCase(0), name: 'renamed' });
      expect(renamed.body).toMatchObject({ name: 'renamed', id: first.id });
      expect((await call('DELETE', `/v1/datasets/${copy}/cases/${first.id}`)).status).toBe(204);
      expect((await call('GET', `/v1/datasets/${copy}/cases/${first.id}`)).status).toBe(404);
      expect((await call('PUT', `/v1/datasets/${copy}`, { description: 'for tests' })).body).toMatchObject({
        description: 'for tests',
        caseCount: 3,
      });
      expect(
        ((await call('GET', `/v1/datasets?workflowId=${workflowId}`)).body.items as { caseCount: number }[])
          .map((d) => d.caseCount)
          .sort(),
      ).toEqual([3, 4]);
      expect((await call('DELETE', `/v1/datasets/${copy}`)).status).toBe(204);
      expect((await call('GET', `/v1/datasets/${copy}`)).status).toBe(404);
      expect((await call('POST', '/v1/datasets', { workflowId: 'nope', name: 'x' })).status).toBe(404);
    });

    it('datasets: a name another dataset of the workflow has is refused with 409 conflict naming it', async () => {
      const workflowId = await create(load('router-intent'));
      const first = await dataset(workflowId, 'Smoke tests');
      const taken = await call('POST', '/v1/datasets', { workflowId, name: '  SMOKE tests ' });
      expect(taken.status).toBe(409);
      expect(taken.body).toMatchObject({ code: 'conflict', status: 409 });
      expect(taken.body.detail).toContain(first);
      expect(taken.body.detail).toContain('"Smoke tests"');
      // The name is stored trimmed; renaming onto a taken name is refused the same way.
      const second = await call('POST', '/v1/datasets', { workflowId, name: ' Nightly ' });
      expect(second.body).toMatchObject({ name: 'Nightly' });
      const renamed = await call('PUT', `/v1/datasets/${second.body.id as string}`, { name: 'smoke TESTS' });
      expect(renamed.status).toBe(409);
      expect(renamed.body).toMatchObject({ code: 'conflict' });
      expect(renamed.body.detail).toContain(first);
      expect((await call('POST', '/v1/datasets', { workflowId, name: '   ' })).status).toBe(400);
      // Another workflow may use the name.
      expect(
        (await call('POST', '/v1/datasets', { workflowId: await create(load('router-intent')), name: 'Smoke tests' }))
          .status,
      ).toBe(201);
    });

    it('an experiment over 50 cases runs each as a normal run: correct counts and a run per case', async () => {
      const workflowId = await create(load('router-intent'));
      const id = await dataset(workflowId, 'Fifty');
      const cases = Array.from({ length: 50 }, (_, i) => routeCase(i));
      // One case that must fail: the vague request does not go to the writer.
      cases[3] = {
        ...routeCase(3),
        name: 'vague goes to write (fails)',
        assertions: [{ type: 'node_ran', nodeId: 'write' }],
      } as never;
      expect((await call('POST', `/v1/datasets/${id}/cases`, { cases })).status).toBe(201);
      const exp = await experiment({ workflowId, datasetId: id, concurrency: 8 });
      expect(exp).toMatchObject({
        status: 'completed',
        total: 50,
        passed: 49,
        failed: 1,
        pending: 0,
        workflowVersion: 1,
      });
      expect(exp.results.map((r) => r.caseName)).toEqual(cases.map((c) => c.name));
      const failing = exp.results.filter((r) => r.status === 'failed');
      expect(failing).toHaveLength(1);
      expect(failing[0]?.reason).toMatch(
        /write ran: node write did not run; path was start → classify → clarify → end/,
      );
      const runIds = new Set(exp.results.map((r) => r.runId));
      expect(runIds.size).toBe(50);
      for (const r of exp.results) {
        expect(r).toMatchObject({ runStatus: 'completed', attempts: 1 });
        expect(r.tokens).toBeGreaterThan(0);
        expect(r.results.length).toBeGreaterThan(0);
        for (const v of r.results) expect(v.reason).not.toBe('');
      }
      // Each result links to a real, stored run of the workflow (what the debugger opens).
      const sample = exp.results[10] as CaseResult;
      const run = await call('GET', `/v1/runs/${sample.runId as string}`);
      expect(run.body).toMatchObject({ status: 'completed', workflowId, threadId: sample.threadId });
      const events = (await call('GET', `/v1/runs/${sample.runId as string}/events`)).body.items as TraceEvent[];
      expect(events.at(-1)?.type).toBe('run.completed');
      const listed = await call('GET', `/v1/runs?workflowId=${workflowId}&limit=100`);
      expect(listed.body.items).toHaveLength(50);
      expect((await call('GET', `/v1/evaluations?datasetId=${id}`)).body.items).toHaveLength(1);
    });

    it('a version that breaks one case shows exactly that regression, first; re-running a case makes a new run', async () => {
      const doc = load('router-intent');
      const workflowId = await create(doc);
      const id = await dataset(workflowId, 'Regression');
      await call('POST', `/v1/datasets/${id}/cases`, { cases: [0, 1, 2, 3].map(routeCase) });
      const v1 = await experiment({ workflowId, datasetId: id, concurrency: 4 });
      expect(v1).toMatchObject({ passed: 4, failed: 0 });

      // Version 2: the classifier now sends bug reports to the writer.
      const script = doc.script as {
        rules: { whenContains?: string; reply: { structured: Record<string, unknown> } }[];
      };
      const rules = script.rules.map((r) =>
        r.whenContains === 'bug'
          ? { ...r, reply: { ...r.reply, structured: { ...r.reply.structured, route: 'content' } } }
          : r,
      );
      const saved = await call('PUT', `/v1/workflows/${workflowId}`, {
        document: { ...doc, id: workflowId, script: { ...script, rules } },
      });
      expect(saved.status).toBe(200);
      const v2 = await experiment({ workflowId, version: 2, datasetId: id, concurrency: 4 });
      expect(v2).toMatchObject({ workflowVersion: 2, passed: 3, failed: 1 });

      const cmp = (await call('GET', `/v1/evaluations/compare?base=${v1.id}&head=${v2.id}`))
        .body as unknown as ExperimentComparison;
      expect(cmp.counts).toMatchObject({ regression: 1, still_passing: 3, fixed: 0, still_failing: 0 });
      expect(cmp.rows[0]).toMatchObject({
        caseName: 'bug #2',
        change: 'regression',
        base: { status: 'passed' },
        head: { status: 'failed' },
      });
      expect(cmp.rows[0]?.head?.reason).toMatch(/classify took content, expected code/);
      expect(cmp.rows.slice(1).every((r) => r.change === 'still_passing')).toBe(true);
      // And the other way round the same case is a fix.
      const back = (await call('GET', `/v1/evaluations/compare?base=${v2.id}&head=${v1.id}`))
        .body as unknown as ExperimentComparison;
      expect(back.rows[0]).toMatchObject({ caseName: 'bug #2', change: 'fixed' });

      const bug = v2.results.find((r) => r.caseName === 'bug #2') as CaseResult;
      const rerun = await call('POST', `/v1/evaluations/${v2.id}/cases/${bug.caseId}/rerun`);
      expect(rerun.status).toBe(202);
      expect(rerun.body).toMatchObject({ status: 'running', attempts: 2 });
      await evaluations.idle();
      const after = (await call('GET', `/v1/evaluations/${v2.id}`)).body as unknown as ExperimentDetail;
      const again = after.results.find((r) => r.caseId === bug.caseId) as CaseResult;
      expect(again).toMatchObject({ status: 'failed', attempts: 2 });
      expect(again.runId).not.toBe(bug.runId);
      expect(after).toMatchObject({ status: 'completed', passed: 3, failed: 1 });
      expect((await call('GET', '/v1/evaluations/compare?base=nope&head=nope2')).status).toBe(404);
    });

    it('a case saved from an edited fork reproduces the fork; one saved from a checkpoint continues from it', async () => {
      const workflowId = await create(load('sequential-pipeline'));
      const first = await call('POST', '/v1/runs', { workflowId, input: { topic: 'tides' } });
      const threadId = first.body.threadId as string;
      // Wait for the run (it executes in the background).
      for (let i = 0; i < 200; i++) {
        const r = await call('GET', `/v1/runs/${first.body.runId as string}`);
        if (r.body.status === 'completed') break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const history = (await call('GET', `/v1/threads/${threadId}/history?limit=50`)).body.items as {
        checkpointId: string;
        next: string[];
      }[];
      const beforeWriter = history.find((h) => h.next.includes('writer'));
      if (!beforeWriter) throw new Error('no checkpoint before the writer');
      const edited = await call('POST', `/v1/threads/${threadId}/state`, {
        checkpointId: beforeWriter.checkpointId,
        values: { research: 'Edited research.' },
        asNode: 'outliner',
      });
      expect(edited.status).toBe(201);
      const fork = await call('POST', '/v1/runs', {
        workflowId,
        threadId,
        checkpointId: edited.body.checkpointId,
        input: {},
      });
      const forkId = fork.body.runId as string;
      let forkRun: Json = {};
      for (let i = 0; i < 200; i++) {
        forkRun = (await call('GET', `/v1/runs/${forkId}`)).body;
        if (forkRun.status === 'completed') break;
        await new Promise((res) => setTimeout(res, 50));
      }
      expect(forkRun.status).toBe('completed');

      const id = await dataset(workflowId, 'From the debugger');
      const fromFork = await call('POST', `/v1/datasets/${id}/cases/from-run`, {
        runId: forkId,
        name: 'edited research',
        assertions: [
          { type: 'node_not_ran', nodeId: 'researcher' },
          { type: 'equals', target: 'state', path: 'research', value: 'Edited research.' },
        ],
      });
      expect(fromFork.status).toBe(201);
      expect(fromFork.body).toMatchObject({
        from: { threadId, checkpointId: edited.body.checkpointId },
        expected: forkRun.output,
        source: { kind: 'fork', runId: forkId },
      });
      const fromCheckpoint = await call('POST', `/v1/datasets/${id}/cases/from-run`, {
        runId: first.body.runId,
        checkpointId: beforeWriter.checkpointId,
        name: 'from the checkpoint before the writer',
        assertions: [
          { type: 'node_ran', nodeId: 'writer' },
          { type: 'node_not_ran', nodeId: 'outliner' },
        ],
      });
      expect(fromCheckpoint.body).toMatchObject({
        source: { kind: 'checkpoint' },
        from: { checkpointId: beforeWriter.checkpointId },
      });
      expect(fromCheckpoint.body.expected).toBeUndefined();
      const fromRun = await call('POST', `/v1/datasets/${id}/cases/from-run`, {
        runId: first.body.runId,
        name: 'whole run',
      });
      expect(fromRun.body).toMatchObject({ input: { topic: 'tides' }, source: { kind: 'run' } });
      expect(fromRun.body.from).toBeUndefined();

      const exp = await experiment({ workflowId, datasetId: id, concurrency: 3 });
      expect(exp.results.map((r) => [r.caseName, r.status, r.reason])).toEqual([
        ['edited research', 'passed', 'all 3 assertion(s) passed'],
        ['from the checkpoint before the writer', 'passed', 'all 2 assertion(s) passed'],
        ['whole run', 'passed', 'all 1 assertion(s) passed'],
      ]);
      const forkCase = exp.results[0] as CaseResult;
      const events = (await call('GET', `/v1/runs/${forkCase.runId as string}/events`)).body.items as TraceEvent[];
      expect(events.flatMap((e) => (e.type === 'node.finished' ? [e.nodeId] : []))).toEqual(['writer', 'end']);
    });
  });
}
