import { useState } from 'react';
import { z } from 'zod';
import type { PendingInterrupt } from '../api/schemas.js';
import { answerInterrupt } from '../app/run-controller.js';

/** What a human node sends with its interrupt (see the human node type). */
const HumanPayload = z.object({
  kind: z.enum(['approval', 'choice', 'input']).optional(),
  message: z.string().optional(),
  options: z.array(z.object({ id: z.string(), label: z.string().optional() })).optional(),
  channel: z.string().optional(),
  value: z.unknown().optional(),
});

function asText(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v, null, 2);
}

/** A pending human step: its question and the ways to answer it. */
export function InterruptCard({ runId, interrupt, several }: { runId: string; interrupt: PendingInterrupt; several: boolean }) {
  const parsed = HumanPayload.safeParse(interrupt.value);
  const payload = parsed.success ? parsed.data : {};
  const kind = payload.kind ?? 'input';
  const [comment, setComment] = useState('');
  const [edited, setEdited] = useState(asText(payload.value));
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const send = async (value: unknown) => {
    setBusy(true);
    try {
      await answerInterrupt(runId, interrupt.id, value, several);
    } finally {
      setBusy(false);
    }
  };
  const withComment = (v: Record<string, unknown>) => (comment ? { ...v, comment } : v);
  return (
    <div className="interrupt card" data-testid="interrupt" data-node-id={interrupt.nodeId ?? ''}>
      <div className="row">
        <span className="pill interrupted">waiting for you</span>
        <span className="faint small">{interrupt.nodeId}</span>
      </div>
      {payload.message ? (
        <pre className="interrupt-message" data-testid="interrupt-message">
          {payload.message}
        </pre>
      ) : (
        <pre className="interrupt-message">{asText(interrupt.value)}</pre>
      )}
      {(kind === 'input' || editing) && (
        <textarea className="textarea prose" data-testid="interrupt-value" value={edited} onChange={(e) => setEdited(e.target.value)} rows={5} />
      )}
      {kind !== 'input' && <input className="input" placeholder="Comment (optional)" value={comment} onChange={(e) => setComment(e.target.value)} data-testid="interrupt-comment" />}
      <div className="row wrap">
        {kind === 'approval' && !editing && (
          <>
            <button className="btn primary small" disabled={busy} data-testid="approve" onClick={() => void send(withComment({ action: 'approve' }))}>
              Approve
            </button>
            <button className="btn small danger" disabled={busy} data-testid="reject" onClick={() => void send(withComment({ action: 'reject' }))}>
              Reject
            </button>
            {payload.channel && (
              <button className="btn small" disabled={busy} data-testid="edit-answer" onClick={() => setEditing(true)}>
                Edit…
              </button>
            )}
          </>
        )}
        {kind === 'approval' && editing && (
          <>
            <button className="btn primary small" disabled={busy} data-testid="submit-edit" onClick={() => void send(withComment({ action: 'edit', value: edited }))}>
              Save edit &amp; continue
            </button>
            <button className="btn small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </>
        )}
        {kind === 'choice' &&
          (payload.options ?? []).map((o) => (
            <button key={o.id} className="btn small" disabled={busy} data-testid={`choose-${o.id}`} onClick={() => void send(withComment({ choice: o.id }))}>
              {o.label || o.id}
            </button>
          ))}
        {kind === 'input' && (
          <button className="btn primary small" disabled={busy} data-testid="submit-value" onClick={() => void send({ value: edited })}>
            Submit
          </button>
        )}
      </div>
    </div>
  );
}
