import type { WorkflowDocumentInput } from '@flowcraft/schema';
import { doc, end, start } from './harness.js';

const str = { type: 'string' as const, reducer: 'replace' as const };
const json = { type: 'json' as const, reducer: 'replace' as const };

/**
 * A reusable child: writes a draft with a model, asks a person to approve it, then finalizes it.
 * Start input `brief`; end output `final` (and `decision`).
 */
export function reviewChild(id = 'review-flow'): WorkflowDocumentInput {
  return {
    ...doc({
      state: { brief: str, draft: str, decision: json, final: str },
      nodes: [
        start(['brief']),
        {
          id: 'write',
          type: 'llm',
          config: { model: 'scripted:writer', prompt: 'Draft: {{ state.brief }}', output: 'draft' },
        },
        {
          id: 'approve',
          type: 'human',
          config: { kind: 'approval', message: 'Approve? {{ state.draft }}', channel: 'draft', decision: 'decision' },
        },
        {
          id: 'finalize',
          type: 'transform',
          config: { assignments: [{ channel: 'final', value: 'FINAL: {{ state.draft }}' }] },
        },
        { id: 'end', type: 'end', config: { outputs: ['final', 'decision'] } },
      ],
      edges: [
        ['start', 'write'],
        ['write', 'approve'],
        ['approve', 'finalize', 'approved'],
        ['approve', 'end', 'rejected'],
        ['finalize', 'end'],
      ],
      script: { nodes: { write: [{ content: 'child draft', usage: { input: 3, output: 2 } }] } },
    }),
    id,
    name: 'Review flow',
  };
}

/** A parent: outlines a topic, calls `childId` with the outline, then publishes the child's result. */
export function callingParent(childId = 'review-flow', version: number | 'latest' = 'latest'): WorkflowDocumentInput {
  return {
    ...doc({
      state: { topic: str, outline: str, result: str, verdict: json, post: str },
      nodes: [
        start(['topic']),
        {
          id: 'plan',
          type: 'llm',
          config: { model: 'scripted:outliner', prompt: 'Outline {{ state.topic }}', output: 'outline' },
        },
        {
          id: 'review',
          type: 'subworkflow',
          config: {
            workflowId: childId,
            version,
            inputs: [{ from: 'outline', to: 'brief' }],
            outputs: [
              { from: 'final', to: 'result' },
              { from: 'decision', to: 'verdict' },
            ],
          },
        },
        {
          id: 'publish',
          type: 'transform',
          config: { assignments: [{ channel: 'post', value: '{{ state.result }}!' }] },
        },
        end(['post', 'verdict']),
      ],
      edges: [
        ['start', 'plan'],
        ['plan', 'review'],
        ['review', 'publish'],
        ['publish', 'end'],
      ],
      script: { nodes: { plan: [{ content: 'parent outline', usage: { input: 2, output: 2 } }] } },
    }),
    id: 'parent-flow',
    name: 'Parent flow',
  };
}
