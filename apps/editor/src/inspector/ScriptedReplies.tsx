import type { ScriptedReply } from '@flowcraft/schema';
import { documentStore, useDocument } from '../stores/app-stores.js';
import { JsonField } from '../form/JsonField.js';
import { isRecord } from '../model/json-schema.js';
import {
  isScripted,
  newReply,
  nodeReplies,
  replyKind,
  routeReply,
  scriptedHint,
  setNodeReplies,
} from '../model/scripted-replies.js';

/**
 * A scripted node's offline replies, as a form: a route to take (router), a text (llm, agent) or a
 * structured object; with a hint of the labelled default when nothing is scripted.
 */
export function ScriptedReplies({ nodeId }: { nodeId: string }) {
  const doc = useDocument((s) => s.doc);
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node || !isScripted(node, doc) || node.type === 'start' || node.type === 'end') return null;
  const kind = replyKind(node);
  const replies = nodeReplies(doc, nodeId);
  const hint = scriptedHint(node, doc);
  const set = (next: ScriptedReply[], key = 'replies') =>
    documentStore.getState().edit((d) => setNodeReplies(d, nodeId, next), `script:${nodeId}:${key}`);
  const update = (i: number, reply: ScriptedReply, key: string) =>
    set(
      replies.map((r, j) => (j === i ? reply : r)),
      `${i}:${key}`,
    );
  return (
    <section className="inspector-section" data-testid="scripted-replies">
      <h3>Scripted replies (offline runs)</h3>
      {hint && (
        <div className="scripted-hint small" data-testid="scripted-hint">
          {hint}
        </div>
      )}
      {replies.length > 0 && <p className="faint small">Used in order, one per call; the last one repeats.</p>}
      {replies.map((r, i) => (
        <div key={i} className="array-item" data-testid={`scripted-reply-${i}`}>
          <div className="array-item-body">
            {kind.kind === 'route' ? (
              <select
                className="select"
                aria-label={`Reply ${i + 1}: route`}
                data-testid={`scripted-route-${i}`}
                value={isRecord(r.structured) && typeof r.structured.route === 'string' ? r.structured.route : ''}
                disabled={readOnly}
                onChange={(e) => update(i, routeReply(e.target.value), 'route')}
              >
                {kind.routes.map((route) => (
                  <option key={route.id} value={route.id}>
                    Take “{route.label}”
                  </option>
                ))}
              </select>
            ) : kind.kind === 'text' ? (
              <textarea
                className="textarea prose"
                aria-label={`Reply ${i + 1}`}
                data-testid={`scripted-text-${i}`}
                value={r.content ?? ''}
                readOnly={readOnly}
                onChange={(e) => update(i, { ...r, content: e.target.value }, 'text')}
              />
            ) : (
              <JsonField
                testId={`scripted-structured-${i}`}
                label={`Reply ${i + 1}`}
                value={r.structured}
                readOnly={readOnly}
                invalid={false}
                onChange={(v) => update(i, { ...r, structured: isRecord(v) ? v : {} }, 'structured')}
              />
            )}
          </div>
          {!readOnly && (
            <div className="array-item-actions">
              <button
                type="button"
                className="btn ghost small icon danger"
                title="Remove this reply"
                onClick={() => set(replies.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            </div>
          )}
        </div>
      ))}
      {!readOnly && (
        <button
          type="button"
          className="btn small"
          data-testid="add-scripted-reply"
          onClick={() => set([...replies, newReply(node)])}
        >
          + Add scripted reply
        </button>
      )}
    </section>
  );
}
