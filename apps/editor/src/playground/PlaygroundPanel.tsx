import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { useCatalog, useDocument, useRun } from '../stores/app-stores.js';
import { runInputFields } from '../run/run-inputs.js';
import { statusWord } from '../model/status-words.js';
import { chatMode } from './chat-mode.js';
import { sendMessage, stepsOf } from './playground-actions.js';
import { playgroundStore } from './playground-store.js';
import type { Conversation, Turn } from './playground-store.js';
import { TurnView } from './TurnView.js';
import './playground.css';

const EMPTY: Conversation = { threadId: undefined, turns: [] };

/**
 * Chat with the workflow: each message is a run on one thread (memory carries over), tokens stream in,
 * node steps show inline, answers render as Markdown with a raw-JSON toggle.
 */
export function PlaygroundPanel() {
  const doc = useDocument((s) => s.doc);
  const workflowId = useDocument((s) => s.workflowId);
  const catalog = useCatalog((s) => s.catalog);
  const live = useRun((s) => s.run);
  const conversation =
    useStore(playgroundStore, (s) => (workflowId ? s.conversations[workflowId] : undefined)) ?? EMPTY;
  const [text, setText] = useState('');
  const mode = useMemo(
    () => chatMode(runInputFields(doc, (t) => catalog?.describe(t)?.role === 'start')),
    [doc, catalog],
  );
  if (!workflowId) return null;
  if (!mode)
    return (
      <div className="empty" data-testid="playground-unavailable">
        The playground chats with workflows whose start node takes one text input. Add one to the start node (Run
        inputs) to chat here.
      </div>
    );
  const pending = conversation.turns.some((t) => t.status === undefined);
  const send = () => {
    const message = text.trim();
    if (!message || pending) return;
    setText('');
    void sendMessage(workflowId, mode, message);
  };
  const liveTurn = (t: Turn): Turn =>
    t.status === undefined && live && t.runId === live.runId ? { ...t, steps: stepsOf(live) } : t;
  return (
    <div className="playground" data-testid="playground">
      <div className="row playground-head">
        <span className="faint small" data-testid="playground-thread" data-thread-id={conversation.threadId ?? ''}>
          {conversation.threadId ? `Thread ${conversation.threadId.slice(0, 8)}…` : 'New conversation'} · sends “
          {mode.label}”
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="btn ghost small"
          disabled={conversation.turns.length === 0 || pending}
          title={
            pending ? 'Wait for the answer first' : conversation.turns.length === 0 ? 'Nothing to clear yet' : undefined
          }
          onClick={() => playgroundStore.getState().reset(workflowId)}
          data-testid="playground-new"
        >
          New conversation
        </button>
      </div>
      <ol className="chat" aria-label="Conversation" data-testid="chat">
        {conversation.turns.map((t) => (
          <TurnView
            key={t.id}
            turn={liveTurn(t)}
            streaming={t.status === undefined && live && live.runId === t.runId ? liveText(live.nodes) : ''}
          />
        ))}
      </ol>
      <form
        className="chat-input"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <textarea
          className="textarea prose"
          rows={2}
          placeholder={`Message (${mode.label})…`}
          aria-label="Message"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              send();
            }
          }}
          data-testid="chat-message"
        />
        <button
          type="submit"
          className="btn primary"
          disabled={pending || text.trim() === ''}
          title={pending ? `Waiting for the answer (${statusWord('running')})` : undefined}
          data-testid="chat-send"
        >
          Send
        </button>
      </form>
    </div>
  );
}

/** Tokens streamed so far, from the node that streams last. */
function liveText(nodes: Record<string, { text: string; status: string }>): string {
  const streaming = Object.values(nodes).filter((n) => n.text !== '');
  return streaming.at(-1)?.text ?? '';
}
