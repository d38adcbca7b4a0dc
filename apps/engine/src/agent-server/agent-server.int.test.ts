import { Client } from '@langchain/langgraph-sdk';
import type { Checkpoint } from '@langchain/langgraph-sdk';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { startTestEngine } from '../testing/agent-server-engine.js';
import type { TestEngine } from '../testing/agent-server-engine.js';

const KEY = 'agent-server-key-0123456789';
const EXAMPLE_IDS = [
  'agent-with-tools',
  'debate',
  'ensemble',
  'error-handling',
  'hierarchical',
  'human-approval',
  'map-reduce',
  'parallel-fan-out',
  'plan-and-execute',
  'reflection',
  'router-intent',
  'sequential-pipeline',
  'supervisor',
  'swarm-handoff',
];

interface Part {
  event: string;
  data: unknown;
  id?: string | undefined;
}

async function collect(stream: AsyncIterable<Part>): Promise<Part[]> {
  const out: Part[] = [];
  for await (const part of stream) out.push({ event: part.event, data: part.data, id: part.id });
  return out;
}

const endOutputs = async (engine: TestEngine, workflowId: string): Promise<string[]> => {
  const w = await engine.wired.deps.workflows.get(workflowId);
  const end = ((w?.document['nodes'] ?? []) as { type: string; config: { outputs?: string[] } }[]).find(
    (n) => n.type === 'end',
  );
  return end?.config.outputs ?? [];
};

for (const kind of BACKENDS) {
  describe(`LangGraph Agent Server API through the official SDK (${kind})`, () => {
    const database = useTestDatabase(kind);
    let engine: TestEngine;
    let client: Client;

    beforeAll(async () => {
      engine = await startTestEngine(database.db, KEY);
      client = new Client({ apiUrl: engine.url, apiKey: KEY, callerOptions: { maxRetries: 0 } });
    }, 120_000);
    afterAll(async () => {
      await engine?.stop();
    });

    const v1Run = async (runId: string) => {
      const res = await fetch(`${engine.url}/v1/runs/${runId}`, { headers: { authorization: `Bearer ${KEY}` } });
      return (await res.json()) as { status: string; output: Record<string, unknown> | null; threadId: string };
    };

    it('needs the API key (x-api-key or Bearer) on the root API; /ok stays public', async () => {
      expect((await fetch(`${engine.url}/assistants/search`, { method: 'POST', body: '{}' })).status).toBe(401);
      const bearer = await fetch(`${engine.url}/assistants/search`, {
        method: 'POST',
        body: '{}',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      });
      expect(bearer.status).toBe(200);
      expect((await fetch(`${engine.url}/ok`)).status).toBe(200);
      await expect(
        new Client({ apiUrl: engine.url, apiKey: 'wrong', callerOptions: { maxRetries: 0 } }).assistants.search(),
      ).rejects.toMatchObject({ status: 401 });
    });

    it('assistants.search lists the examples; graph and schemas come from the document', async () => {
      const assistants = await client.assistants.search({ limit: 100 });
      expect(assistants.map((a) => a.assistant_id)).toEqual(expect.arrayContaining(EXAMPLE_IDS));
      const pipeline = assistants.find((a) => a.assistant_id === 'sequential-pipeline');
      expect(pipeline).toMatchObject({ graph_id: 'sequential-pipeline', name: expect.any(String), version: 1 });
      expect((await client.assistants.search({ graphId: 'debate' })).map((a) => a.assistant_id)).toEqual(['debate']);
      expect(await client.assistants.search({ metadata: { valid: false } })).toEqual([]);
      expect((await client.assistants.search({ metadata: { valid: true }, limit: 100 })).length).toBe(
        assistants.length,
      );
      const graph = await client.assistants.getGraph('sequential-pipeline');
      expect(graph.nodes.map((n) => n.id)).toEqual(['start', 'researcher', 'outliner', 'writer', 'end']);
      expect(graph.edges.map((e) => [e.source, e.target])).toContainEqual(['outliner', 'writer']);
      const schemas = await client.assistants.getSchemas('sequential-pipeline');
      expect(schemas.input_schema).toMatchObject({
        type: 'object',
        required: ['topic'],
        properties: { topic: { type: 'string' } },
      });
      expect(Object.keys((schemas.output_schema as { properties: object }).properties)).toEqual(['outline', 'draft']);
      await expect(client.assistants.get('no-such-workflow')).rejects.toMatchObject({ status: 404 });
    });

    it('runs.wait on each of the 14 examples returns the values of its end node', { timeout: 300_000 }, async () => {
      for (const id of EXAMPLE_IDS) {
        const thread = await client.threads.create({ metadata: { example: id } });
        const values = (await client.runs.wait(thread.thread_id, id, { input: engine.inputs[id] })) as Record<
          string,
          unknown
        >;
        const [run] = await client.runs.list(thread.thread_id);
        const stored = await v1Run(run?.run_id ?? '');
        if (id === 'human-approval') {
          expect(stored.status).toBe('interrupted');
          expect(values['__interrupt__']).toEqual([expect.objectContaining({ value: expect.anything() })]);
          continue;
        }
        expect(stored.status, id).toBe('completed');
        const outputs = await endOutputs(engine, id);
        expect(outputs.length).toBeGreaterThan(0);
        for (const channel of outputs) expect(values[channel], `${id}.${channel}`).toEqual(stored.output?.[channel]);
        expect((await client.threads.get(thread.thread_id)).status).toBe('idle');
      }
    });

    it('runs.stream: metadata first, then every requested mode in order; messages-tuple carries the scripted tokens', async () => {
      const thread = await client.threads.create();
      const parts = await collect(
        client.runs.stream(thread.thread_id, 'sequential-pipeline', {
          input: { topic: 'tides' },
          streamMode: ['values', 'updates', 'messages-tuple', 'debug', 'tasks', 'checkpoints', 'events', 'custom'],
        }),
      );
      expect(parts[0]).toMatchObject({ event: 'metadata', data: { run_id: expect.any(String), attempt: 1 } });
      const names = new Set(parts.map((p) => p.event));
      for (const mode of ['values', 'updates', 'messages', 'debug', 'tasks', 'checkpoints', 'events'])
        expect(names, mode).toContain(mode);
      const updates = parts.filter((p) => p.event === 'updates').map((p) => Object.keys(p.data as object)[0]);
      expect(updates).toEqual(['start', 'researcher', 'outliner', 'writer', 'end']);
      const lastValues = parts.filter((p) => p.event === 'values').at(-1)?.data as Record<string, unknown>;
      const state = await client.threads.getState(thread.thread_id);
      expect(lastValues).toEqual(state.values);
      // The writer's streamed tokens add up to its draft.
      const writerTokens = parts
        .filter((p) => p.event === 'messages')
        .map((p) => p.data as [{ content: string; type: string }, { langgraph_node: string }])
        .filter(([, meta]) => meta.langgraph_node === 'writer');
      expect(writerTokens.length).toBeGreaterThanOrEqual(1);
      expect(writerTokens[0]?.[0].type).toBe('AIMessageChunk');
      expect(writerTokens.map(([chunk]) => chunk.content).join('')).toBe(lastValues['draft']);
      const debugTypes = parts.filter((p) => p.event === 'debug').map((p) => (p.data as { type: string }).type);
      expect(debugTypes).toEqual(expect.arrayContaining(['checkpoint', 'task', 'task_result']));
      const checkpoint = parts.find((p) => p.event === 'checkpoints')?.data as {
        config: { configurable: { checkpoint_id: string } };
        parent_config: unknown;
      };
      expect(checkpoint.config.configurable.checkpoint_id).toEqual(expect.any(String));
      // Every event after metadata has an id for Last-Event-ID, increasing.
      const ids = parts.slice(1).map((p) => p.id);
      expect(ids.every((id) => typeof id === 'string' && /^\d+-\d+$/.test(id))).toBe(true);
    });

    it('human approval: stream to the interrupt, the thread is interrupted, command.resume finishes it', async () => {
      const thread = await client.threads.create();
      const first = await collect(
        client.runs.stream(thread.thread_id, 'human-approval', {
          input: { topic: 'exports' },
          streamMode: ['updates', 'values'],
        }),
      );
      const interrupt = first.find((p) => p.event === 'updates' && '__interrupt__' in (p.data as object));
      expect(interrupt?.data).toEqual({ __interrupt__: [{ id: expect.any(String), value: expect.anything() }] });
      const t = await client.threads.get(thread.thread_id);
      expect(t.status).toBe('interrupted');
      expect(Object.values(t.interrupts).flat()).toHaveLength(1);
      const state = await client.threads.getState(thread.thread_id);
      expect(state.next).toEqual(['review']);
      expect(state.tasks[0]?.interrupts).toHaveLength(1);

      const rest = await collect(
        client.runs.stream(thread.thread_id, 'human-approval', {
          command: { resume: { action: 'approve' } },
          streamMode: ['updates', 'values'],
        }),
      );
      expect(rest[0]?.event).toBe('metadata');
      expect(rest.filter((p) => p.event === 'updates').map((p) => Object.keys(p.data as object)[0])).toContain(
        'review',
      );
      const final = rest.filter((p) => p.event === 'values').at(-1)?.data as Record<string, unknown>;
      expect(final['decision']).toMatchObject({ action: 'approve' });
      expect((await client.threads.get(thread.thread_id)).status).toBe('idle');
    });

    it('time travel: history → updateState(asNode) → stream from that checkpoint → the fork in history', async () => {
      const thread = await client.threads.create();
      await client.runs.wait(thread.thread_id, 'sequential-pipeline', { input: { topic: 'tides' } });
      const history = await client.threads.getHistory(thread.thread_id, { limit: 50 });
      expect(history.length).toBeGreaterThan(3);
      expect(history[0]?.next).toEqual([]);
      for (const [i, s] of history.slice(0, -1).entries())
        expect(s.parent_checkpoint?.checkpoint_id).toBe(history[i + 1]?.checkpoint.checkpoint_id);
      expect(history[0]?.metadata).toMatchObject({ source: 'loop', step: expect.any(Number) });
      // The checkpoint where the writer runs next: edit the outline as the outliner.
      const beforeWriter = history.find((s) => s.next.includes('writer'));
      expect(beforeWriter).toBeDefined();
      const paged = await client.threads.getHistory(thread.thread_id, {
        limit: 2,
        before: { configurable: history[0]?.checkpoint as Checkpoint },
      });
      expect(paged.map((s) => s.checkpoint.checkpoint_id)).toEqual(
        history.slice(1, 3).map((s) => s.checkpoint.checkpoint_id),
      );
      const byStep = await client.threads.getHistory(thread.thread_id, { limit: 50, metadata: { step: 1 } });
      expect(byStep.map((s) => s.metadata?.['step'])).toEqual([1]);
      const viaGet = (await (
        await fetch(
          `${engine.url}/threads/${thread.thread_id}/history?limit=2&before=${history[0]?.checkpoint.checkpoint_id}`,
          {
            headers: { 'x-api-key': KEY },
          },
        )
      ).json()) as { checkpoint: Checkpoint }[];
      expect(viaGet.map((s) => s.checkpoint.checkpoint_id)).toEqual(paged.map((s) => s.checkpoint.checkpoint_id));

      const edited = { title: 'Edited', sections: ['One'] };
      const update = await client.threads.updateState(thread.thread_id, {
        values: { outline: edited },
        asNode: 'outliner',
        checkpointId: beforeWriter?.checkpoint.checkpoint_id as string,
      });
      const forkId = (update as unknown as { checkpoint: Checkpoint }).checkpoint.checkpoint_id as string;
      expect(update.configurable?.checkpoint_id).toBe(forkId);
      const atFork = await client.threads.getState(thread.thread_id, forkId);
      expect((atFork.values as Record<string, unknown>)['outline']).toEqual(edited);
      expect(atFork.parent_checkpoint?.checkpoint_id).toBe(beforeWriter?.checkpoint.checkpoint_id);
      expect(atFork.next).toEqual(['writer']);

      const parts = await collect(
        client.runs.stream(thread.thread_id, 'sequential-pipeline', {
          input: null,
          checkpointId: forkId,
          streamMode: ['updates'],
        }),
      );
      expect(parts.filter((p) => p.event === 'updates').map((p) => Object.keys(p.data as object)[0])).toEqual([
        'writer',
        'end',
      ]);
      const after = await client.threads.getHistory(thread.thread_id, { limit: 100 });
      expect(((after[0]?.values ?? {}) as Record<string, unknown>)['outline']).toEqual(edited);
      const chain: string[] = [];
      let at: string | undefined = after[0]?.checkpoint.checkpoint_id ?? undefined;
      while (at) {
        chain.push(at);
        at = after.find((s) => s.checkpoint.checkpoint_id === at)?.parent_checkpoint?.checkpoint_id ?? undefined;
      }
      expect(chain).toContain(forkId);
      expect(chain).toContain(beforeWriter?.checkpoint.checkpoint_id);
      // The original branch is still there.
      expect(after.map((s) => s.checkpoint.checkpoint_id)).toContain(history[0]?.checkpoint.checkpoint_id);
    });

    it('joinStream after a dropped connection with Last-Event-ID gets exactly the rest', async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, 'slow-pipeline', { input: { topic: 'tides' } });
      const modes = ['updates', 'messages-tuple'] as const;
      const head: Part[] = [];
      const abort = new AbortController();
      for await (const part of client.runs.joinStream(thread.thread_id, run.run_id, {
        streamMode: [...modes],
        signal: abort.signal,
      })) {
        head.push({ event: part.event, data: part.data, id: part.id });
        if (head.filter((p) => p.id !== undefined).length >= 4) break;
      }
      abort.abort();
      const lastId = head.filter((p) => p.id !== undefined).at(-1)?.id as string;
      const rest = await collect(
        client.runs.joinStream(thread.thread_id, run.run_id, { streamMode: [...modes], lastEventId: lastId }),
      );
      const full = await collect(client.runs.joinStream(thread.thread_id, run.run_id, { streamMode: [...modes] }));
      const withId = (list: Part[]) => list.filter((p) => p.id !== undefined);
      expect([...withId(head), ...withId(rest)]).toEqual(withId(full));
      expect(rest[0]?.id).not.toBe(lastId);
      expect(
        withId(full)
          .filter((p) => p.event === 'updates')
          .map((p) => Object.keys(p.data as object)[0]),
      ).toEqual(['start', 'researcher', 'outliner', 'writer', 'end']);
      const joined = (await client.runs.join(thread.thread_id, run.run_id)) as Record<string, unknown>;
      expect(joined['draft']).toEqual(expect.any(String));
    });

    it('multitask_strategy reject on a busy thread → 409; cancel stops the run', async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, 'slow-pipeline', { input: { topic: 'tides' } });
      expect(['pending', 'running']).toContain(run.status);
      expect((await client.threads.get(thread.thread_id)).status).toBe('busy');
      await expect(
        client.runs.create(thread.thread_id, 'slow-pipeline', { input: { topic: 'x' }, multitaskStrategy: 'reject' }),
      ).rejects.toMatchObject({ status: 409 });
      await client.runs.cancel(thread.thread_id, run.run_id, true);
      expect((await v1Run(run.run_id)).status).toBe('cancelled');
      expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe('interrupted');
      // interrupt: the next run cancels the active one and starts.
      const busy = await client.runs.create(thread.thread_id, 'slow-pipeline', { input: { topic: 'y' } });
      const next = await client.runs.create(thread.thread_id, 'sequential-pipeline', {
        input: { topic: 'z' },
        multitaskStrategy: 'interrupt',
      });
      expect((await v1Run(busy.run_id)).status).toBe('cancelled');
      await client.runs.join(thread.thread_id, next.run_id);
      expect((await v1Run(next.run_id)).status).toBe('completed');
    });

    it('threads: client-chosen id, if_exists, search by metadata and status, stateless runs', async () => {
      const id = `t-${Date.now()}`;
      const created = await client.threads.create({ threadId: id, metadata: { owner: 'ada' } });
      expect(created).toMatchObject({ thread_id: id, status: 'idle', metadata: { owner: 'ada' } });
      await expect(client.threads.create({ threadId: id })).rejects.toMatchObject({ status: 409 });
      expect((await client.threads.create({ threadId: id, ifExists: 'do_nothing' })).thread_id).toBe(id);
      const found = await client.threads.search({ metadata: { owner: 'ada' } });
      expect(found.map((t) => t.thread_id)).toEqual([id]);
      const fresh = `t-new-${Date.now()}`;
      await client.runs.wait(fresh, 'sequential-pipeline', { input: { topic: 'tides' }, ifNotExists: 'create' });
      expect((await client.threads.get(fresh)).values).toMatchObject({ draft: expect.any(String) });
      const byGraph = await client.threads.search({ metadata: { graph_id: 'sequential-pipeline' }, limit: 100 });
      expect(byGraph.map((t) => t.thread_id)).toContain(fresh);
      expect(byGraph.map((t) => t.thread_id)).not.toContain(id);
      const stateless = (await client.runs.wait(null, 'sequential-pipeline', { input: { topic: 'tides' } })) as Record<
        string,
        unknown
      >;
      expect(stateless['draft']).toEqual(expect.any(String));
      await expect(client.runs.wait('missing-thread', 'sequential-pipeline', { input: {} })).rejects.toMatchObject({
        status: 404,
      });
    });

    it('MCP: the SDK client lists the workflows as tools and calls sequential-pipeline', async () => {
      const mcp = new McpClient({ name: 'test', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(`${engine.url}/mcp`), {
        requestInit: { headers: { 'x-api-key': KEY } },
      });
      await mcp.connect(transport);
      try {
        const { tools } = await mcp.listTools();
        expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(EXAMPLE_IDS));
        const tool = tools.find((t) => t.name === 'sequential-pipeline');
        expect(tool?.inputSchema).toMatchObject({ type: 'object', required: ['topic'] });
        const progress: number[] = [];
        const result = await mcp.callTool({ name: 'sequential-pipeline', arguments: { topic: 'tides' } }, undefined, {
          onprogress: (p) => progress.push(p.progress),
        });
        expect(result.isError).toBeFalsy();
        const out = result.structuredContent as { draft: string; outline: unknown };
        expect(out.draft).toMatch(/^Why the Sea Breathes/);
        expect(progress.length).toBeGreaterThanOrEqual(3);
        const human = await mcp.callTool({ name: 'human-approval', arguments: { topic: 'x' } });
        expect(JSON.stringify(human.content)).toMatch(/waiting for a human answer/);
      } finally {
        await mcp.close();
      }
      const unauthorized = await fetch(`${engine.url}/mcp`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(unauthorized.status).toBe(401);
    });
  });
}
