import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EncryptedSecretStore, SecretCipher, createKeyring, parseSecretKey } from '../../secrets/index.js';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { createRunEventsRepo } from './run-events-repo.js';
import { createRunsRepo } from './runs-repo.js';
import { createSecretsRepo } from './secrets-repo.js';
import { createThreadsRepo } from './threads-repo.js';
import { createUsageRepo, startOfUtcDay } from './usage-repo.js';
import { createWorkflowsRepo } from './workflows-repo.js';

const call = (
  nodeId: string,
  model: string | null,
  input: number,
  output: number,
  costUsd: number | null,
  ts: Date,
  cached?: number,
) => ({
  type: 'node.progress',
  nodeId,
  ts,
  payload: {
    nodeId,
    step: 1,
    kind: 'model_call',
    data: { model, input, output, costUsd, ...(cached ? { cached } : {}) },
  },
});

for (const kind of BACKENDS) {
  describe(`usage and secrets repos on ${kind}`, () => {
    const store = useTestDatabase(kind);

    async function newRun(workflowId?: string): Promise<{ workflowId: string; threadId: string; runId: string }> {
      const id =
        workflowId ??
        (await createWorkflowsRepo(store.db).create({ name: 'usage', document: {}, valid: true })).workflow.id;
      const thread = await createThreadsRepo(store.db).create({ workflowId: id });
      const run = await createRunsRepo(store.db).create({
        threadId: thread.id,
        workflowId: id,
        workflowVersion: 1,
        status: 'running',
      });
      return { workflowId: id, threadId: thread.id, runId: run.id };
    }

    it('sums model calls from the stored trace by day, workflow, run, node and model', async () => {
      const events = createRunEventsRepo(store.db);
      const usage = createUsageRepo(store.db);
      const a = await newRun();
      const b = await newRun(a.workflowId);
      const day1 = new Date('2031-05-01T10:00:00Z');
      const day2 = new Date('2031-05-02T23:59:00Z');
      await events.append(a.runId, { type: 'node.started', nodeId: 'ask', payload: { step: 1 } });
      await events.append(a.runId, call('ask', 'openai:gpt-4o-mini', 1000, 200, 0.00027, day1, 400));
      await events.append(a.runId, call('ask', 'anthropic:claude-sonnet-4-5', 100, 10, 0.00045, day1));
      await events.append(a.runId, {
        type: 'node.progress',
        nodeId: 'ask',
        payload: { nodeId: 'ask', step: 1, kind: 'tool_call', data: { input: 99 } },
      });
      await events.append(b.runId, call('write', 'vllm:llama', 50, 5, null, day2));

      const total = await usage.query({ workflowId: a.workflowId });
      expect(total).toEqual([
        { calls: 3, input: 1150, output: 215, cached: 400, cacheWrite: 0, costUsd: 0.00072, unpricedCalls: 1 },
      ]);

      const byNode = await usage.query({ workflowId: a.workflowId, groupBy: ['node'] });
      expect(byNode.map((r) => [r.nodeId, r.calls, r.costUsd])).toEqual([
        ['ask', 2, 0.00072],
        ['write', 1, 0],
      ]);
      const byDay = await usage.query({ workflowId: a.workflowId, groupBy: ['day', 'model'] });
      expect(byDay.map((r) => [r.day, r.model, r.input])).toEqual([
        ['2031-05-01', 'anthropic:claude-sonnet-4-5', 100],
        ['2031-05-01', 'openai:gpt-4o-mini', 1000],
        ['2031-05-02', 'vllm:llama', 50],
      ]);
      const byRun = await usage.query({ workflowId: a.workflowId, groupBy: ['workflow', 'run'] });
      expect(byRun).toEqual([
        expect.objectContaining({ workflowId: a.workflowId, runId: a.runId, calls: 2 }),
        expect.objectContaining({ workflowId: a.workflowId, runId: b.runId, calls: 1, unpricedCalls: 1 }),
      ]);
      expect(
        await usage.query({
          workflowId: a.workflowId,
          from: new Date('2031-05-02T00:00:00Z'),
          to: new Date('2031-05-03T00:00:00Z'),
        }),
      ).toEqual([expect.objectContaining({ calls: 1, input: 50 })]);
      expect(await usage.query({ runId: a.runId, nodeId: 'nope' })).toEqual([
        expect.objectContaining({ calls: 0, costUsd: 0 }),
      ]);

      // Budget baselines: what the active run of a thread already used, and a workflow's spend since a time.
      expect(await usage.runUsage(a.threadId)).toEqual({ runId: a.runId, tokens: 1310, costUsd: 0.00072 });
      expect(await usage.runUsage(`none-${randomUUID()}`)).toEqual({ tokens: 0, costUsd: 0 });
      expect(await usage.workflowCostSince(a.workflowId, { since: new Date('2031-05-01T00:00:00Z') })).toBe(0.00072);
      expect(
        await usage.workflowCostSince(a.workflowId, { since: new Date('2031-05-01T00:00:00Z'), excludeRunId: a.runId }),
      ).toBe(0);
      expect(startOfUtcDay(day2).toISOString()).toBe('2031-05-02T00:00:00.000Z');
    });

    it('keeps secrets encrypted in the secrets table; values never appear in a row', async () => {
      const rows = createSecretsRepo(store.db);
      const key = parseSecretKey('a'.repeat(64));
      const secrets = new EncryptedSecretStore(rows, new SecretCipher(createKeyring(key)));
      const name = `KEY_${randomUUID().replace(/-/g, '_')}`;
      await secrets.set(name, 'sk-test-value-123456');
      const row = await rows.get(name);
      expect(row?.keyId).toBe(key.id);
      expect(row?.ciphertext).not.toContain('sk-test-value');
      expect(await secrets.get(name)).toBe('sk-test-value-123456');
      const created = row?.createdAt;
      await secrets.set(name, 'sk-second-value-789');
      expect(await secrets.get(name)).toBe('sk-second-value-789');
      expect((await rows.get(name))?.createdAt).toEqual(created);
      expect((await secrets.list()).filter((s) => s.name === name)).toEqual([
        expect.objectContaining({ name, keyId: key.id }),
      ]);
      expect(JSON.stringify(await secrets.list())).not.toContain('sk-');
      expect(await secrets.delete(name)).toBe(true);
      expect(await secrets.delete(name)).toBe(false);
      expect(await secrets.get(name)).toBeUndefined();
    });
  });
}
