import { errorMessage } from '../api/http.js';
import { continueRun, getAllEvents, rerunFromNode, stepRun, updateState } from '../api/debug-api.js';
import type { Run } from '../api/schemas.js';
import { checkpointAt } from '../stores/scrub-store.js';
import { isActive } from '../model/run-state.js';
import { follow, runWorkflow, stopFollowing } from './run-controller.js';
import {
  breakpointsStore,
  documentStore,
  runStore,
  runsStore,
  scrubStore,
  timelineStore,
  toast,
  uiStore,
} from '../stores/app-stores.js';

/**
 * Breakpoints to send with a run (none when there are none): the canvas's, and those set on the
 * workflows its sub-workflow nodes call, addressed by path (`call › review`) — a child's breakpoints
 * hold wherever it is called (one level down).
 */
function breakpointOptions(): { interruptBefore?: string[]; interruptAfter?: string[] } {
  const store = breakpointsStore.getState();
  const before = [...store.before];
  const after = [...store.after];
  const { doc, workflowId } = documentStore.getState();
  for (const node of doc.nodes) {
    const child = node.type === 'subworkflow' ? node.config.workflowId : undefined;
    if (typeof child !== 'string' || child === '' || child === workflowId) continue;
    const inner = store.of(child);
    before.push(...inner.before.map((id) => `${node.id} › ${id}`));
    after.push(...inner.after.map((id) => `${node.id} › ${id}`));
  }
  return {
    ...(before.length > 0 ? { interruptBefore: before } : {}),
    ...(after.length > 0 ? { interruptAfter: after } : {}),
  };
}

function enterDebug(): void {
  breakpointsStore.getState().setDebugMode(true);
  uiStore.getState().setTab('debug');
}

/** Start a run with the canvas breakpoints; it pauses at the first one. */
export async function debugRun(input: Record<string, unknown>): Promise<void> {
  scrubStore.getState().close();
  enterDebug();
  await runWorkflow(input, breakpointOptions(), 'debug');
}

async function control(action: (runId: string) => Promise<unknown>, what: string): Promise<void> {
  const run = runStore.getState().run;
  if (!run) return;
  try {
    runStore.getState().resumed();
    await action(run.runId);
  } catch (err) {
    toast('error', `${what} failed: ${errorMessage(err)}`);
  }
}

/** Run one superstep and pause again. */
export const stepCurrent = () => control(stepRun, 'Step');
/** Run to the next breakpoint (or the end). */
export const continueCurrent = () => control(continueRun, 'Continue');

function currentThread(): string | undefined {
  return timelineStore.getState().threadId ?? runStore.getState().run?.threadId;
}

/** Continue the thread from a checkpoint (a replay: a new branch when it is not the latest). */
export async function replayFrom(checkpointId: string): Promise<void> {
  const threadId = currentThread();
  if (!threadId) return;
  scrubStore.getState().close();
  await runWorkflow({}, { threadId, checkpointId, ...breakpointOptions() }, 'debug');
}

/** Rerun from the checkpoint just before `nodeId`: upstream results are reused. */
export async function rerunNode(nodeId: string, checkpointId?: string): Promise<void> {
  const threadId = currentThread();
  if (!threadId) {
    toast('error', 'Run the workflow first: there is no thread to rerun.');
    return;
  }
  try {
    scrubStore.getState().close();
    const handle = await rerunFromNode(threadId, nodeId, checkpointId);
    enterDebug();
    follow(handle.runId, handle.threadId);
  } catch (err) {
    toast('error', `Rerun refused: ${errorMessage(err)}`);
  }
}

/**
 * Write edited values at a checkpoint (as `asNode`), which makes a new `update` checkpoint on a
 * branch of its own; then (optionally) continue the thread from it. Resolves the new checkpoint
 * id, or an error message for the form (422 problems included).
 */
export async function editAndFork(
  checkpointId: string,
  values: Record<string, unknown>,
  asNode: string | undefined,
  thenContinue: boolean,
): Promise<{ ok: true; checkpointId: string } | { ok: false; message: string }> {
  const threadId = currentThread();
  if (!threadId) return { ok: false, message: 'No thread' };
  try {
    const state = await updateState(threadId, { checkpointId, values, ...(asNode ? { asNode } : {}) });
    await timelineStore.getState().refresh();
    timelineStore.getState().select(state.checkpointId);
    if (thenContinue) await replayFrom(state.checkpointId);
    return { ok: true, checkpointId: state.checkpointId };
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
}

/** Open a run in the debugger: a live one is followed; a finished one is replayed from storage and can be scrubbed. */
export async function openRun(run: Run): Promise<void> {
  enterDebug();
  if (isActive(run.status) || run.status === 'interrupted') {
    scrubStore.getState().close();
    follow(run.id, run.threadId);
    return;
  }
  stopFollowing();
  runStore.getState().start(run.id, run.threadId);
  uiStore.getState().setDockTab('events');
  void timelineStore.getState().open(run.threadId);
  await scrubStore.getState().open(run.id, run.threadId, () => getAllEvents(run.id));
}

/** Leave the recorded view: follow the run live again (its final state). */
export function stopScrubbing(): void {
  const { runId, threadId } = scrubStore.getState();
  scrubStore.getState().close();
  if (runId) follow(runId, threadId);
}

/**
 * Keeps the debugger in step with the rest: breakpoints and runs follow the open workflow, the
 * timeline follows the watched run's thread (refreshed as checkpoints are written, the paused
 * checkpoint selected), and a scrubbed recording drives the canvas.
 */
export function startDebugSync(): () => void {
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = (select?: string) => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      void timelineStore
        .getState()
        .refresh()
        .then(() => {
          const t = timelineStore.getState();
          if (select) t.select(select);
          else if (!t.selectedId && t.timeline.latestId) t.select(t.timeline.latestId);
        });
    }, 120);
  };
  const syncThread = () => {
    if (!breakpointsStore.getState().debugMode) return;
    const run = runStore.getState().run;
    if (run?.threadId && run.threadId !== timelineStore.getState().threadId) {
      void timelineStore
        .getState()
        .open(run.threadId)
        .then(() => {
          const t = timelineStore.getState();
          const target = runStore.getState().run?.paused?.checkpointId ?? t.timeline.latestId;
          if (target && !scrubStore.getState().runId) t.select(target);
        });
    }
  };

  const unsubDoc = documentStore.subscribe((s, prev) => {
    if (s.workflowId !== prev.workflowId) {
      breakpointsStore.getState().setWorkflow(s.workflowId);
      timelineStore.getState().close();
      scrubStore.getState().close();
      if (s.workflowId) void runsStore.getState().load(s.workflowId);
    }
    if (s.doc.nodes !== prev.doc.nodes) breakpointsStore.getState().prune(s.doc.nodes.map((n) => n.id));
  });
  const unsubBp = breakpointsStore.subscribe((s, prev) => {
    if (s.debugMode && !prev.debugMode) {
      syncThread();
      const wf = documentStore.getState().workflowId;
      if (wf) void runsStore.getState().load(wf);
    }
  });
  const unsubRun = runStore.subscribe((s, prev) => {
    if (scrubStore.getState().runId) return; // the recording drives the run store
    const run = s.run;
    const old = prev.run;
    if (!run) return;
    syncThread();
    if (!breakpointsStore.getState().debugMode || run.threadId !== timelineStore.getState().threadId) return;
    if (run.paused && run.paused.checkpointId !== old?.paused?.checkpointId) refreshSoon(run.paused.checkpointId);
    else if (run.lastCheckpointId !== old?.lastCheckpointId || run.status !== old?.status) refreshSoon();
    if (run.status !== old?.status && !isActive(run.status)) {
      const wf = documentStore.getState().workflowId;
      if (wf) void runsStore.getState().load(wf);
    }
  });
  const unsubScrub = scrubStore.subscribe((s, prev) => {
    if (s.view && (s.view !== prev.view || s.position !== prev.position)) {
      runStore.getState().show(s.view);
      const cp = checkpointAt(s.events, s.position);
      if (cp && timelineStore.getState().timeline.byId.has(cp)) timelineStore.getState().select(cp);
    }
  });
  const unsubTimeline = timelineStore.subscribe((s, prev) => {
    // A recording opened before its thread loaded: select its checkpoint once the tree is there.
    const scrub = scrubStore.getState();
    if (scrub.runId && s.timeline !== prev.timeline && !s.selectedId) {
      const cp = checkpointAt(scrub.events, scrub.position);
      if (cp && s.timeline.byId.has(cp)) s.select(cp);
    }
  });
  breakpointsStore.getState().setWorkflow(documentStore.getState().workflowId);
  return () => {
    clearTimeout(refreshTimer);
    unsubDoc();
    unsubBp();
    unsubRun();
    unsubScrub();
    unsubTimeline();
  };
}
