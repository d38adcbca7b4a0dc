import { FlowError, isRecord } from '@flowcraft/schema';
import type { Run, TraceEvent } from '@flowcraft/schema';
import { followRun } from '../realtime/follow-run.js';
import type { AgentServerDeps } from './request.js';
import { notFound, unsupported } from './request.js';
import type { RunCreateBody } from './wire.js';

export interface Launched {
  run: Run;
  /** Seq the run's new events follow (0 for a new run; the pause for a resumed one). */
  afterSeq: number;
}

const ACTIVE = ['queued', 'running'] as const;
const isActive = (run: Run | undefined) => run !== undefined && (run.status === 'queued' || run.status === 'running');

/** Whether a run goes on after a stopping event (it was resumed, or more events exist). */
export function continuesAfter(deps: AgentServerDeps, runId: string) {
  return async (event: TraceEvent): Promise<boolean> => {
    // Completed, failed and cancelled are final; only an interrupted run can go on (resumed).
    if (event.type !== 'run.interrupted') return false;
    const run = await deps.runs.get(runId);
    return run !== undefined && (isActive(run) || run.lastSeq > event.seq);
  };
}

/** Resolves when the run has stopped (finished or paused); its last stopping event, if any. */
export async function waitForStop(
  deps: AgentServerDeps,
  runId: string,
  afterSeq: number,
  signal?: AbortSignal,
): Promise<TraceEvent | undefined> {
  let last: TraceEvent | undefined;
  for await (const event of followRun({
    log: deps.eventLog,
    runId,
    afterSeq,
    continuesAfter: continuesAfter(deps, runId),
    ...(signal ? { signal } : {}),
  }))
    last = event;
  return last;
}

/**
 * Starts (or resumes) a run from an Agent Server request: the assistant is the workflow, the thread
 * is created when asked (`if_not_exists: create`), `command.resume` answers the thread's
 * interrupted run, `checkpoint_id` forks from a checkpoint, `multitask_strategy` decides what
 * happens when the thread is busy (`reject` → 409; `interrupt`/`rollback` cancel the active run;
 * `enqueue` waits for it).
 */
export async function launchRun(
  deps: AgentServerDeps,
  threadId: string | undefined,
  req: RunCreateBody,
): Promise<Launched> {
  const workflow = await deps.workflows.get(req.assistant_id);
  if (workflow === undefined)
    notFound(`Assistant "${req.assistant_id}" does not exist (assistants are saved workflows).`);
  if (threadId !== undefined && (await deps.threadRecords.get(threadId)) === undefined) {
    if (req.if_not_exists === 'create') await deps.threadRecords.create({ id: threadId, metadata: {} });
    else notFound(`Thread "${threadId}" does not exist.`);
  }
  if (req.command?.update !== undefined || req.command?.goto !== undefined)
    unsupported('`command.update` and `command.goto` (use POST /threads/{id}/state, then run)');
  if (threadId !== undefined) await settleActive(deps, threadId, req.multitask_strategy ?? 'reject');

  if (req.command !== undefined && 'resume' in req.command && req.command.resume !== undefined) {
    if (threadId === undefined) throw new FlowError('invalid_input', 'A resume needs a thread.');
    return resume(deps, threadId, req.command.resume);
  }

  const nodes = nodeIdsOf(workflow.document);
  const all = (list: RunCreateBody['interrupt_before']) => (list === '*' ? nodes : list);
  const before = all(req.interrupt_before);
  const after = all(req.interrupt_after);
  const checkpointId = req.checkpoint_id ?? req.checkpoint?.checkpoint_id;
  const handle = await deps.runs.start({
    workflowId: workflow.id,
    input: req.input ?? {},
    ...(threadId === undefined ? {} : { threadId }),
    ...(checkpointId === undefined ? {} : { checkpointId }),
    ...(before === undefined ? {} : { interruptBefore: before }),
    ...(after === undefined ? {} : { interruptAfter: after }),
  });
  const run = await deps.runs.get(handle.runId);
  if (run === undefined) throw new Error(`run ${handle.runId} vanished after start`);
  // As LangGraph does: the thread remembers its graph (agent-chat-ui lists threads by it).
  await deps.threadRecords.mergeMetadata(run.threadId, { graph_id: workflow.id, assistant_id: workflow.id });
  return { run, afterSeq: 0 };
}

async function resume(deps: AgentServerDeps, threadId: string, answer: unknown): Promise<Launched> {
  const [latest] = (await deps.runs.list({ threadId, status: ['interrupted'], limit: 1 })).items;
  if (latest === undefined) throw new FlowError('conflict', `Thread "${threadId}" has no interrupted run to resume.`);
  const pending = new Set(latest.interrupts.map((i) => i.id));
  // An object keyed by pending interrupt ids answers several interrupts (LangGraph's resume map).
  const byId =
    isRecord(answer) && pending.size > 1 && Object.keys(answer).every((k) => pending.has(k)) ? answer : undefined;
  const afterSeq = latest.lastSeq;
  const resumed = await deps.runs.resume(latest.id, byId ? { answers: byId } : { value: answer });
  if (resumed === undefined) notFound(`Run "${latest.id}" does not exist.`);
  return { run: resumed, afterSeq };
}

async function settleActive(
  deps: AgentServerDeps,
  threadId: string,
  strategy: NonNullable<RunCreateBody['multitask_strategy']>,
): Promise<void> {
  const [active] = (await deps.runs.list({ threadId, status: [...ACTIVE], limit: 1 })).items;
  if (active === undefined) return;
  if (strategy === 'reject')
    throw new FlowError(
      'conflict',
      `Thread "${threadId}" is busy with run "${active.id}" (multitask_strategy "reject").`,
    );
  if (strategy === 'interrupt' || strategy === 'rollback') {
    try {
      await deps.runs.cancel(active.id, `multitask_strategy ${strategy}`);
    } catch (err) {
      if (!(err instanceof FlowError && err.code === 'conflict')) throw err;
    }
  }
  await waitForStop(deps, active.id, active.lastSeq, AbortSignal.timeout(120_000));
}

function nodeIdsOf(document: Record<string, unknown>): string[] {
  const nodes = document['nodes'];
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((n) =>
    isRecord(n) && typeof n['id'] === 'string' && n['type'] !== 'start' && n['type'] !== 'end' ? [n['id']] : [],
  );
}

/** What `runs.wait` and `runs.join` return: the thread's values, with `__interrupt__` or `__error__`. */
export async function finalValues(
  deps: AgentServerDeps,
  run: Run,
  last: TraceEvent | undefined,
): Promise<Record<string, unknown>> {
  const state = await deps.threads.getState(run.threadId);
  const values = state?.values ?? {};
  const now = await deps.runs.get(run.id);
  if (last?.type === 'run.failed' || now?.status === 'failed') {
    const error = now?.error ?? (last?.type === 'run.failed' ? last.error : undefined);
    return { ...values, __error__: { error: error?.code ?? 'internal', message: error?.message ?? 'The run failed.' } };
  }
  if (now?.status === 'interrupted' && now.interrupts.length > 0)
    return { ...values, __interrupt__: now.interrupts.map((i) => ({ id: i.id, value: i.value })) };
  return values;
}
