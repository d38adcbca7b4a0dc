import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { TraceEvent } from '@flowcraft/schema';
import { createHttpApp } from '../http/app.js';
import { wireEngine } from '../main/wire.js';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import type { RunService } from './run-service.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../examples/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/**
 * The example with every scripted reply slowed down, so a winning step is still executing when the
 * losing requests are handled (identical requests that arrive after it finished are new requests).
 */
function slowed(doc: Record<string, unknown>, delayMs: number): Record<string, unknown> {
  const script = doc.script as { nodes?: Record<string, Record<string, unknown>[]> };
  const nodes = Object.fromEntries(
    Object.entries(script.nodes ?? {}).map(([id, replies]) => [id, replies.map((r) => ({ ...r, delayMs }))]),
  );
  return { ...doc, script: { ...script, nodes } };
}

/** Concurrent identical requests per transition. */
const N = 8;
const FINAL = new Set(['run.completed', 'run.failed', 'run.cancelled']);

/**
 * Every lifecycle transition raced: N identical requests at once → exactly one 2xx, the rest 409,
 * nothing thrown past the engine, one final event, contiguous seqs. On PGlite and Postgres.
 */
for (const kind of BACKENDS) {
  describe(`run lifecycle races (${kind})`, () => {
    const database = useTestDatabase(kind);
    let app: ReturnType<typeof createHttpApp>;
    let runs: RunService;
    const escaped: unknown[] = [];
    const onEscape = (err: unknown) => escaped.push(err);

    beforeAll(() => {
      process.on('unhandledRejection', onEscape);
      const wired = wireEngine({
        store: createStore(database.db),
        registry: createBuiltinRegistry(),
        env: {},
        streamTokens: false,
        logError: (_m, err) => escaped.push(err),
      });
      runs = wired.runs;
      app = createHttpApp(wired.deps);
    });
    afterAll(() => {
      process.off('unhandledRejection', onEscape);
    });

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(path, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const create = async (name: string) => {
      const doc = slowed(example(name), 400);
      const created = await call('POST', '/v1/workflows', { document: { ...doc, id: undefined } });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const settle = async (runId: string) => {
      for (let i = 0; i < 200; i++) {
        await runs.settled(runId);
        const run = (await call('GET', `/v1/runs/${runId}`)).body;
        if (run.status !== 'queued' && run.status !== 'running') return run;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`run ${runId} did not settle`);
    };
    const events = async (runId: string) =>
      ((await call('GET', `/v1/runs/${runId}/events?limit=1000`)).body.items ?? []) as TraceEvent[];
    /** Fire N requests at once; returns their statuses. */
    const race = async (requests: (() => Promise<{ status: number }>)[]) =>
      (await Promise.all(requests.map((r) => r()))).map((r) => r.status);
    const expectOneWinner = (statuses: number[]) => {
      expect(statuses.filter((s) => s === 202)).toHaveLength(1);
      expect(statuses.filter((s) => s !== 202).every((s) => s === 409)).toBe(true);
    };
    const expectCleanTrace = async (runId: string) => {
      const list = await events(runId);
      expect(list.map((e) => e.seq)).toEqual(list.map((_, i) => i + 1));
      expect(list.filter((e) => FINAL.has(e.type))).toHaveLength(1);
      expect(escaped).toEqual([]);
      return list;
    };
    const pausedRun = async (workflowId: string) => {
      const started = await call('POST', '/v1/runs', {
        workflowId,
        input: { topic: 'tides' },
        interruptBefore: ['outliner', 'writer'],
      });
      const runId = started.body.runId as string;
      expect(await settle(runId)).toMatchObject({ status: 'interrupted', paused: { next: ['outliner'] } });
      return runId;
    };

    it('resume × N on one interrupt: one accepted, the rest 409, one final event', async () => {
      const workflowId = await create('human-approval');
      const runId = (await call('POST', '/v1/runs', { workflowId, input: {} })).body.runId as string;
      expect((await settle(runId)).status).toBe('interrupted');
      const statuses = await race(
        Array.from(
          { length: N },
          () => () => call('POST', `/v1/runs/${runId}/resume`, { value: { action: 'approve' } }),
        ),
      );
      expectOneWinner(statuses);
      expect((await settle(runId)).status).toBe('completed');
      const list = await expectCleanTrace(runId);
      expect(list.filter((e) => e.type === 'run.interrupted')).toHaveLength(1);
    });

    it('step × N, continue × N and step + continue on a paused run: one accepted each time', async () => {
      const workflowId = await create('sequential-pipeline');
      const runId = await pausedRun(workflowId);
      expectOneWinner(await race(Array.from({ length: N }, () => () => call('POST', `/v1/runs/${runId}/step`))));
      expect(await settle(runId)).toMatchObject({ status: 'interrupted', paused: { next: ['writer'] } });
      const mixed = await race(
        Array.from(
          { length: N },
          (_, i) => () => call('POST', `/v1/runs/${runId}/${i % 2 === 0 ? 'step' : 'continue'}`),
        ),
      );
      expectOneWinner(mixed);
      await settle(runId);
      const other = await pausedRun(workflowId);
      expectOneWinner(await race(Array.from({ length: N }, () => () => call('POST', `/v1/runs/${other}/continue`))));
      expect(await settle(other)).toMatchObject({ status: 'interrupted', paused: { next: ['writer'] } });
      expectOneWinner(await race(Array.from({ length: N }, () => () => call('POST', `/v1/runs/${other}/continue`))));
      expect((await settle(other)).status).toBe('completed');
      await expectCleanTrace(other);
    });

    it('cancel × N on a paused run: one accepted; cancel racing resume ends with exactly one final event', async () => {
      const workflowId = await create('sequential-pipeline');
      const runId = await pausedRun(workflowId);
      expectOneWinner(await race(Array.from({ length: N }, () => () => call('POST', `/v1/runs/${runId}/cancel`, {}))));
      expect((await settle(runId)).status).toBe('cancelled');
      await expectCleanTrace(runId);
      // The loser of each step is refused; cancel after a winning step is a cancel of the running run.
      expect((await call('POST', `/v1/runs/${runId}/step`)).status).toBe(409);

      const approval = await create('human-approval');
      for (let i = 0; i < 4; i++) {
        const id = (await call('POST', '/v1/runs', { workflowId: approval, input: {} })).body.runId as string;
        expect((await settle(id)).status).toBe('interrupted');
        const statuses = await race([
          () => call('POST', `/v1/runs/${id}/cancel`, {}),
          () => call('POST', `/v1/runs/${id}/resume`, { value: { action: 'approve' } }),
          () => call('POST', `/v1/runs/${id}/cancel`, {}),
          () => call('POST', `/v1/runs/${id}/resume`, { value: { action: 'approve' } }),
        ]);
        expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
        expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
        const final = await settle(id);
        expect(['cancelled', 'completed']).toContain(final.status);
        const list = await expectCleanTrace(id);
        expect(list.at(-1)?.type).toBe(final.status === 'cancelled' ? 'run.cancelled' : 'run.completed');
      }
    });

    it('start × N on one thread and rerun × N from one node: one accepted, the rest 409', async () => {
      const workflowId = await create('sequential-pipeline');
      const first = (await call('POST', '/v1/runs', { workflowId, input: { topic: 'tides' } })).body;
      await settle(first.runId as string);
      const threadId = first.threadId as string;
      const starts = await Promise.all(
        Array.from({ length: N }, () => call('POST', '/v1/runs', { workflowId, threadId, input: { topic: 'x' } })),
      );
      expectOneWinner(starts.map((s) => s.status));
      const winner = starts.find((s) => s.status === 202)?.body.runId as string;
      await settle(winner);
      await expectCleanTrace(winner);
      const reruns = await Promise.all(
        Array.from({ length: N }, () => call('POST', `/v1/threads/${threadId}/rerun`, { nodeId: 'writer' })),
      );
      expectOneWinner(reruns.map((s) => s.status));
      const rerun = reruns.find((s) => s.status === 202)?.body.runId as string;
      expect((await settle(rerun)).status).toBe('completed');
      await expectCleanTrace(rerun);
    });
  });
}
