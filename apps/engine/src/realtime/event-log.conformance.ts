import { expect, it } from 'vitest';
import type { TraceEvent, TraceEventBody } from '@flowcraft/schema';
import type { EventLog, ThreadRun } from './event-log.js';

/** An `EventLog` under test: `append` stores an event with the run's next seq and then publishes it. */
export interface EventLogSubject {
  log: EventLog;
  /** A new run on a new thread. */
  newRun(): Promise<{ runId: string; threadId: string; workflowId: string }>;
  append(runId: string, body: TraceEventBody): Promise<TraceEvent>;
}

const nodeStarted = (nodeId: string): TraceEventBody => ({ type: 'node.started', nodeId, step: 1, attempt: 1 });

/** The contract every `EventLog` passes (memory and `run_events` alike). Call inside a `describe`. */
export function eventLogConformance(subject: () => EventLogSubject): void {
  it('numbers a run’s events from 1 and reads them back after a seq, in order, at most `limit`', async () => {
    const s = subject();
    const { runId } = await s.newRun();
    for (const id of ['a', 'b', 'c', 'd']) await s.append(runId, nodeStarted(id));
    const all = await s.log.listAfter(runId, 0, 100);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(all.map((e) => (e.type === 'node.started' ? e.nodeId : ''))).toEqual(['a', 'b', 'c', 'd']);
    expect((await s.log.listAfter(runId, 2, 100)).map((e) => e.seq)).toEqual([3, 4]);
    expect((await s.log.listAfter(runId, 0, 2)).map((e) => e.seq)).toEqual([1, 2]);
    expect(await s.log.listAfter(runId, 4, 100)).toEqual([]);
  });

  it('delivers appended events to subscribers in seq order, readable when delivered; unsubscribe stops it', async () => {
    const s = subject();
    const { runId } = await s.newRun();
    const other = await s.newRun();
    const seen: TraceEvent[] = [];
    const readable: boolean[] = [];
    const stop = s.log.subscribe(runId, (e) => {
      seen.push(e);
      void s.log.listAfter(runId, e.seq - 1, 1).then((page) => readable.push(page[0]?.seq === e.seq));
    });
    await s.append(runId, nodeStarted('a'));
    await s.append(other.runId, nodeStarted('x'));
    await s.append(runId, nodeStarted('b'));
    stop();
    await s.append(runId, nodeStarted('c'));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((e) => e.seq)).toEqual([1, 2]);
    expect(seen.every((e) => e.runId === runId)).toBe(true);
    expect(readable).toEqual([true, true]);
  });

  it('tells thread watchers of every run started on the thread', async () => {
    const s = subject();
    const { runId, threadId, workflowId } = await s.newRun();
    const started: ThreadRun[] = [];
    const stop = s.log.watchThread(threadId, (r) => started.push(r));
    await s.append(runId, { type: 'run.started', threadId, workflowId, input: {}, fromCheckpointId: 'c1' });
    await s.append(runId, nodeStarted('a'));
    stop();
    expect(started).toEqual([{ threadId, runId, fromCheckpointId: 'c1' }]);
  });
}
