import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { TraceEvent } from '@flowcraft/schema';
import { MemoryRunPorts } from './memory-ports.js';
import { RunService } from './run-service.js';

const example = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../examples/${name}.json`, import.meta.url), 'utf8'));
const registry = createBuiltinRegistry();

function setup() {
  const ports = new MemoryRunPorts();
  const published: TraceEvent[] = [];
  const service = new RunService(ports, registry, { env: {}, publish: (e) => published.push(e) });
  return { ports, service, published };
}

/** A workflow whose single llm node waits `delayMs` on the model. */
function slow(delayMs: number, nodes = 1) {
  const ids = Array.from({ length: nodes }, (_, i) => `step${i}`);
  return {
    id: 'slow',
    name: 'Slow',
    state: { input: { type: 'string', default: 'x' }, out: { type: 'list', reducer: 'append' } },
    nodes: [
      { id: 'start', type: 'start', config: { inputs: [{ channel: 'input' }] } },
      ...ids.map((id) => ({ id, type: 'llm', config: { model: 'scripted:m', prompt: id, output: 'out' } })),
      { id: 'end', type: 'end', config: {} },
    ],
    edges: ['start', ...ids, 'end']
      .slice(1)
      .map((id, i, all) => ({ id: `e${i}`, source: i === 0 ? 'start' : (all[i - 1] ?? ''), target: id })),
    script: { default: { content: 'done', delayMs } },
  };
}

function seqs(events: TraceEvent[] | undefined): number[] {
  return (events ?? []).map((e) => e.seq);
}

describe('RunService', () => {
  it('runs in the background and stores every event with a contiguous seq before publishing it', async () => {
    const { ports, service, published } = setup();
    ports.addWorkflow(example('sequential-pipeline'));
    const { runId, threadId } = await service.start({ workflowId: 'sequential-pipeline', input: { topic: 'tides' } });
    expect(threadId).toBeTruthy();
    await service.settled(runId);
    const run = await ports.getRun(runId);
    expect(run).toMatchObject({ status: 'completed', workflowVersion: 1, tokens: { input: 250, output: 149 } });
    const events = ports.events.get(runId) ?? [];
    expect(seqs(events)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('run.started');
    expect(events.at(-1)?.type).toBe('run.completed');
    expect(
      events.filter((e) => e.type === 'node.finished').map((e) => (e.type === 'node.finished' ? e.nodeId : '')),
    ).toEqual(['start', 'researcher', 'outliner', 'writer', 'end']);
    expect(published).toEqual(events);
  });

  it("stores a reply streamed at a provider's pace in a few token events, the text whole and in order", async () => {
    const { ports, service, published } = setup();
    const words = Array.from({ length: 24 }, (_, i) => `word${i} `).join('');
    ports.addWorkflow({ ...slow(0), script: { streamIntervalMs: 10, default: { content: words.trim() } } });
    const { runId } = await service.start({ workflowId: 'slow', input: { input: 'go' } });
    await service.settled(runId);
    const events = ports.events.get(runId) ?? [];
    const tokens = events.flatMap((e) => (e.type === 'model.token' ? [e.text] : []));
    expect(tokens.join('')).toBe(words.trim());
    // 24 words over ≥ 230 ms, stored at most once per 50 ms: a handful of events, not one per word.
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(tokens.length).toBeLessThanOrEqual(12);
    expect(seqs(events)).toEqual(events.map((_, i) => i + 1));
    expect(published).toEqual(events);
  });

  it('pauses at a human node and resumes the same run; a stale or repeated answer is a conflict', async () => {
    const { ports, service } = setup();
    ports.addWorkflow(example('human-approval'));
    const { runId } = await service.start({ workflowId: 'human-approval', input: {} });
    await service.settled(runId);
    const paused = await ports.getRun(runId);
    expect(paused.status).toBe('interrupted');
    const id = paused.interrupts?.[0]?.id ?? '';
    await expect(service.resume(runId, { byId: { 'not-an-interrupt': { action: 'approve' } } })).rejects.toMatchObject({
      code: 'conflict',
    });
    await service.resume(runId, { byId: { [id]: { action: 'approve' } } });
    await service.settled(runId);
    expect((await ports.getRun(runId)).status).toBe('completed');
    await expect(service.resume(runId, { value: { action: 'approve' } })).rejects.toMatchObject({ code: 'conflict' });
    const events = ports.events.get(runId) ?? [];
    expect(seqs(events)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toContain('run.interrupted');
  });

  it('cancels a run in flight: the abort reaches the model call and the run ends cancelled', async () => {
    const { ports, service } = setup();
    ports.addWorkflow(slow(5_000));
    const t0 = Date.now();
    const { runId } = await service.start({ workflowId: 'slow' });
    await new Promise((r) => setTimeout(r, 100));
    await service.cancel(runId);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect((await ports.getRun(runId)).status).toBe('cancelled');
    expect(ports.events.get(runId)?.at(-1)?.type).toBe('run.cancelled');
  });

  it('refuses a second active run on the same thread', async () => {
    const { ports, service } = setup();
    ports.addWorkflow(slow(300));
    const { runId, threadId } = await service.start({ workflowId: 'slow' });
    await expect(service.start({ workflowId: 'slow', threadId })).rejects.toMatchObject({ code: 'conflict' });
    await service.settled(runId);
  });

  it('refuses to run an invalid document with every problem', async () => {
    const { ports, service } = setup();
    ports.addWorkflow({ id: 'bad', name: 'bad', nodes: [{ id: 'start', type: 'start' }], edges: [] });
    await expect(service.start({ workflowId: 'bad' })).rejects.toMatchObject({
      code: 'invalid_document',
      problems: [expect.objectContaining({ code: 'missing_end' })],
    });
  });

  it('after a crash, continues the run from its last checkpoint with no lost or duplicated events', async () => {
    const { ports } = setup();
    ports.addWorkflow(slow(150, 4));
    // The first engine "dies" as step2 starts (step1's checkpoint is saved): from then on nothing it does is persisted.
    let dead = false;
    const crashing = Object.create(ports) as MemoryRunPorts;
    crashing.appendEvents = async (events) => {
      for (const e of events) {
        if (!dead) await ports.appendEvents([e]);
        if (e.type === 'node.started' && e.nodeId === 'step2') dead = true;
      }
    };
    crashing.transition = async (id, expect, change) => (dead ? undefined : ports.transition(id, expect, change));
    crashing.addUsage = async (id, tokens) => {
      if (!dead) await ports.addUsage(id, tokens);
    };
    const realPut = ports.checkpointer.put.bind(ports.checkpointer);
    const realWrites = ports.checkpointer.putWrites.bind(ports.checkpointer);
    const saver = Object.create(ports.checkpointer) as typeof ports.checkpointer;
    saver.put = async (...args) => (dead ? args[0] : realPut(...args));
    saver.putWrites = async (...args) => (dead ? undefined : realWrites(...args));
    crashing.checkpointer = saver;
    const first = new RunService(crashing, registry, { env: {} });
    const { runId } = await first.start({ workflowId: 'slow' });
    await first.settled(runId);
    expect((await ports.getRun(runId)).status).toBe('running');
    const before = ports.events.get(runId)?.length ?? 0;

    const second = new RunService(ports, registry, { env: {} });
    const recovered = await second.recover();
    expect(recovered.resumed).toEqual([runId]);
    await second.settled(runId);
    const run = await ports.getRun(runId);
    expect(run.status).toBe('completed');
    expect(run.output).toMatchObject({ out: ['done', 'done', 'done', 'done'] });
    const events = ports.events.get(runId) ?? [];
    expect(events.length).toBeGreaterThan(before);
    expect(seqs(events)).toEqual(events.map((_, i) => i + 1));
    const finished = events
      .filter((e) => e.type === 'node.finished')
      .map((e) => (e.type === 'node.finished' ? e.nodeId : ''));
    // step0 and step1 ran before the crash and are not run again; step2 (in flight) starts again, the rest run once.
    expect(finished).toEqual(['start', 'step0', 'step1', 'step2', 'step3', 'end']);
    expect(events.filter((e) => e.type === 'node.started' && e.nodeId === 'step2')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'run.started')).toHaveLength(1);
  });
});

/**
 * `ports` whose first final transition to `completed` loses its connection: before it is applied, or
 * (`landed`) after it was applied and before its reply arrived.
 */
function cutFinalTransition(ports: MemoryRunPorts, landed: boolean) {
  let cut = false;
  const broken = Object.create(ports) as MemoryRunPorts;
  broken.transition = async (runId, expect, change) => {
    const first = change.status === 'completed' && !cut;
    if (first) cut = true;
    const moved = first && !landed ? undefined : await ports.transition(runId, expect, change);
    if (first) throw Object.assign(new Error('Connection closed'), { code: 'CONNECTION_CLOSED' });
    return moved;
  };
  return { broken, cut: () => cut };
}

describe('RunService guard', () => {
  it('a storage failure while a run finishes fails that run with its cause; nothing escapes the engine', async () => {
    const ports = new MemoryRunPorts();
    ports.addWorkflow(example('sequential-pipeline'));
    const escaped: unknown[] = [];
    const onEscape = (err: unknown) => escaped.push(err);
    process.on('unhandledRejection', onEscape);
    const logged: string[] = [];
    // Event storage breaks as the run completes: the final event cannot be written.
    const broken = Object.create(ports) as MemoryRunPorts;
    broken.appendEvents = async (events) => {
      if (events.some((e) => e.type === 'run.completed')) throw new Error('disk full');
      await ports.appendEvents(events);
    };
    const service = new RunService(broken, registry, { env: {}, logError: (m) => logged.push(m) });
    const { runId } = await service.start({ workflowId: 'sequential-pipeline', input: { topic: 'tides' } });
    await service.settled(runId);
    await new Promise((r) => setTimeout(r, 20));
    process.off('unhandledRejection', onEscape);
    expect(escaped).toEqual([]);
    // The completion was recorded on the row before its event failed; the guard logged the failure.
    expect((await ports.getRun(runId)).status).toBe('completed');
    expect(logged.some((m) => m.includes(runId))).toBe(true);
    // The engine still starts and finishes other runs.
    const healthy = new RunService(ports, registry, { env: {} });
    const next = await healthy.start({ workflowId: 'sequential-pipeline', input: { topic: 'x' } });
    await healthy.settled(next.runId);
    expect((await ports.getRun(next.runId)).status).toBe('completed');
  });

  it('a final transition that lost its connection hands the run back, and its model calls still count in its usage', async () => {
    const ports = new MemoryRunPorts();
    ports.addWorkflow(example('sequential-pipeline'));
    const { broken, cut } = cutFinalTransition(ports, false);
    const service = new RunService(broken, registry, { env: {}, logError: () => undefined });
    const { runId } = await service.start({ workflowId: 'sequential-pipeline', input: { topic: 'tides' } });
    await service.settled(runId);
    // Handed back (not failed) after the first retry delay, with the attempt's usage: one pass of the pipeline.
    for (const until = Date.now() + 5_000; Date.now() < until; ) {
      if ((await ports.getRun(runId)).recoveries > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 50));
    const run = await ports.getRun(runId);
    expect(cut()).toBe(true);
    expect(run).toMatchObject({ status: 'queued', recoveries: 1, tokens: { input: 250, output: 149 } });
  });

  it('a final transition that landed before its reply was lost is not counted twice', async () => {
    const ports = new MemoryRunPorts();
    ports.addWorkflow(example('sequential-pipeline'));
    const { broken, cut } = cutFinalTransition(ports, true);
    const logged: string[] = [];
    const service = new RunService(broken, registry, { env: {}, logError: (m) => logged.push(m) });
    const { runId } = await service.start({ workflowId: 'sequential-pipeline', input: { topic: 'tides' } });
    await service.settled(runId);
    // The hand-back finds the run completed (nothing to requeue) after its first retry delay.
    for (const until = Date.now() + 5_000; Date.now() < until && logged.length === 0; )
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 700));
    expect(cut()).toBe(true);
    expect(await ports.getRun(runId)).toMatchObject({
      status: 'completed',
      recoveries: 0,
      tokens: { input: 250, output: 149 },
    });
  });

  it('an error thrown by the execution itself fails the run with the cause and one final event', async () => {
    const ports = new MemoryRunPorts();
    ports.addWorkflow(example('sequential-pipeline'));
    const service = new RunService(ports, registry, {
      env: {},
      services: () => {
        throw new Error('services exploded');
      },
      logError: () => {},
    });
    const { runId } = await service.start({ workflowId: 'sequential-pipeline', input: {} });
    await service.settled(runId);
    const run = await ports.getRun(runId);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toContain('services exploded');
    const events = ports.events.get(runId) ?? [];
    expect(events.filter((e) => e.type === 'run.failed')).toHaveLength(1);
    expect(seqs(events)).toEqual(events.map((_, i) => i + 1));
  });
});

describe('RunService recovery', () => {
  it('a run that keeps dying with its engine is failed with the cause instead of resumed again', async () => {
    const ports = new MemoryRunPorts();
    ports.addWorkflow(example('sequential-pipeline'));
    const threadId = await ports.createThread('sequential-pipeline');
    const run = await ports.createRun({
      id: 'crash-loop',
      threadId,
      workflowId: 'sequential-pipeline',
      workflowVersion: 1,
      input: {},
      command: { kind: 'start' },
    });
    // Three engines died while the run was running; each restart re-queued it.
    for (let i = 0; i < 3; i++) {
      await ports.transition(run.id, { from: ['queued'] }, { status: 'running', claimBy: `engine-${i}` });
      await ports.transition(run.id, { from: ['running'] }, { status: 'queued', release: true, recovered: true });
    }
    await ports.transition(run.id, { from: ['queued'] }, { status: 'running', claimBy: 'engine-3' });
    const service = new RunService(ports, registry, { env: {} });
    const recovered = await service.recover();
    expect(recovered).toEqual({ resumed: [], failed: [run.id] });
    const failed = await ports.getRun(run.id);
    expect(failed).toMatchObject({ status: 'failed', recoveries: 4, error: { code: 'worker_lost' } });
    expect(failed.error?.message).toContain('not resumed again');
    expect((ports.events.get(run.id) ?? []).map((e) => e.type)).toEqual(['run.failed']);
  });
});
