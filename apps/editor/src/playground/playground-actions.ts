import { errorMessage } from '../api/http.js';
import { runWorkflow } from '../controllers/run-controller.js';
import { documentStore, runStore } from '../stores/app-stores.js';
import { isActive } from '../model/run-state.js';
import type { RunState } from '../model/run-state.js';
import { replyText } from './chat-mode.js';
import type { ChatMode } from './chat-mode.js';
import { playgroundStore } from './playground-store.js';
import type { Turn } from './playground-store.js';

/** Each node's step of a run, in the order the nodes appear in the workflow. */
export function stepsOf(run: RunState): Turn['steps'] {
  const doc = documentStore.getState().doc;
  return doc.nodes.flatMap((n) => {
    const r = run.nodes[n.id];
    return r ? [{ nodeId: n.id, label: n.label || n.id, status: r.status, durationMs: r.durationMs }] : [];
  });
}

/**
 * Send one chat message: a run of the saved workflow with the message as its text input, on the
 * conversation's thread (so memory carries over between turns); the turn is completed when the run ends.
 */
export async function sendMessage(workflowId: string, mode: ChatMode, text: string): Promise<void> {
  const store = playgroundStore.getState();
  const turnId = store.send(workflowId, text);
  const threadId = playgroundStore.getState().conversations[workflowId]?.threadId;
  let runId: string | undefined;
  try {
    runId = await runWorkflow({ [mode.channel]: text }, threadId ? { threadId } : {}, 'playground');
  } catch (err) {
    playgroundStore.getState().finished(workflowId, turnId, done('failed', errorMessage(err)));
    return;
  }
  if (!runId) {
    playgroundStore.getState().finished(workflowId, turnId, done('failed', 'The run was refused (see the message).'));
    return;
  }
  playgroundStore.getState().started(workflowId, turnId, runId, runStore.getState().run?.threadId);
  const settle = (run: RunState | undefined): boolean => {
    if (!run || run.runId !== runId || isActive(run.status)) return false;
    const doc = documentStore.getState().doc;
    playgroundStore.getState().finished(workflowId, turnId, {
      status: run.status,
      reply: replyText(run.output, doc, [mode.channel]),
      output: run.output,
      error: run.error?.message,
      steps: stepsOf(run),
    });
    return true;
  };
  if (settle(runStore.getState().run)) return;
  const stop = runStore.subscribe((s) => {
    if (settle(s.run) || s.run?.runId !== runId) stop();
  });
}

function done(status: string, error: string): Pick<Turn, 'status' | 'reply' | 'output' | 'error' | 'steps'> {
  return { status, reply: undefined, output: undefined, error, steps: [] };
}
