import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { TraceEvent } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { createHttpApp } from '../http/app.js';
import { createRunServices } from '../execution/services.js';
import { wireEngine } from '../main/wire.js';
import type { Wired } from '../main/wire.js';
import { createStore } from '../store/index.js';
import { checkpoints } from '../store/schema/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { callingParent, reviewChild } from '../testing/subworkflow-fixtures.js';

for (const kind of BACKENDS) {
  describe(`sub-workflows on the engine (${kind})`, () => {
    const database = useTestDatabase(kind);

    /** One engine over the database: its own compiled graphs, services and scripted-model call log. */
    const engine = () => {
      const logs: { nodeId: string }[][] = [];
      const wired: Wired = wireEngine({
        store: createStore(database.db),
        registry: createBuiltinRegistry(),
        env: {},
        streamTokens: false,
        services: (doc) => {
          const services = createRunServices({ script: doc.script, env: {} });
          logs.push(services.models.calls);
          return services;
        },
      });
      const app = createHttpApp(wired.deps);
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await app.request(
          path,
          body === undefined
            ? { method }
            : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
        );
        return { status: res.status, body: (await res.json()) as Record<string, unknown> & { items?: unknown[] } };
      };
      const settle = async (runId: string) => {
        await wired.runs.settled(runId);
        return (await call('GET', `/v1/runs/${runId}`)).body;
      };
      const events = async (runId: string) =>
        ((await call('GET', `/v1/runs/${runId}/events?limit=1000`)).body.items ?? []) as TraceEvent[];
      return { wired, call, settle, events, calls: () => logs.flatMap((l) => l.map((c) => c.nodeId)) };
    };
    let first: ReturnType<typeof engine>;
    const finished = (list: TraceEvent[]) => list.flatMap((e) => (e.type === 'node.finished' ? [e.nodeId] : []));
    const create = async (doc: Record<string, unknown>) => {
      const created = await first.call('POST', '/v1/workflows', { document: { ...doc, id: undefined } });
      expect(created.status).toBe(201);
      expect(created.body.valid).toBe(true);
      return created.body.id as string;
    };

    /**
     * A parent calling the review child, run to its end: paused at the child's human node, then
     * approved. Returns the thread and the namespace the call's checkpoints were stored under.
     */
    const approvedThread = async () => {
      const childId = await create(reviewChild());
      const parentId = await create(callingParent(childId));
      const runId = (await first.call('POST', '/v1/runs', { workflowId: parentId, input: { topic: 'tea' } })).body
        .runId as string;
      const threadId = (await first.settle(runId)).threadId as string;
      const paused = (await first.call('GET', `/v1/threads/${threadId}/state`)).body as {
        tasks: { checkpointNs?: string }[];
      };
      const ns = paused.tasks.find((t) => t.checkpointNs)?.checkpointNs ?? '';
      await first.call('POST', `/v1/runs/${runId}/resume`, { value: { action: 'approve' } });
      expect(await first.settle(runId)).toMatchObject({ status: 'completed', output: { post: 'FINAL: child draft!' } });
      return { parentId, threadId, ns };
    };

    beforeAll(() => {
      first = engine();
    });

    it('pauses the parent at a human node inside the child and resumes exactly there after a restart', async () => {
      const childId = await create(reviewChild());
      const parentId = await create(callingParent(childId));
      const started = await first.call('POST', '/v1/runs', { workflowId: parentId, input: { topic: 'tea' } });
      expect(started.status).toBe(202);
      const runId = started.body.runId as string;
      const paused = await first.settle(runId);
      expect(paused).toMatchObject({
        status: 'interrupted',
        interrupts: [{ nodeId: 'review › approve', value: { message: 'Approve? child draft' } }],
      });
      expect(first.calls()).toEqual(['plan', 'review › write']);
      expect(finished(await first.events(runId))).toEqual(['start', 'plan', 'review › write']);

      // The child's checkpoints are stored under the calling node's namespace.
      const threadId = paused.threadId as string;
      const rows = await database.db
        .selectDistinct({ ns: checkpoints.checkpointNs })
        .from(checkpoints)
        .where(eq(checkpoints.threadId, threadId));
      expect(rows.map((r) => r.ns).sort()).toEqual(['', expect.stringMatching(/^review:[0-9a-f-]+$/)]);

      // A new engine over the same database (a restart, or another process) answers the interrupt.
      const second = engine();
      expect((await second.call('POST', `/v1/runs/${runId}/resume`, { value: { action: 'approve' } })).status).toBe(
        202,
      );
      const done = await second.settle(runId);
      expect(done).toMatchObject({
        status: 'completed',
        output: { post: 'FINAL: child draft!', verdict: { action: 'approve' } },
      });
      // Nothing before the human node ran again: no model call, no node of the child or the parent.
      expect(second.calls()).toEqual([]);
      expect(finished(await second.events(runId)).slice(3)).toEqual([
        'review › approve',
        'review › finalize',
        'review',
        'publish',
        'end',
      ]);
    });

    it('pauses at a breakpoint inside the child, steps into and out of it, and keeps its checkpoints nested', async () => {
      const childId = await create(reviewChild());
      const parentId = await create(callingParent(childId));
      const before = first.calls().length;
      const started = await first.call('POST', '/v1/runs', {
        workflowId: parentId,
        input: { topic: 'tea' },
        interruptBefore: ['review › write'],
        interruptAfter: ['review › finalize'],
      });
      expect(started.status).toBe(202);
      const runId = started.body.runId as string;
      const stepTo = async (command: 'step' | 'continue') => {
        expect((await first.call('POST', `/v1/runs/${runId}/${command}`)).status).toBe(202);
        return first.settle(runId);
      };
      let run = await first.settle(runId);
      expect(run).toMatchObject({ status: 'interrupted', interrupts: [], paused: { next: ['review › write'] } });
      expect(finished(await first.events(runId))).toEqual(['start', 'plan']);

      // Step into the child one node at a time: the model inside runs once.
      run = await stepTo('step');
      expect(run).toMatchObject({ status: 'interrupted', interrupts: [], paused: { next: ['review › approve'] } });
      expect(finished(await first.events(runId)).slice(2)).toEqual(['review › write']);
      run = await stepTo('step');
      expect(run).toMatchObject({ status: 'interrupted', interrupts: [{ nodeId: 'review › approve' }] });
      expect((await first.call('POST', `/v1/runs/${runId}/resume`, { value: { action: 'approve' } })).status).toBe(202);
      // The breakpoint after `finalize` holds inside the child (its last node: the call is what runs on);
      // stepping on leaves the child and pauses before `publish`.
      run = await first.settle(runId);
      expect(run).toMatchObject({ status: 'interrupted', interrupts: [], paused: { next: ['review'] } });
      expect(finished(await first.events(runId)).at(-1)).toBe('review › finalize');
      run = await stepTo('step');
      expect(run).toMatchObject({ status: 'interrupted', paused: { next: ['publish'] } });
      run = await stepTo('continue');
      expect(run).toMatchObject({ status: 'completed', output: { post: 'FINAL: child draft!' } });
      expect(first.calls().slice(before)).toEqual(['plan', 'review › write']);
      const list = await first.events(runId);
      expect(finished(list)).toEqual([
        'start',
        'plan',
        'review › write',
        'review › approve',
        'review › finalize',
        'review',
        'publish',
        'end',
      ]);
      const pauses = list.flatMap((e) => (e.type === 'run.interrupted' && e.paused ? [e.paused.next] : []));
      expect(pauses).toEqual([['review › write'], ['review › approve'], ['review'], ['publish']]);

      // The child's checkpoints are in the trace, nested under the calling node, and in the store under its namespace.
      const saved = list.flatMap((e) => (e.type === 'checkpoint.saved' ? [e] : []));
      const nested = saved.filter((e) => e.ns !== undefined);
      expect(nested.length).toBeGreaterThanOrEqual(4);
      expect(new Set(nested.map((e) => e.calledBy))).toEqual(new Set(['review']));
      expect(new Set(nested.map((e) => e.ns)).size).toBe(1);
      const ns = nested[0]?.ns ?? '';
      expect(ns).toMatch(/^review:[0-9a-f-]+$/);
      expect(nested.some((e) => e.next.includes('review › write'))).toBe(true);
      expect(nested.some((e) => e.next.includes('review › finalize'))).toBe(true);
      expect(saved.filter((e) => e.ns === undefined).every((e) => e.next.every((n) => !n.includes('›')))).toBe(true);
      const threadId = run.threadId as string;
      const stored = await database.db
        .select({ id: checkpoints.checkpointId })
        .from(checkpoints)
        .where(and(eq(checkpoints.threadId, threadId), eq(checkpoints.checkpointNs, ns)));
      expect(new Set(stored.map((r) => r.id))).toEqual(new Set(nested.map((e) => e.checkpointId)));

      // The timeline: the parent's step that runs `review` names the namespace; its history lists the child's checkpoints.
      type Item = {
        checkpointId: string;
        checkpointNs?: string;
        next: string[];
        values: Record<string, unknown>;
        tasks: { nodeId: string; checkpointNs?: string }[];
      };
      const top = (await first.call('GET', `/v1/threads/${threadId}/history?limit=100`)).body.items as Item[];
      expect(top.every((h) => h.checkpointNs === undefined)).toBe(true);
      const calling = top.filter((h) => h.tasks.some((t) => t.checkpointNs !== undefined));
      expect(calling.flatMap((h) => h.tasks.map((t) => [t.nodeId, t.checkpointNs]))).toEqual([['review', ns]]);
      const inner = (await first.call('GET', `/v1/threads/${threadId}/history?limit=100&ns=${encodeURIComponent(ns)}`))
        .body.items as Item[];
      expect(new Set(inner.map((h) => h.checkpointId))).toEqual(new Set(nested.map((e) => e.checkpointId)));
      expect(inner.every((h) => h.checkpointNs === ns)).toBe(true);
      const beforeApprove = inner.find((h) => h.next.includes('review › approve'));
      expect(beforeApprove?.values).toMatchObject({ brief: 'parent outline', draft: 'child draft' });
      // The state at one nested checkpoint; unknown namespaces and ids are 404.
      const at = await first.call(
        'GET',
        `/v1/threads/${threadId}/state/${beforeApprove?.checkpointId ?? ''}?ns=${encodeURIComponent(ns)}`,
      );
      expect(at.status).toBe(200);
      expect(at.body).toMatchObject({ checkpointNs: ns, next: ['review › approve'], values: { draft: 'child draft' } });
      expect(
        (await first.call('GET', `/v1/threads/${threadId}/state/${beforeApprove?.checkpointId ?? ''}`)).status,
      ).toBe(404);
      expect(
        (await first.call('GET', `/v1/threads/${threadId}/state/${beforeApprove?.checkpointId ?? ''}?ns=nope:1`))
          .status,
      ).toBe(404);
    });

    it('edits the child’s state at its paused checkpoint and continues from the edit', async () => {
      const childId = await create(reviewChild());
      const parentId = await create(callingParent(childId));
      const before = first.calls().length;
      const runId = (
        await first.call('POST', '/v1/runs', {
          workflowId: parentId,
          input: { topic: 'tea' },
          interruptBefore: ['review › approve'],
        })
      ).body.runId as string;
      const paused = await first.settle(runId);
      expect(paused).toMatchObject({ status: 'interrupted', paused: { next: ['review › approve'] } });
      const threadId = paused.threadId as string;
      type Item = { checkpointId: string; next: string[]; tasks: { checkpointNs?: string }[] };
      const state = (await first.call('GET', `/v1/threads/${threadId}/state`)).body as unknown as Item;
      const ns = state.tasks.find((t) => t.checkpointNs)?.checkpointNs ?? '';
      expect(ns).toMatch(/^review:/);
      const inner = (await first.call('GET', `/v1/threads/${threadId}/history?limit=10&ns=${encodeURIComponent(ns)}`))
        .body.items as Item[];
      const at = inner[0];
      expect(at?.next).toEqual(['review › approve']);

      // Written as the child's writer: the values are checked against the child's channels.
      const edit = (body: Record<string, unknown>) =>
        first.call('POST', `/v1/threads/${threadId}/state`, { checkpointId: at?.checkpointId, ns, ...body });
      expect((await edit({ values: { outline: 'a parent channel' }, asNode: 'review › write' })).status).toBe(422);
      expect((await edit({ values: { draft: 'x' }, asNode: 'publish' })).status).toBe(422);
      const edited = await edit({ values: { draft: 'edited draft' }, asNode: 'review › write' });
      expect(edited.status).toBe(201);
      expect(edited.body).toMatchObject({
        checkpointNs: ns,
        parentCheckpointId: at?.checkpointId,
        source: 'update',
        next: ['review › approve'],
        values: { brief: 'parent outline', draft: 'edited draft' },
      });

      // Continuing the paused run goes on inside the child from the edited checkpoint; the writer does not run again.
      expect((await first.call('POST', `/v1/runs/${runId}/continue`)).status).toBe(202);
      const asked = await first.settle(runId);
      expect(asked).toMatchObject({
        status: 'interrupted',
        interrupts: [{ nodeId: 'review › approve', value: { message: 'Approve? edited draft' } }],
      });
      expect((await first.call('POST', `/v1/runs/${runId}/resume`, { value: { action: 'approve' } })).status).toBe(202);
      expect(await first.settle(runId)).toMatchObject({
        status: 'completed',
        output: { post: 'FINAL: edited draft!' },
      });
      expect(first.calls().slice(before)).toEqual(['plan', 'review › write']);
    });

    it('reruns a finished thread from the calling node and forks it from an edit before the call', async () => {
      const { parentId, threadId } = await approvedThread();
      const before = first.calls().length;

      // Rerun from the calling node: the child runs again from its start (and pauses again), the plan is reused.
      const rerun = await first.call('POST', `/v1/threads/${threadId}/rerun`, { nodeId: 'review' });
      expect(rerun.status).toBe(202);
      const again = rerun.body.runId as string;
      expect(await first.settle(again)).toMatchObject({
        status: 'interrupted',
        interrupts: [{ nodeId: 'review › approve' }],
      });
      await first.call('POST', `/v1/runs/${again}/resume`, { value: { action: 'reject' } });
      expect(await first.settle(again)).toMatchObject({
        status: 'completed',
        output: { verdict: { action: 'reject' } },
      });
      expect(first.calls().slice(before)).toEqual(['review › write']);
      expect(finished(await first.events(again))).toContain('review › approve');

      // Fork: edit the parent's outline at the checkpoint before the call; the child gets the edited brief.
      type Item = { checkpointId: string; next: string[] };
      const history = (await first.call('GET', `/v1/threads/${threadId}/history?limit=100`)).body.items as Item[];
      const beforeCall = history.find((h) => h.next.includes('review'));
      expect(beforeCall).toBeDefined();
      const edited = await first.call('POST', `/v1/threads/${threadId}/state`, {
        checkpointId: beforeCall?.checkpointId,
        values: { outline: 'an edited outline' },
        asNode: 'plan',
      });
      expect(edited.status).toBe(201);
      const fork = await first.call('POST', '/v1/runs', {
        workflowId: parentId,
        threadId,
        checkpointId: edited.body.checkpointId,
      });
      expect(fork.status).toBe(202);
      const forked = fork.body.runId as string;
      expect(await first.settle(forked)).toMatchObject({ status: 'interrupted' });
      const state = (await first.call('GET', `/v1/threads/${threadId}/state`)).body as {
        tasks: { checkpointNs?: string }[];
      };
      const ns = state.tasks.find((t) => t.checkpointNs)?.checkpointNs ?? '';
      const inner = (await first.call('GET', `/v1/threads/${threadId}/history?limit=10&ns=${encodeURIComponent(ns)}`))
        .body.items as { values: Record<string, unknown> }[];
      expect(inner[0]?.values).toMatchObject({ brief: 'an edited outline' });
      await first.call('POST', `/v1/runs/${forked}/resume`, { value: { action: 'approve' } });
      expect(await first.settle(forked)).toMatchObject({
        status: 'completed',
        output: { post: 'FINAL: child draft!' },
      });
      expect(first.calls().slice(before)).toEqual(['review › write', 'review › write']);
    });

    it('refuses an edit inside a call the thread is no longer paused in (it would never be read)', async () => {
      const { threadId, ns } = await approvedThread();
      type Item = { checkpointId: string; next: string[] };
      const inner = (await first.call('GET', `/v1/threads/${threadId}/history?limit=20&ns=${encodeURIComponent(ns)}`))
        .body.items as Item[];
      const atApprove = inner.find((h) => h.next.includes('review › approve'));
      expect(atApprove).toBeDefined();
      // LangGraph reads a call's checkpoints as of the parent checkpoint that resumes it: a fork of
      // the finished thread would never see this edit, so it is refused instead of silently ignored.
      const edited = await first.call('POST', `/v1/threads/${threadId}/state`, {
        checkpointId: atApprove?.checkpointId,
        ns,
        values: { draft: 'forked draft' },
        asNode: 'review › write',
      });
      expect(edited.status).toBe(409);
      expect(String(edited.body.detail)).toMatch(/not paused.*rerun from the calling node/);
      const after = (await first.call('GET', `/v1/threads/${threadId}/history?limit=20&ns=${encodeURIComponent(ns)}`))
        .body.items as Item[];
      expect(after.length).toBe(inner.length);
    });

    it('cancels a run while a node inside the child runs: the child stops there, nothing after it runs', async () => {
      // A slow model in the child (the script's latency, merged into the parent's run).
      const child = reviewChild();
      const slowChild = { ...child, script: { ...child.script, latencyMs: 1500 } };
      const childId = await create(slowChild);
      const parentId = await create(callingParent(childId));
      const runId = (await first.call('POST', '/v1/runs', { workflowId: parentId, input: { topic: 'tea' } })).body
        .runId as string;
      await expect
        .poll(
          async () =>
            (await first.events(runId)).some((e) => e.type === 'node.started' && e.nodeId === 'review › write'),
          {
            timeout: 10_000,
            interval: 50,
          },
        )
        .toBe(true);
      expect((await first.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(202);
      expect(await first.settle(runId)).toMatchObject({ status: 'cancelled' });
      const list = await first.events(runId);
      expect(finished(list)).not.toContain('review › write');
      expect(finished(list)).not.toContain('publish');
      expect(list.filter((e) => e.type === 'run.cancelled')).toHaveLength(1);
    });

    it('follows the latest child version or a pinned one, recompiling when the child changes', async () => {
      const childId = await create(reviewChild());
      const latestParent = await create(callingParent(childId));
      const pinnedParent = await create(callingParent(childId, 1));
      const v2 = reviewChild();
      v2.script = { nodes: { write: [{ content: 'second draft' }] } };
      const saved = await first.call('PUT', `/v1/workflows/${childId}`, { document: v2 });
      expect(saved.status).toBe(200);
      const drafted = async (workflowId: string) => {
        const runId = (await first.call('POST', '/v1/runs', { workflowId, input: { topic: 't' } })).body
          .runId as string;
        const run = await first.settle(runId);
        const interrupts = run.interrupts as { value: { message: string } }[];
        return interrupts[0]?.value.message;
      };
      expect(await drafted(latestParent)).toBe('Approve? second draft');
      expect(await drafted(pinnedParent)).toBe('Approve? child draft');
    });

    it('refuses to run a parent whose child is missing or calls it back, naming the node', async () => {
      const missing = await create(callingParent('no-such-workflow'));
      const refused = await first.call('POST', '/v1/runs', { workflowId: missing, input: { topic: 't' } });
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).toContain('subworkflow_missing');
      expect(refused.body.problems ?? refused.body.errors).toEqual([
        expect.objectContaining({ code: 'subworkflow_missing', nodeId: 'review' }),
      ]);

      // A → B → A: A is saved first calling a placeholder, then B calling A, then A calling B.
      const a = await create(callingParent('placeholder'));
      const b = await create(callingParent(a));
      expect((await first.call('PUT', `/v1/workflows/${a}`, { document: callingParent(b) })).status).toBe(200);
      const cycle = await first.call('POST', '/v1/runs', { workflowId: a, input: { topic: 't' } });
      expect(cycle.status).toBe(422);
      expect(cycle.body.problems ?? cycle.body.errors).toEqual([
        expect.objectContaining({
          code: 'subworkflow_cycle',
          nodeId: 'review',
          message: expect.stringContaining(`${a} → ${b} → ${a}`),
        }),
      ]);
    });
  });
}
