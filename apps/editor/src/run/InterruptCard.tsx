import { useState } from 'react';
import { z } from 'zod';
import type { PendingInterrupt } from '../api/schemas.js';
import { answerInterrupt } from '../controllers/run-controller.js';

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

/** JSON when it parses, else the text itself. */
function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A pending human step: its question and the ways to answer it. */
export function InterruptCard({ runId, interrupt }: { runId: string; interrupt: PendingInterrupt }) {
  const parsed = HumanPayload.safeParse(interrupt.value);
  const payload = parsed.success ? parsed.data : {};
  const kind = payload.kind ?? 'input';
  const [comment, setComment] = useState('');
  const [edited, setEdited] = useState(asText(payload.value));
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [free, setFree] = useState<string | undefined>();
  const send = async (value: unknown) => {
    setBusy(true);
    try {
      await answerInterrupt(runId, interrupt.id, value);
    } finally {
      setBusy(false);
    }
  };
  const withComment = (v: Record<string, unknown>) => (comment ? { ...v, comment } : v);
  return (
    <div
      className="interrupt card"
      data-testid="interrupt"
      data-node-id={interrupt.nodeId ?? ''}
      data-interrupt-id={interrupt.id}
    >
      <div className="row">
        <span className="pill interrupted">waiting for you</span>
        <span className="faint small grow truncate">{interrupt.nodeId}</span>
        <span className="faint small mono" title={`interrupt ${interrupt.id}`}>
          #{interrupt.id.slice(0, 8)}
        </span>
      </div>
      {payload.message && parsed.success && Object.keys(payload).length > 1 && (
        <details className="small">
          <summary>Payload</summary>
          <pre className="json-view">{JSON.stringify(interrupt.value, null, 2)}</pre>
        </details>
      )}
      {payload.message ? (
        <pre className="interrupt-message" data-testid="interrupt-message">
          {payload.message}
        </pre>
      ) : (
        <pre className="interrupt-message">{asText(interrupt.value)}</pre>
      )}
      {(kind === 'input' || editing) && (
        <textarea
          className="textarea prose"
          data-testid="interrupt-value"
          value={edited}
          onChange={(e) => setEdited(e.target.value)}
          rows={5}
        />
      )}
      {kind !== 'input' && (
        <input
          className="input"
          placeholder="Comment (optional)"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          data-testid="interrupt-comment"
        />
      )}
      <div className="row wrap">
        {kind === 'approval' && !editing && (
          <>
            <button
              type="button"
              className="btn primary small"
              disabled={busy}
              data-testid="approve"
              onClick={() => void send(withComment({ action: 'approve' }))}
            >
              Approve
            </button>
            <button
              type="button"
              className="btn small danger"
              disabled={busy}
              data-testid="reject"
              onClick={() => void send(withComment({ action: 'reject' }))}
            >
              Reject
            </button>
            {payload.channel && (
              <button
                type="button"
                className="btn small"
                disabled={busy}
                data-testid="edit-answer"
                onClick={() => setEditing(true)}
              >
                Edit…
              </button>
            )}
          </>
        )}
        {kind === 'approval' && editing && (
          <>
            <button
              type="button"
              className="btn primary small"
              disabled={busy}
              data-testid="submit-edit"
              onClick={() => void send(withComment({ action: 'edit', value: edited }))}
            >
              Save edit &amp; continue
            </button>
            <button type="button" className="btn small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </>
        )}
        {kind === 'choice' &&
          (payload.options ?? []).map((o) => (
            <button
              type="button"
              key={o.id}
              className="btn small"
              disabled={busy}
              data-testid={`choose-${o.id}`}
              onClick={() => void send(withComment({ choice: o.id }))}
            >
              {o.label || o.id}
            </button>
          ))}
        {kind === 'input' && (
          <button
            type="button"
            className="btn primary small"
            disabled={busy}
            data-testid="submit-value"
            onClick={() => void send({ value: edited })}
          >
            Submit
          </button>
        )}
        {free === undefined && (
          <button
            type="button"
            className="btn ghost small"
            disabled={busy}
            data-testid="free-answer"
            title="Answer with any value (JSON or text)"
            onClick={() => setFree('')}
          >
            Other answer…
          </button>
        )}
      </div>
      {free !== undefined && (
        <div className="stack">
          <textarea
            className="textarea"
            rows={3}
            placeholder='Any value: JSON (e.g. {"action":"approve"}) or text'
            data-testid="free-value"
            value={free}
            onChange={(e) => setFree(e.target.value)}
          />
          <div className="row">
            <button
              type="button"
              className="btn primary small"
              disabled={busy || free.trim() === ''}
              data-testid="send-free-value"
              onClick={() => void send(parseLoose(free))}
            >
              Send answer
            </button>
            <button type="button" className="btn small" onClick={() => setFree(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
