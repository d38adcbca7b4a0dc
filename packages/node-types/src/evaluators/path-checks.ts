import type { z } from 'zod';
import type { BranchTakenAssertion, NodeNotRanAssertion, NodeRanAssertion } from '@flowcraft/schema';
import type { Verdict } from './define-evaluator.js';
import type { EvaluationSubject, RunFacts } from './subject.js';

const pathText = (facts: RunFacts) => (facts.path.length ? facts.path.join(' → ') : '(no node finished)');

export function checkNodeRan(a: z.infer<typeof NodeRanAssertion>, facts: RunFacts): Verdict {
  return facts.path.includes(a.nodeId)
    ? { pass: true, reason: `node ${a.nodeId} ran (path ${pathText(facts)})` }
    : { pass: false, reason: `node ${a.nodeId} did not run; path was ${pathText(facts)}` };
}

export function checkNodeNotRan(a: z.infer<typeof NodeNotRanAssertion>, facts: RunFacts): Verdict {
  return facts.started.has(a.nodeId)
    ? { pass: false, reason: `node ${a.nodeId} ran but should not have; path was ${pathText(facts)}` }
    : { pass: true, reason: `node ${a.nodeId} did not run` };
}

/** `branch` is a port id of the routing node (its edges' `sourceHandle`) or a target node id. */
export function checkBranchTaken(
  subject: EvaluationSubject,
  a: z.infer<typeof BranchTakenAssertion>,
  facts: RunFacts,
): Verdict {
  const chosen = facts.chosen.get(a.nodeId);
  if (!facts.path.includes(a.nodeId)) return { pass: false, reason: `node ${a.nodeId} did not run` };
  const viaPort = (subject.edges ?? [])
    .filter((e) => e.source === a.nodeId && e.sourceHandle === a.branch)
    .map((e) => e.target);
  const wanted = viaPort.length > 0 ? viaPort : [a.branch];
  const taken = [...(chosen ?? [])];
  if (wanted.some((t) => taken.includes(t))) return { pass: true, reason: `${a.nodeId} took branch ${a.branch}` };
  const ports = (subject.edges ?? [])
    .filter((e) => e.source === a.nodeId && taken.includes(e.target))
    .map((e) => e.sourceHandle ?? e.target);
  const shown = ports.length > 0 ? ports : taken;
  return {
    pass: false,
    reason: `${a.nodeId} took ${shown.length ? shown.join(', ') : 'no branch'}, expected ${a.branch}`,
  };
}
