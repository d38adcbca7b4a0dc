import type { Run, RunStatus, ThreadState, WorkflowSummary } from '@flowcraft/schema';
import type { ThreadRecord } from '../http/deps.js';

/**
 * Our wire types → the Agent Server API's (snake_case, LangGraph names). Pure functions; the shapes
 * are the SDK's `Assistant`, `Run`, `Thread`, `ThreadState` and `Checkpoint`.
 */

export type LgRunStatus = 'pending' | 'running' | 'error' | 'success' | 'timeout' | 'interrupted';
export type LgThreadStatus = 'idle' | 'busy' | 'interrupted' | 'error';

export function lgRunStatus(status: RunStatus): LgRunStatus {
  switch (status) {
    case 'queued':
      return 'pending';
    case 'running':
      return 'running';
    case 'completed':
      return 'success';
    case 'failed':
      return 'error';
    // LangGraph reports a cancelled run (cancel action `interrupt`) as interrupted.
    case 'interrupted':
    case 'cancelled':
      return 'interrupted';
  }
}

export function lgThreadStatus(latest: Run | undefined): LgThreadStatus {
  if (latest === undefined) return 'idle';
  if (latest.status === 'queued' || latest.status === 'running') return 'busy';
  if (latest.status === 'interrupted') return 'interrupted';
  if (latest.status === 'failed') return 'error';
  return 'idle';
}

/** A saved workflow as an assistant: `assistant_id` = `graph_id` = the workflow id. */
export function toAssistant(w: WorkflowSummary) {
  return {
    assistant_id: w.id,
    graph_id: w.id,
    name: w.name,
    description: w.description === '' ? null : w.description,
    config: {},
    context: {},
    metadata: { created_by: 'flowcraft', valid: w.valid },
    version: w.version,
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  };
}

export function toLgRun(run: Run, extra: { metadata?: Record<string, unknown>; multitaskStrategy?: string } = {}) {
  return {
    run_id: run.id,
    thread_id: run.threadId,
    assistant_id: run.workflowId,
    created_at: run.createdAt,
    updated_at: run.finishedAt ?? run.startedAt ?? run.createdAt,
    status: lgRunStatus(run.status),
    metadata: extra.metadata ?? {},
    multitask_strategy: extra.multitaskStrategy ?? 'reject',
    kwargs: { input: run.input },
    cancel_reason: run.status === 'cancelled' ? 'cancelled' : null,
  };
}

export function checkpointRef(threadId: string, checkpointId: string) {
  return { thread_id: threadId, checkpoint_ns: '', checkpoint_id: checkpointId, checkpoint_map: null };
}

export function checkpointConfig(threadId: string, checkpointId: string) {
  return { configurable: { thread_id: threadId, checkpoint_ns: '', checkpoint_id: checkpointId } };
}

/** Interrupts of a state's tasks, as LangGraph lists them. */
export function interruptsOf(state: ThreadState | undefined): { id: string; value: unknown }[] {
  return state?.tasks.flatMap((t) => t.interrupts.map((i) => ({ id: i.id, value: i.value }))) ?? [];
}

export function lgMetadata(state: ThreadState): Record<string, unknown> {
  return {
    ...state.metadata,
    source: state.source,
    step: state.step,
    writes: state.metadata['writes'] ?? null,
    parents: state.metadata['parents'] ?? {},
    ...(state.runId === null ? {} : { run_id: state.runId }),
  };
}

export function toLgState(state: ThreadState) {
  return {
    values: state.values,
    next: state.next,
    checkpoint: checkpointRef(state.threadId, state.checkpointId),
    metadata: lgMetadata(state),
    created_at: state.createdAt,
    parent_checkpoint:
      state.parentCheckpointId === null ? null : checkpointRef(state.threadId, state.parentCheckpointId),
    tasks: state.tasks.map((t) => ({
      id: t.id,
      name: t.nodeId,
      error: t.error === null ? null : t.error.message,
      interrupts: t.interrupts.map((i) => ({ id: i.id, value: i.value })),
      checkpoint: null,
      state: null,
    })),
  };
}

export function toLgThread(record: ThreadRecord, latest: Run | undefined, state: ThreadState | undefined) {
  const interrupts: Record<string, { id: string; value: unknown }[]> = {};
  for (const task of state?.tasks ?? [])
    if (task.interrupts.length > 0) interrupts[task.id] = task.interrupts.map((i) => ({ id: i.id, value: i.value }));
  const updatedAt = latest?.finishedAt ?? latest?.startedAt ?? latest?.createdAt ?? record.createdAt;
  const status = lgThreadStatus(latest);
  return {
    thread_id: record.id,
    created_at: record.createdAt,
    updated_at: updatedAt,
    state_updated_at: state?.createdAt ?? updatedAt,
    metadata: {
      ...record.metadata,
      ...(latest ? { graph_id: latest.workflowId, assistant_id: latest.workflowId } : {}),
    },
    status,
    values: state?.values ?? {},
    interrupts,
    config: {},
    error: status === 'error' && latest?.error ? latest.error.message : null,
  };
}
