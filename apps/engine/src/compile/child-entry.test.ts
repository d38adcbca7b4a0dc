import { describe, expect, it } from 'vitest';
import type { WorkflowDocumentInput } from '@flowcraft/schema';
import { childLibrary, doc, end, runDoc, start } from '../testing/harness.js';

const str = { type: 'string' as const, reducer: 'replace' as const };
const list = { type: 'list' as const, reducer: 'append' as const };

const named = (id: string, d: WorkflowDocumentInput): WorkflowDocumentInput => ({ ...d, id, name: id });

/** A parent that calls `childId` with its topic as `brief` and copies `from` back into `to`. */
const caller = (childId: string, from: string, to: string, state: WorkflowDocumentInput['state']) =>
  doc({
    state: { topic: str, ...state },
    nodes: [
      start(['topic']),
      {
        id: 'call',
        type: 'subworkflow',
        config: { workflowId: childId, inputs: [{ from: 'topic', to: 'brief' }], outputs: [{ from, to }] },
      },
      end([to]),
    ],
    edges: [
      ['start', 'call'],
      ['call', 'end'],
    ],
  });

/** Runs `caller` over `child` with the topic `tea`. */
const runCall = (child: WorkflowDocumentInput, from: string, to: string, state: WorkflowDocumentInput['state']) =>
  runDoc(caller(String(child.id), from, to, state), { topic: 'tea' }, { children: childLibrary([child]) });

describe('entering a child graph', () => {
  it('writes the input into the child’s channels: its first checkpoint holds it and precedes its first step', async () => {
    const child = named(
      'shout',
      doc({
        state: { brief: str, loud: str },
        nodes: [
          start(['brief']),
          { id: 'up', type: 'transform', config: { assignments: [{ channel: 'loud', value: '{{ state.brief }}!' }] } },
          end(['loud']),
        ],
        edges: [
          ['start', 'up'],
          ['up', 'end'],
        ],
      }),
    );
    const run = await runCall(child, 'loud', 'loud', { loud: str });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { loud: 'tea!' } });
    const inside = run.events.filter(
      (e) =>
        (e.type === 'checkpoint.saved' && e.ns !== undefined) ||
        (e.type === 'node.started' && e.nodeId === 'call › up'),
    );
    // No `__start__` step inside the call: its input checkpoint, its one step, the checkpoint after it.
    expect(inside.map((e) => e.type)).toEqual(['checkpoint.saved', 'node.started', 'checkpoint.saved']);
    expect(inside[0]).toMatchObject({ type: 'checkpoint.saved', next: ['call › up'], calledBy: 'call' });
    expect(inside[1]).toMatchObject({ type: 'node.started', step: 0 });
  });

  it('runs a child whose start leads straight to its end', async () => {
    const child = named(
      'echo',
      doc({
        state: { brief: str },
        nodes: [start(['brief']), end(['brief'])],
        edges: [['start', 'end']],
      }),
    );
    const run = await runCall(child, 'brief', 'echoed', { echoed: str });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { echoed: 'tea' } });
  });

  it('runs a child whose first node waits for a loop back to it (entered through `__start__`)', async () => {
    const child = named(
      'thrice',
      doc({
        state: { brief: str, seen: list },
        nodes: [
          start(['brief']),
          { id: 'note', type: 'transform', config: { assignments: [{ channel: 'seen', value: '{{ state.brief }}' }] } },
          {
            id: 'check',
            type: 'router',
            config: { mode: 'rules', routes: [{ id: 'again', when: '$count(state.seen) < 3' }] },
          },
          end(['seen']),
        ],
        edges: [
          ['start', 'note'],
          ['note', 'check'],
          ['check', 'note', 'again'],
          ['check', 'end', 'fallback'],
        ],
      }),
    );
    const run = await runCall(child, 'seen', 'seen', { seen: list });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { seen: ['tea', 'tea', 'tea'] } });
  });
});
