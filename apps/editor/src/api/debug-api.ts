import { z } from 'zod';
import { StateDiff, ThreadState, TokenUsage, TraceEvent } from '@flowcraft/schema';
import { request } from './http.js';
import { Run, RunHandle } from './schemas.js';

/**
 * The debugger's side of the engine API (design §9): checkpoints of a thread, diffs, edits,
 * stepping, rerun from a node, stored events and run comparison. Envelopes are loose (extra
 * fields ignored); the shapes inside come from `@flowcraft/schema`.
 */

const enc = encodeURIComponent;
const JsonObject = z.record(z.string(), z.unknown());

// A thread's state at one checkpoint, and the diff of a checkpoint: the engine's wire types.
export { CheckpointSource, ThreadTask, ThreadState } from '@flowcraft/schema';

export const HistoryPage = z.object({ items: z.array(ThreadState), nextCursor: z.string().nullable() });
export type HistoryPage = z.infer<typeof HistoryPage>;

export { StateDiff } from '@flowcraft/schema';

export const EventsPage = z.object({ items: z.array(TraceEvent), lastSeq: z.number().int() });

const NodeSummary = z.object({ runs: z.number(), durationMs: z.number(), tokens: TokenUsage, update: z.unknown() });
export const RunSummary = z.object({
  runId: z.string(),
  status: z.string(),
  durationMs: z.number(),
  tokens: TokenUsage,
  path: z.array(z.string()),
  nodes: z.record(z.string(), NodeSummary),
  output: JsonObject.nullable().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;
export const RunComparison = z.object({ a: RunSummary, b: RunSummary });
export type RunComparison = z.infer<typeof RunComparison>;

export function getHistory(threadId: string, cursor?: string, limit = 100) {
  return request(`/v1/threads/${enc(threadId)}/history`, HistoryPage, { query: { limit, cursor } });
}

/** A sub-workflow call's own checkpoints (its namespace from a task's `checkpointNs`), newest first. */
export function getNestedHistory(threadId: string, ns: string, limit = 100) {
  return request(`/v1/threads/${enc(threadId)}/history`, HistoryPage, { query: { limit, ns } });
}

export function getCheckpoint(threadId: string, checkpointId: string) {
  return request(`/v1/threads/${enc(threadId)}/state/${enc(checkpointId)}`, ThreadState);
}

export function getDiff(threadId: string, checkpointId: string) {
  return request(`/v1/threads/${enc(threadId)}/state/${enc(checkpointId)}/diff`, StateDiff);
}

export interface StateEdit {
  checkpointId?: string;
  values: Record<string, unknown>;
  asNode?: string;
}

/** Write an `update` checkpoint (a new branch when the checkpoint is not the latest). */
export function updateState(threadId: string, edit: StateEdit) {
  return request(`/v1/threads/${enc(threadId)}/state`, ThreadState, { method: 'POST', body: edit });
}

export function rerunFromNode(threadId: string, nodeId: string, checkpointId?: string) {
  return request(`/v1/threads/${enc(threadId)}/rerun`, RunHandle, {
    method: 'POST',
    body: checkpointId ? { nodeId, checkpointId } : { nodeId },
  });
}

export function stepRun(runId: string) {
  return request(`/v1/runs/${enc(runId)}/step`, Run, { method: 'POST', body: {} });
}

export function continueRun(runId: string) {
  return request(`/v1/runs/${enc(runId)}/continue`, Run, { method: 'POST', body: {} });
}

/** Every stored event of a run, page by page. */
export async function getAllEvents(runId: string): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await request(`/v1/runs/${enc(runId)}/events`, EventsPage, {
      query: { afterSeq: after, limit: 1000 },
    });
    out.push(...page.items);
    const last = page.items.at(-1)?.seq;
    if (last === undefined || last >= page.lastSeq) return out;
    after = last;
  }
}

export function compareRuns(a: string, b: string) {
  return request(`/v1/runs/${enc(a)}/compare/${enc(b)}`, RunComparison);
}
