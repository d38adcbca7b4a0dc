import { Annotation, Command, END, MemorySaver, START, StateGraph, interrupt } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { DrizzleSaver } from './drizzle-saver.js';

const State = Annotation.Root({
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  answer: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
});

/** start → a → (p1 ∥ p2 ∥ gate) → join. `gate` interrupts, so p1 and p2 stay pending writes until resume. */
function buildGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(State)
    .addNode('a', () => ({ log: ['a'] }))
    .addNode('p1', () => ({ log: ['p1'] }))
    .addNode('p2', () => ({ log: ['p2'] }))
    .addNode('gate', () => {
      const answer: unknown = interrupt({ question: 'approve?' });
      return { log: ['gate'], answer: String(answer) };
    })
    .addNode('join', (s) => ({ log: [`join:${s.answer}`] }))
    .addEdge(START, 'a')
    .addEdge('a', 'p1')
    .addEdge('a', 'p2')
    .addEdge('a', 'gate')
    .addEdge(['p1', 'p2', 'gate'], 'join')
    .addEdge('join', END)
    .compile({ checkpointer });
}

interface Trace {
  interruptedAt: string[];
  interruptValue: unknown;
  final: unknown;
  history: { step: unknown; source: unknown; next: string[] }[];
}

async function runScenario(makeSaver: () => BaseCheckpointSaver): Promise<Trace> {
  const config = { configurable: { thread_id: `g-${randomUUID()}` } };
  await buildGraph(makeSaver()).invoke({ log: ['in'] }, config);
  // A new saver and graph, as after an engine restart: everything must come from storage.
  const graph = buildGraph(makeSaver());
  const paused = await graph.getState(config);
  const final = await graph.invoke(new Command({ resume: 'yes' }), config);
  const history = [];
  for await (const snap of graph.getStateHistory(config))
    history.push({ step: snap.metadata?.step, source: snap.metadata?.source, next: [...snap.next].sort() });
  return {
    interruptedAt: [...paused.next].sort(),
    interruptValue: paused.tasks.flatMap((t) => t.interrupts.map((i) => i.value)),
    final,
    history,
  };
}

for (const kind of BACKENDS) {
  describe(`compiled StateGraph with DrizzleSaver on ${kind}`, () => {
    const store = useTestDatabase(kind);

    it('interrupts, resumes from storage and reports the same history as MemorySaver', async () => {
      const memory = new MemorySaver();
      const expected = await runScenario(() => memory);
      const actual = await runScenario(() => new DrizzleSaver(store.db));
      expect(actual.interruptedAt).toEqual(['gate']);
      expect(actual.interruptValue).toEqual([{ question: 'approve?' }]);
      expect(actual.final).toEqual({ log: ['in', 'a', 'gate', 'p1', 'p2', 'join:yes'], answer: 'yes' });
      expect(actual).toEqual(expected);
      expect(actual.history.map((h) => h.source)).toEqual(['loop', 'loop', 'loop', 'loop', 'input']);
    });

    it('forks from an earlier checkpoint with updateState like MemorySaver and keeps the original branch', async () => {
      const fork = async (checkpointer: BaseCheckpointSaver) => {
        const graph = buildGraph(checkpointer);
        const config = { configurable: { thread_id: `f-${randomUUID()}` } };
        await graph.invoke({ log: ['in'] }, config);
        await graph.invoke(new Command({ resume: 'first' }), config);
        const history = [];
        for await (const snap of graph.getStateHistory(config)) history.push(snap);
        const beforeGate = history.find((s) => s.next.includes('gate'));
        // A fork reuses channel version numbers of the first branch: values must not be mixed up.
        const forked = await graph.updateState(beforeGate?.config ?? config, { log: ['edited'] }, 'a');
        await graph.invoke(null, forked);
        const resumed = await graph.invoke(new Command({ resume: 'second' }), forked);
        const all = [];
        for await (const snap of graph.getStateHistory(config)) all.push(snap);
        const update = all.find((s) => s.metadata?.source === 'update');
        return {
          resumed,
          latest: (await graph.getState(config)).values,
          answers: all.map((s) => s.values.answer),
          updateParentIsBeforeGate:
            update?.parentConfig?.configurable?.checkpoint_id === beforeGate?.config.configurable?.checkpoint_id,
        };
      };
      const actual = await fork(new DrizzleSaver(store.db));
      expect(actual.resumed).toEqual({
        log: ['in', 'a', 'edited', 'gate', 'p1', 'p2', 'join:second'],
        answer: 'second',
      });
      expect(actual.latest).toEqual(actual.resumed);
      expect(actual.answers).toContain('first');
      expect(actual.updateParentIsBeforeGate).toBe(true);
      expect(actual).toEqual(await fork(new MemorySaver()));
    });

    it('issues increasing channel versions that differ between forks', () => {
      const saver = new DrizzleSaver(store.db);
      const a = saver.getNextVersion(3);
      const b = saver.getNextVersion(3);
      expect(a).toBeGreaterThan(3);
      expect(saver.getNextVersion(a)).toBeGreaterThan(a);
      expect(a).not.toBe(b);
      expect(Math.floor(a)).toBe(4);
      expect(saver.getNextVersion(undefined)).toBeGreaterThanOrEqual(1);
    });
  });
}
