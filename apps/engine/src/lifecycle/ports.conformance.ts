import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { TraceEvent } from '@flowcraft/schema';
import type { NewRun, RunPorts } from './ports.js';

/** A `RunPorts` under test and a way to give it a workflow version to run. */
export interface RunPortsSubject {
  ports: RunPorts;
  /** Stores a one-version workflow; returns its id. */
  addWorkflow(): Promise<string>;
}

const event = (runId: string, seq: number): TraceEvent => ({
  type: 'node.started',
  nodeId: 'n',
  step: 1,
  attempt: 1,
  runId,
  seq,
  ts: new Date().toISOString(),
});

/**
 * The contract every `RunPorts` implementation passes (memory and database alike), as LangGraph's
 * checkpointer validation does for savers. Call inside a `describe`.
 */
export function runPortsConformance(subject: () => RunPortsSubject): void {
  async function newRun(extra: Partial<NewRun> = {}) {
    const { ports, addWorkflow } = subject();
    const workflowId = await addWorkflow();
    const threadId = await ports.createThread(workflowId);
    const run = await ports.createRun({
      id: randomUUID(),
      threadId,
      workflowId,
      workflowVersion: 1,
      input: { topic: 'x' },
      command: { kind: 'start' },
      ...extra,
    });
    return { ports, run, workflowId, threadId };
  }

  it('creates queued runs with their command and breakpoints; an unknown run is not_found', async () => {
    const { ports, run } = await newRun({ breakpoints: { before: ['a'], after: [] } });
    expect(run).toMatchObject({
      status: 'queued',
      input: { topic: 'x' },
      command: { kind: 'start' },
      breakpoints: { before: ['a'], after: [] },
      interrupts: [],
      paused: null,
      revision: 0,
      attempt: 0,
      recoveries: 0,
      cancelRequested: false,
    });
    expect(await ports.getRun(run.id)).toMatchObject({ id: run.id, status: 'queued' });
    await expect(ports.getRun(`missing-${randomUUID()}`)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('claims a ready run in one transition; not one with a cancel asked or too many recoveries', async () => {
    const claim = { status: 'running' as const, claimBy: 'w-1' };
    const ready = await newRun();
    const claimed = await ready.ports.transition(ready.run.id, { from: ['queued'], claimableBelow: 3 }, claim);
    expect(claimed).toMatchObject({ status: 'running', attempt: 1 });

    const asked = await newRun();
    await asked.ports.transition(asked.run.id, { from: ['queued'] }, { cancelRequested: true });
    expect(await asked.ports.transition(asked.run.id, { from: ['queued'], claimableBelow: 3 }, claim)).toBeUndefined();

    const lost = await newRun();
    for (let i = 0; i < 3; i++) await lost.ports.transition(lost.run.id, { from: ['queued'] }, { recovered: true });
    expect(await lost.ports.transition(lost.run.id, { from: ['queued'], claimableBelow: 3 }, claim)).toBeUndefined();
    expect(await lost.ports.transition(lost.run.id, { from: ['queued'], claimableBelow: 4 }, claim)).toMatchObject({
      status: 'running',
    });
  });

  it('adds usage with a transition', async () => {
    const { ports, run } = await newRun();
    await ports.transition(run.id, { from: ['queued'] }, { status: 'running', claimBy: 'w' });
    const done = await ports.transition(
      run.id,
      { from: ['running'] },
      { status: 'completed', usage: { input: 7, output: 3, costUsd: 0.25 } },
    );
    expect(done?.tokens).toEqual({ input: 7, output: 3, costUsd: 0.25 });
    expect((await ports.getRun(run.id)).tokens).toEqual({ input: 7, output: 3, costUsd: 0.25 });
  });

  it('allows one active run per thread', async () => {
    const { ports, run, workflowId, threadId } = await newRun();
    const second = {
      id: randomUUID(),
      threadId,
      workflowId,
      workflowVersion: 1,
      input: {},
      command: { kind: 'start' },
    };
    await expect(ports.createRun(second as NewRun)).rejects.toMatchObject({ code: 'conflict' });
    await ports.transition(
      run.id,
      { from: ['queued'] },
      { status: 'interrupted', interrupts: [{ id: 'i', value: 1 }] },
    );
    const other = await ports.createRun(second as NewRun);
    // Re-activating the first run while the second holds the thread is a conflict.
    await expect(ports.transition(run.id, { from: ['interrupted'] }, { status: 'queued' })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await ports.getRun(run.id)).status).toBe('interrupted');
    await ports.transition(other.id, { from: ['queued'] }, { status: 'cancelled' });
    expect(await ports.transition(run.id, { from: ['interrupted'] }, { status: 'queued' })).toMatchObject({
      status: 'queued',
    });
  });

  it('transitions are compare-and-set on status, revision and attempt; each bumps the revision', async () => {
    const { ports, run } = await newRun();
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        ports.transition(run.id, { from: ['queued'], revision: 0 }, { status: 'running', claimBy: `p${i}` }),
      ),
    );
    const won = claims.filter((c) => c !== undefined);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ status: 'running', attempt: 1, revision: 1 });
    expect(await ports.transition(run.id, { from: ['queued'] }, { status: 'running' })).toBeUndefined();
    expect(await ports.transition(run.id, { from: ['running'], revision: 0 }, { status: 'failed' })).toBeUndefined();
    expect(await ports.transition(run.id, { from: ['running'], attempt: 2 }, { status: 'failed' })).toBeUndefined();
    const paused = await ports.transition(
      run.id,
      { from: ['running'], attempt: 1 },
      {
        status: 'interrupted',
        interrupts: [{ id: 'i1', nodeId: 'ask', value: { q: 1 } }],
        command: null,
        release: true,
      },
    );
    expect(paused).toMatchObject({ status: 'interrupted', interrupts: [{ id: 'i1', nodeId: 'ask' }], revision: 2 });
    const requeued = await ports.transition(
      run.id,
      { from: ['interrupted'], revision: 2 },
      { status: 'queued', command: { kind: 'resume', value: 'yes' }, interrupts: [], paused: null },
    );
    expect(requeued).toMatchObject({ status: 'queued', command: { kind: 'resume', value: 'yes' }, interrupts: [] });
    const recovered = await ports.transition(
      run.id,
      { from: ['queued'] },
      { status: 'running', claimBy: 'p', recovered: true },
    );
    expect(recovered).toMatchObject({ attempt: 2, recoveries: 1 });
    const failed = await ports.transition(
      run.id,
      { from: ['running'], attempt: 2 },
      { status: 'failed', error: { code: 'internal', message: 'boom' }, command: null, release: true },
    );
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'internal' }, command: null, revision: 5 });
    expect(await ports.getRun(run.id)).toMatchObject({ status: 'failed', revision: 5 });
  });

  it('keeps pause state only while interrupted', async () => {
    const { ports, run } = await newRun();
    await ports.transition(run.id, { from: ['queued'] }, { status: 'running', claimBy: 'p' });
    const paused = await ports.transition(
      run.id,
      { from: ['running'] },
      { status: 'interrupted', paused: { next: ['writer'], checkpointId: 'c1' } },
    );
    expect(paused).toMatchObject({ paused: { next: ['writer'], checkpointId: 'c1' }, interrupts: [] });
    const cancelled = await ports.transition(run.id, { from: ['interrupted'] }, { status: 'cancelled' });
    expect(cancelled).toMatchObject({ status: 'cancelled', paused: null, interrupts: [] });
  });

  it('adds usage, finds unfinished runs, stores contiguous event batches only', async () => {
    const { ports, run } = await newRun();
    await ports.addUsage(run.id, { input: 10, output: 5, costUsd: 0.25 });
    await ports.addUsage(run.id, { input: 1, output: 0 });
    expect((await ports.getRun(run.id)).tokens).toMatchObject({ input: 11, output: 5, costUsd: 0.25 });
    expect((await ports.findUnfinished()).map((r) => r.id)).toContain(run.id);
    await ports.transition(run.id, { from: ['queued'] }, { status: 'completed' });
    expect((await ports.findUnfinished()).map((r) => r.id)).not.toContain(run.id);

    expect(await ports.lastSeq(run.id)).toBe(0);
    await ports.appendEvents([event(run.id, 1), event(run.id, 2)]);
    await ports.appendEvents([event(run.id, 3)]);
    expect(await ports.lastSeq(run.id)).toBe(3);
    await expect(ports.appendEvents([event(run.id, 5)])).rejects.toBeDefined();
    await expect(ports.appendEvents([event(run.id, 3)])).rejects.toBeDefined();
    expect(await ports.lastSeq(run.id)).toBe(3);
  });
}
