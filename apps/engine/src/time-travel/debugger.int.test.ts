import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { createHttpApp } from '../http/app.js';
import { createRunServices } from '../execution/services.js';
import { RunService } from '../lifecycle/run-service.js';
import { StoreRunPorts } from '../lifecycle/store-run-ports.js';
import { wireEngine } from '../main/wire.js';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(`${examples}${name}.json`, 'utf8')) as Record<string, unknown>;

/** Two human questions in parallel branches, joined at the end. */
const parallelQuestions = {
  id: 'two-questions',
  name: 'Two questions at once',
  state: { a: { type: 'json' }, b: { type: 'json' } },
  nodes: [
    { id: 'start', type: 'start', config: {} },
    { id: 'ask_a', type: 'human', config: { kind: 'input', message: 'First?', channel: 'a' } },
    { id: 'ask_b', type: 'human', config: { kind: 'input', message: 'Second?', channel: 'b' } },
    { id: 'end', type: 'end', config: { outputs: ['a', 'b'] } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'ask_a' },
    { id: 'e2', source: 'start', target: 'ask_b' },
    { id: 'e3', source: 'ask_a', target: 'end' },
    { id: 'e4', source: 'ask_b', target: 'end' },
  ],
};

for (const kind of BACKENDS) {
  describe(`debugger API (${kind})`, () => {
    const database = useTestDatabase(kind);
    /** Each run's scripted-model call log (a run gets its own scripted models); `calls()` lists node ids since the last reset. */
    let logs: { nodeId: string }[][] = [];
    const calls = () => logs.flatMap((log) => log.map((c) => c.nodeId));
    const resetCalls = () => void (logs = []);
    let app: ReturnType<typeof createHttpApp>;
    let runs: RunService;

    beforeAll(() => {
      const wired = wireEngine({
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
      runs = wired.runs;
      app = createHttpApp(wired.deps);
    });

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(
        path,
        body === undefined
          ? { method }
          : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
      return { status: res.status, body: (await res.json()) as Record<string, unknown> & { items?: unknown[] } };
    };
    const create = async (doc: Record<string, unknown>) => {
      const created = await call('POST', '/v1/workflows', { document: { ...doc, id: undefined } });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const settle = async (runId: string) => {
      await runs.settled(runId);
      return (await call('GET', `/v1/runs/${runId}`)).body;
    };
    const events = async (runId: string) =>
      ((await call('GET', `/v1/runs/${runId}/events`)).body.items ?? []) as TraceEvent[];
    const finishedNodes = (list: TraceEvent[]) => list.flatMap((e) => (e.type === 'node.finished' ? [e.nodeId] : []));

    it('pauses at a breakpoint, steps one superstep at a time, continues to the end, and stops', async () => {
      const workflowId = await create(load('sequential-pipeline'));
      const started = await call('POST', '/v1/runs', {
        workflowId,
        input: { topic: 'tides' },
        interruptBefore: ['outliner'],
      });
      expect(started.status).toBe(202);
      const runId = started.body.runId as string;
      let run = await settle(runId);
      expect(run).toMatchObject({ status: 'interrupted', interrupts: [], paused: { next: ['outliner'] } });
      expect(finishedNodes(await events(runId))).toEqual(['start', 'researcher']);

      expect((await call('POST', `/v1/runs/${runId}/step`)).status).toBe(202);
      run = await settle(runId);
      expect(run).toMatchObject({ status: 'interrupted', paused: { next: ['writer'] } });
      expect(finishedNodes(await events(runId))).toEqual(['start', 'researcher', 'outliner']);
      const state = (await call('GET', `/v1/threads/${run.threadId as string}/state`)).body;
      expect(state.next).toEqual(['writer']);
      expect((state.values as Record<string, unknown>).outline).toMatchObject({ title: 'Why the Sea Breathes' });

      expect((await call('POST', `/v1/runs/${runId}/continue`)).status).toBe(202);
      run = await settle(runId);
      expect(run.status).toBe('completed');
      // After an engine restart a paused run's breakpoints come back from its stored trace.
      const restartedPorts = new StoreRunPorts(createStore(database.db));
      const restarted = new RunService(restartedPorts, createBuiltinRegistry(), { env: {}, streamTokens: false });
      const again = (
        await call('POST', '/v1/runs', {
          workflowId,
          input: { topic: 'tides' },
          interruptBefore: ['researcher', 'writer'],
        })
      ).body.runId as string;
      expect(await settle(again)).toMatchObject({ status: 'interrupted', paused: { next: ['researcher'] } });
      await restarted.continue(again);
      await restarted.settled(again);
      expect(await restartedPorts.getRun(again)).toMatchObject({ status: 'interrupted', paused: { next: ['writer'] } });
      await restarted.cancel(again);
      expect(finishedNodes(await events(runId))).toEqual(['start', 'researcher', 'outliner', 'writer', 'end']);
      // A finished run cannot be stepped; an unknown breakpoint is refused.
      expect((await call('POST', `/v1/runs/${runId}/step`)).status).toBe(409);
      expect((await call('POST', '/v1/runs', { workflowId, input: {}, interruptAfter: ['nope'] })).status).toBe(422);

      const stopped = await call('POST', '/v1/runs', {
        workflowId,
        input: { topic: 'tides' },
        interruptAfter: ['researcher'],
      });
      const stoppedId = stopped.body.runId as string;
      expect(await settle(stoppedId)).toMatchObject({ status: 'interrupted', paused: { next: ['outliner'] } });
      expect((await call('POST', `/v1/runs/${stoppedId}/cancel`, {})).status).toBe(202);
      expect((await settle(stoppedId)).status).toBe('cancelled');
    });

    it('edits the state at a checkpoint, forks from it and keeps both branches; diffs show what changed', async () => {
      const workflowId = await create(load('sequential-pipeline'));
      const { runId, threadId } = (await call('POST', '/v1/runs', { workflowId, input: { topic: 'tides' } })).body as {
        runId: string;
        threadId: string;
      };
      expect((await settle(runId)).status).toBe('completed');
      const history = (await call('GET', `/v1/threads/${threadId}/history?limit=50`)).body.items as {
        checkpointId: string;
        next: string[];
        step: number;
      }[];
      const beforeWriter = history.find((h) => h.next.includes('writer'));
      if (!beforeWriter) throw new Error('no checkpoint before writer');

      const diff = (await call('GET', `/v1/threads/${threadId}/state/${beforeWriter.checkpointId}/diff`)).body;
      expect(diff).toMatchObject({ ran: ['outliner'], next: ['writer'] });
      const changes = diff.changes as { channel: string; after: unknown }[];
      expect(changes.map((c) => c.channel)).toEqual(['outline']);
      expect(changes[0]?.after).toMatchObject({ title: 'Why the Sea Breathes' });

      const bad = await call('POST', `/v1/threads/${threadId}/state`, {
        checkpointId: beforeWriter.checkpointId,
        values: { research: 42 },
      });
      expect(bad.status).toBe(422);
      const edited = await call('POST', `/v1/threads/${threadId}/state`, {
        checkpointId: beforeWriter.checkpointId,
        values: { research: 'Edited research.' },
        asNode: 'outliner',
      });
      expect(edited.status).toBe(201);
      expect(edited.body).toMatchObject({
        source: 'update',
        parentCheckpointId: beforeWriter.checkpointId,
        next: ['writer'],
      });
      expect((edited.body.values as Record<string, unknown>).research).toBe('Edited research.');

      resetCalls();
      const fork = await call('POST', '/v1/runs', {
        workflowId,
        threadId,
        checkpointId: edited.body.checkpointId,
        input: {},
      });
      expect(fork.status).toBe(202);
      const forkRun = await settle(fork.body.runId as string);
      expect(forkRun).toMatchObject({ status: 'completed', forkedFrom: { checkpointId: edited.body.checkpointId } });
      expect(calls()).toEqual(['writer']);
      expect(finishedNodes(await events(fork.body.runId as string))).toEqual(['writer', 'end']);

      // Both branches remain: the original final checkpoint and the fork's descend from the same ancestor.
      const all = (await call('GET', `/v1/threads/${threadId}/history?limit=100`)).body.items as {
        checkpointId: string;
        parentCheckpointId: string | null;
        source: string;
      }[];
      const children = all.filter((h) => h.parentCheckpointId === beforeWriter.checkpointId);
      expect(children.map((c) => c.source).sort()).toEqual(['loop', 'update']);
      expect(all.length).toBeGreaterThan(history.length);
    });

    it('reruns from a node without calling the upstream models again, and compares the runs', async () => {
      const workflowId = await create(load('sequential-pipeline'));
      resetCalls();
      const { runId, threadId } = (await call('POST', '/v1/runs', { workflowId, input: { topic: 'tides' } })).body as {
        runId: string;
        threadId: string;
      };
      expect((await settle(runId)).status).toBe('completed');
      expect(calls()).toEqual(['researcher', 'outliner', 'writer']);

      resetCalls();
      const rerun = await call('POST', `/v1/threads/${threadId}/rerun`, { nodeId: 'writer' });
      expect(rerun.status).toBe(202);
      const rerunId = rerun.body.runId as string;
      expect((await settle(rerunId)).status).toBe('completed');
      expect(calls()).toEqual(['writer']);
      const rerunEvents = await events(rerunId);
      expect(rerunEvents[0]).toMatchObject({ type: 'run.started', fromCheckpointId: expect.any(String) });
      expect(finishedNodes(rerunEvents)).toEqual(['writer', 'end']);

      // Every checkpoint names the run that wrote it.
      const written = (await call('GET', `/v1/threads/${threadId}/history?limit=100`)).body.items as {
        runId: string | null;
        source: string;
      }[];
      expect(new Set(written.map((h) => h.runId))).toEqual(new Set([runId, rerunId]));

      const compared = (await call('GET', `/v1/runs/${runId}/compare/${rerunId}`)).body as {
        a: { path: string[]; nodes: Record<string, { tokens: { input: number } }> };
        b: { path: string[] };
      };
      expect(compared.a.path).toEqual(['start', 'researcher', 'outliner', 'writer', 'end']);
      expect(compared.b.path).toEqual(['writer', 'end']);
      expect(compared.a.nodes.researcher?.tokens.input).toBe(42);
      expect((await call('POST', `/v1/threads/${threadId}/rerun`, { nodeId: 'nowhere' })).status).toBe(404);
    });

    it('keeps the flow going after an edit made as a node that routes with Command (reflection)', async () => {
      const workflowId = await create(load('reflection'));
      const { runId, threadId } = (await call('POST', '/v1/runs', { workflowId, input: { topic: 'tides' } })).body as {
        runId: string;
        threadId: string;
      };
      expect((await settle(runId)).status).toBe('completed');
      const history = (await call('GET', `/v1/threads/${threadId}/history?limit=100`)).body.items as {
        checkpointId: string;
        next: string[];
      }[];
      // The checkpoint after the reflection loop, about to run the node that follows it.
      const after = history.find((h) => h.next.length > 0 && !h.next.includes('write') && !h.next.includes('start'));
      if (!after) throw new Error(`no checkpoint after the loop: ${JSON.stringify(history.map((h) => h.next))}`);
      const edited = await call('POST', `/v1/threads/${threadId}/state`, {
        checkpointId: after.checkpointId,
        values: {},
        asNode: 'write',
      });
      expect(edited.status).toBe(201);
      expect(edited.body.next).toEqual(after.next);
      const fork = await call('POST', '/v1/runs', {
        workflowId,
        threadId,
        checkpointId: edited.body.checkpointId,
        input: {},
      });
      const forkId = fork.body.runId as string;
      expect((await settle(forkId)).status).toBe('completed');
      expect(finishedNodes(await events(forkId))[0]).toBe(after.next[0]);
    });

    it('answers interrupts pending in parallel branches by id, and refuses a stale answer with 409', async () => {
      const workflowId = await create(parallelQuestions);
      const { runId } = (await call('POST', '/v1/runs', { workflowId, input: {} })).body as { runId: string };
      const run = await settle(runId);
      expect(run.status).toBe('interrupted');
      const pending = run.interrupts as { id: string; nodeId: string; value: unknown }[];
      expect(pending.map((i) => i.nodeId).sort()).toEqual(['ask_a', 'ask_b']);
      const byNode = Object.fromEntries(pending.map((i) => [i.nodeId, i.id]));

      expect(
        (await call('POST', `/v1/runs/${runId}/resume`, { answers: { [byNode.ask_a as string]: { value: 'alpha' } } }))
          .status,
      ).toBe(202);
      const half = await settle(runId);
      expect(half.status).toBe('interrupted');
      expect((half.interrupts as { nodeId: string }[]).map((i) => i.nodeId)).toEqual(['ask_b']);

      const stale = await call('POST', `/v1/runs/${runId}/resume`, {
        answers: { [byNode.ask_a as string]: { value: 'again' } },
      });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('conflict');

      expect(
        (await call('POST', `/v1/runs/${runId}/resume`, { answers: { [byNode.ask_b as string]: { value: 'beta' } } }))
          .status,
      ).toBe(202);
      const done = await settle(runId);
      expect(done).toMatchObject({ status: 'completed', output: { a: 'alpha', b: 'beta' } });
    });
  });
}
