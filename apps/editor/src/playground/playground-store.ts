import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';

/** One message sent in the playground and what the run answered. */
export interface Turn {
  id: number;
  text: string;
  runId: string | undefined;
  /** Final status word of the run, once it ended. */
  status: string | undefined;
  reply: string | undefined;
  output: unknown;
  error: string | undefined;
  /** Each node's step: label, status, duration. */
  steps: { nodeId: string; label: string; status: string; durationMs: number | undefined }[];
}

export interface Conversation {
  threadId: string | undefined;
  turns: Turn[];
}

/** Playground conversations per workflow (kept while the page is open: across tab switches and saves). */
export interface PlaygroundState {
  conversations: Record<string, Conversation>;
  send(workflowId: string, text: string): number;
  started(workflowId: string, turnId: number, runId: string, threadId: string | undefined): void;
  finished(
    workflowId: string,
    turnId: number,
    result: Pick<Turn, 'status' | 'reply' | 'output' | 'error' | 'steps'>,
  ): void;
  reset(workflowId: string): void;
}

let nextTurn = 1;
const EMPTY: Conversation = { threadId: undefined, turns: [] };

export function createPlaygroundStore(): StoreApi<PlaygroundState> {
  return createStore<PlaygroundState>()((set, get) => {
    const patch = (workflowId: string, fn: (c: Conversation) => Conversation) =>
      set({ conversations: { ...get().conversations, [workflowId]: fn(get().conversations[workflowId] ?? EMPTY) } });
    const patchTurn = (workflowId: string, turnId: number, fn: (t: Turn) => Turn) =>
      patch(workflowId, (c) => ({ ...c, turns: c.turns.map((t) => (t.id === turnId ? fn(t) : t)) }));
    return {
      conversations: {},
      send(workflowId, text) {
        const id = nextTurn++;
        const turn: Turn = {
          id,
          text,
          runId: undefined,
          status: undefined,
          reply: undefined,
          output: undefined,
          error: undefined,
          steps: [],
        };
        patch(workflowId, (c) => ({ ...c, turns: [...c.turns, turn] }));
        return id;
      },
      started(workflowId, turnId, runId, threadId) {
        patch(workflowId, (c) => ({ ...c, threadId: c.threadId ?? threadId }));
        patchTurn(workflowId, turnId, (t) => ({ ...t, runId }));
      },
      finished(workflowId, turnId, result) {
        patchTurn(workflowId, turnId, (t) => ({ ...t, ...result }));
      },
      reset: (workflowId) => patch(workflowId, () => EMPTY),
    };
  });
}

export const playgroundStore = createPlaygroundStore();
