import { useMemo, useState } from 'react';
import type { ThreadState } from '../api/debug-api.js';
import { editAndFork } from '../controllers/debug-controller.js';
import { useDocument } from '../stores/app-stores.js';
import { CodeField } from '../code/CodeField.js';
import { planStateEdit, stateText } from './state-edit.js';

/**
 * Edit the state at a checkpoint as JSON (checked against the channel types as you type), write
 * it as a chosen node, and continue from the new branch; the original history stays.
 */
export function StateEditor({
  checkpoint,
  ran,
  onDone,
}: {
  checkpoint: ThreadState;
  ran: readonly string[];
  onDone: (newId: string) => void;
}) {
  const channels = useDocument((s) => s.doc.state);
  const nodes = useDocument((s) => s.doc.nodes);
  const [text, setText] = useState(() => stateText(checkpoint.values));
  const [generation, setGeneration] = useState(0);
  const [asNode, setAsNode] = useState(ran[0] ?? '');
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | undefined>();
  const plan = useMemo(() => planStateEdit(checkpoint.values, text, channels), [checkpoint.values, text, channels]);
  const submit = async (thenContinue: boolean) => {
    if (!plan.ok) return;
    setBusy(true);
    setServerError(undefined);
    const r = await editAndFork(checkpoint.checkpointId, plan.values, asNode || undefined, thenContinue);
    setBusy(false);
    if (r.ok) onDone(r.checkpointId);
    else setServerError(r.message);
  };
  return (
    <div className="state-editor stack" data-testid="state-editor">
      <div className="faint small">
        Edit the values as JSON. Channels left out stay as they are; null clears one. The edit becomes a new checkpoint
        on its own branch.
      </div>
      <CodeField
        key={generation}
        testId="state-json"
        value={text}
        onChange={setText}
        language="javascript"
        height={220}
        plain
        uncontrolled
        invalid={!plan.ok}
      />
      {!plan.ok && (
        <ul className="problem-list compact" data-testid="state-problems">
          {plan.problems.map((p, i) => (
            <li key={i} className="problem-text" data-channel={p.channel ?? ''}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {plan.ok && (
        <div className="small faint" data-testid="state-changes">
          {plan.changed.length === 0 ? 'No change yet' : `Writes: ${plan.changed.join(', ')}`}
        </div>
      )}
      {serverError && (
        <div className="problem-text" data-testid="state-server-error">
          {serverError}
        </div>
      )}
      <div className="row wrap">
        <label className="small" htmlFor="as-node">
          as node
        </label>
        <select
          id="as-node"
          className="select narrow-auto"
          data-testid="as-node"
          value={asNode}
          onChange={(e) => setAsNode(e.target.value)}
        >
          <option value="">(engine default: the last writer)</option>
          {nodes.map((n) => (
            <option key={n.id} value={n.id}>
              {n.label || n.id}
            </option>
          ))}
        </select>
      </div>
      <div className="row wrap">
        <button
          type="button"
          className="btn small"
          data-testid="edit-save"
          disabled={busy || !plan.ok}
          onClick={() => void submit(false)}
          title="Write the edit as a new checkpoint (a branch)"
        >
          Save as branch
        </button>
        <button
          type="button"
          className="btn small primary"
          data-testid="edit-continue"
          disabled={busy || !plan.ok}
          onClick={() => void submit(true)}
          title="Write the edit, then run on from it"
        >
          Save &amp; continue
        </button>
        <button
          type="button"
          className="btn ghost small"
          disabled={busy}
          onClick={() => {
            setText(stateText(checkpoint.values));
            setGeneration((g) => g + 1);
          }}
        >
          Reset
        </button>
      </div>
    </div>
  );
}
