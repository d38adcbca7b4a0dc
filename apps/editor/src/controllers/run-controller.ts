import type { TraceEvent } from '@flowcraft/schema';
import { errorMessage } from '../api/http.js';
import { subscribeRun } from '../api/run-socket.js';
import type { RunSubscription } from '../api/run-socket.js';
import { cancelRun, listRuns, resumeRun, startRun } from '../api/runs-api.js';
import type { StartRun } from '../api/runs-api.js';
import { isDirty } from '../stores/document-store.js';
import type { SideTab } from '../stores/ui-store.js';
import { documentStore, runStore, toast, uiStore } from '../stores/app-stores.js';
import { saveCurrent } from './workflow-actions.js';

let subscription: RunSubscription | undefined;
let buffer: TraceEvent[] = [];
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  const events = buffer;
  buffer = [];
  events.sort((a, b) => a.seq - b.seq);
  runStore.getState().applyAll(events);
}

/** Events arrive in bursts (streamed tokens); apply them once per frame. */
function enqueue(event: TraceEvent): void {
  buffer.push(event);
  if (flushScheduled) return;
  flushScheduled = true;
  if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible')
    requestAnimationFrame(flush);
  else setTimeout(flush, 16);
}

/** Watch a run: replays what the store has not seen yet, then live events; survives reconnects. */
export function follow(runId: string, threadId?: string): void {
  stopFollowing();
  runStore.getState().start(runId, threadId);
  subscription = subscribeRun({
    runId,
    afterSeq: () => runStore.getState().run?.lastSeq ?? 0,
    onEvent: enqueue,
    onError: (message) => toast('error', `Trace stream: ${message}`),
  });
}

export function stopFollowing(): void {
  subscription?.close();
  subscription = undefined;
  buffer = [];
}

/** Options of a run besides its input: breakpoints (debug runs), a thread and checkpoint to continue. */
export type RunOptions = Omit<StartRun, 'workflowId' | 'version' | 'input'>;

/** Save if needed, then start a run of the saved version with `input`; resolves the run id. */
export async function runWorkflow(
  input: Record<string, unknown>,
  options: RunOptions = {},
  tab: SideTab = 'run',
): Promise<string | undefined> {
  const s = documentStore.getState();
  if (!s.workflowId) return undefined;
  if (s.readOnlyVersion === undefined && isDirty(s) && !(await saveCurrent())) return undefined;
  const { workflowId, version, readOnlyVersion } = documentStore.getState();
  if (!workflowId) return undefined;
  try {
    const handle = await startRun({ workflowId, version: readOnlyVersion ?? version, input, ...options });
    follow(handle.runId, handle.threadId);
    uiStore.getState().setTab(tab);
    return handle.runId;
  } catch (err) {
    toast('error', `Run refused: ${errorMessage(err)}`);
    return undefined;
  }
}

/** Answer one pending interrupt by its id (an answer to one no longer pending is refused with 409). */
export async function answerInterrupt(runId: string, interruptId: string, value: unknown): Promise<void> {
  try {
    await resumeRun(runId, { answers: { [interruptId]: value } });
    runStore.getState().resumed();
  } catch (err) {
    toast('error', `Answer refused: ${errorMessage(err)}`);
  }
}

export async function cancelCurrent(): Promise<void> {
  const run = runStore.getState().run;
  if (!run) return;
  try {
    await cancelRun(run.runId);
  } catch (err) {
    toast('error', `Cancel failed: ${errorMessage(err)}`);
  }
}

/** After opening a workflow (or reloading the page), pick up its latest run where it is. */
export async function pickUpLatestRun(workflowId: string): Promise<void> {
  try {
    const page = await listRuns(workflowId);
    const latest = page.items[0];
    if (latest && documentStore.getState().workflowId === workflowId) {
      follow(latest.id, latest.threadId);
      if (latest.status === 'running' || latest.status === 'queued' || latest.status === 'interrupted')
        uiStore.getState().setTab('run');
    }
  } catch {
    // no runs to show
  }
}
