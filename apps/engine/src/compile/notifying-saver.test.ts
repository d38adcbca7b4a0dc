import { describe, expect, it } from 'vitest';
import { Annotation, END, MemorySaver, START, Send, StateGraph } from '@langchain/langgraph';
import type { Checkpoint } from '@langchain/langgraph-checkpoint';
import { NotifyingSaver, nextNodes } from './notifying-saver.js';
import { BARRIER_KEY, LATEST_KEY, SINK_KEY, type SinkEvent } from './run-sink.js';

function checkpoint(parts: Partial<Checkpoint>): Checkpoint {
  return { v: 4, id: 'c1', ts: '', channel_values: {}, channel_versions: {}, versions_seen: {}, ...parts };
}

describe('nextNodes', () => {
  it('a consumed trigger (new version, no value) does not make its node next', () => {
    const cp = checkpoint({
      channel_values: { 'branch:to:b': null },
      channel_versions: { __start__: 2, 'branch:to:a': 4, 'branch:to:b': 4 },
      versions_seen: { a: { 'branch:to:a': 3 }, b: { 'branch:to:b': 1 } },
    });
    expect(nextNodes(cp)).toEqual(['b']);
  });

  it('pending sends come first', () => {
    const cp = checkpoint({
      channel_values: { __pregel_tasks: [new Send('map', { x: 1 }), new Send('map', { x: 2 })] },
      channel_versions: { __pregel_tasks: 3 },
    });
    expect(nextNodes(cp)).toEqual(['map', 'map']);
  });
});

describe('NotifyingSaver reports the next nodes LangGraph shows in the history', () => {
  it('for a fan-out with a deferred join and a map over sends', async () => {
    const S = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }) });
    const saver = new NotifyingSaver(new MemorySaver());
    const graph = new StateGraph(S)
      .addNode('split', () => ({ log: ['split'] }))
      .addNode('a', () => ({ log: ['a'] }))
      .addNode('b', () => ({ log: ['b'] }))
      .addNode('slow', () => ({ log: ['slow'] }))
      .addNode('join', () => ({ log: ['join'] }), { defer: true })
      .addNode('map', () => ({ log: ['map'] }))
      .addEdge(START, 'split')
      .addEdge('split', 'a')
      .addEdge('split', 'b')
      .addEdge('a', 'slow')
      .addEdge('slow', 'join')
      .addEdge('b', 'join')
      .addConditionalEdges('join', () => [new Send('map', {}), new Send('map', {})])
      .addEdge('map', END)
      .compile({ checkpointer: saver });
    saver.bind(graph);
    const reports: SinkEvent[] = [];
    const config = { configurable: { thread_id: 't', [SINK_KEY]: (r: SinkEvent) => void reports.push(r) } };
    await graph.invoke({}, config);
    const fromSink = new Map(reports.flatMap((r) => (r.kind === 'checkpoint' ? [[r.checkpointId, r.next]] : [])));
    const history: Array<[string, string[]]> = [];
    for await (const s of graph.getStateHistory({ configurable: { thread_id: 't' } }))
      history.push([String(s.config.configurable?.checkpoint_id), [...s.next]]);
    expect(history.length).toBeGreaterThan(5);
    expect(history.map(([id]) => [id, fromSink.get(id)])).toEqual(history);
    // The join waits for `slow`: at the step where `b` is done it is not yet next.
    expect(history.map(([, next]) => next).reverse()).toContainEqual(['slow']);
  });
});

describe('NotifyingSaver waits for the run barrier', () => {
  it('before every task write and every checkpoint, so no stored state is ahead of the trace', async () => {
    const S = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }) });
    const order: string[] = [];
    class Recording extends MemorySaver {
      override async putWrites(...args: Parameters<MemorySaver['putWrites']>): Promise<void> {
        order.push('writes');
        return super.putWrites(...args);
      }
    }
    const saver = new NotifyingSaver(new Recording());
    const graph = new StateGraph(S)
      .addNode('a', () => {
        order.push('a ran');
        return { log: ['a'] };
      })
      .addEdge(START, 'a')
      .addEdge('a', END)
      .compile({ checkpointer: saver });
    saver.bind(graph);
    let barriers = 0;
    const barrier = async () => {
      barriers += 1;
      order.push('barrier');
      await new Promise((r) => setTimeout(r, 1));
    };
    await graph.invoke({}, { configurable: { thread_id: 't', [BARRIER_KEY]: barrier } });
    // The task's writes come after it ran, and right after a barrier.
    const writes = order.indexOf('writes', order.indexOf('a ran'));
    expect(writes).toBeGreaterThan(0);
    expect(order[writes - 1]).toBe('barrier');
    expect(barriers).toBeGreaterThanOrEqual(4);
  });
});

describe('NotifyingSaver answers the graph’s first read of the latest checkpoint from the run', () => {
  it('once, from LATEST_KEY; later reads go to the checkpointer', async () => {
    const S = Annotation.Root({ n: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });
    const reads: unknown[] = [];
    class Counting extends MemorySaver {
      override async getTuple(...args: Parameters<MemorySaver['getTuple']>) {
        reads.push(args[0].configurable?.checkpoint_id ?? 'latest');
        return super.getTuple(...args);
      }
    }
    const saver = new NotifyingSaver(new Counting());
    const graph = new StateGraph(S)
      .addNode('add', () => ({ n: 1 }))
      .addEdge(START, 'add')
      .addEdge('add', END)
      .compile({ checkpointer: saver });
    saver.bind(graph);
    const config = { configurable: { thread_id: 't' } };
    await graph.invoke({ n: 1 }, config);
    const latest = await saver.getTuple(config);
    reads.length = 0;

    const known = { threadId: 't', tuple: latest, taken: false };
    const out = await graph.invoke({ n: 10 }, { configurable: { thread_id: 't', [LATEST_KEY]: known } });
    expect(out).toEqual({ n: 13 }); // continued from the known checkpoint's state: 2, + 10 input, + 1
    expect(known.taken).toBe(true);
    expect(reads).not.toContain('latest'); // the graph's start did not read the latest again
    // Taken: a later read of the latest goes to the checkpointer.
    await saver.getTuple({ configurable: { thread_id: 't', [LATEST_KEY]: known } });
    expect(reads).toContain('latest');
  });
});
