import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { runInputsStore } from '../stores/run-inputs-store.js';
import { SavedInputs } from './SavedInputs.js';
import { runWorkflow } from '../controllers/run-controller.js';
import { debugRun } from '../controllers/debug-controller.js';
import { useBreakpoints, useCatalog, useDocument, useRun } from '../stores/app-stores.js';
import { breakpointCount } from '../stores/breakpoints-store.js';
import { isActive } from '../model/run-state.js';
import { parseInput, runInputFields } from './run-inputs.js';

/** The run input form, generated from the start node, and the Run button. */
export function RunInputForm() {
  const doc = useDocument((s) => s.doc);
  const catalog = useCatalog((s) => s.catalog);
  const status = useRun((s) => s.run?.status);
  const fields = useMemo(() => runInputFields(doc, (t) => catalog?.describe(t)?.role === 'start'), [doc, catalog]);
  const workflowId = useDocument((s) => s.workflowId) ?? '';
  // The typed input lives in a store per workflow: kept across tab switches, saves and reloads.
  const draft = useStore(runInputsStore, (s) => s.drafts[workflowId]);
  const values = useMemo(() => {
    const next: Record<string, string> = {};
    for (const f of fields) next[f.channel] = draft?.[f.channel] ?? f.initial;
    return next;
  }, [fields, draft]);
  const setValues = (v: Record<string, string>) => runInputsStore.getState().setDraft(workflowId, v);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const breakpoints = useBreakpoints(breakpointCount);

  const submit = async (debug = false) => {
    const input: Record<string, unknown> = {};
    for (const f of fields) {
      const r = parseInput(f, values[f.channel] ?? '');
      if (!r.ok) {
        setError(r.message);
        return;
      }
      if (r.value !== undefined) input[f.channel] = r.value;
    }
    setError(undefined);
    setBusy(true);
    try {
      if (debug) await debugRun(input);
      else await runWorkflow(input);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="run-form stack"
      data-testid="run-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {fields.length === 0 && <div className="faint small">The start node takes no inputs.</div>}
      {fields.map((f) => (
        <div key={f.channel} className="field">
          <label className="field-label" htmlFor={`run-input-${f.channel}`}>
            {f.label}
            {f.required && <span className="required">*</span>} <span className="faint">{f.type}</span>
          </label>
          {f.type === 'boolean' ? (
            <input
              id={`run-input-${f.channel}`}
              data-testid={`run-input-${f.channel}`}
              type="checkbox"
              checked={values[f.channel] === 'true'}
              onChange={(e) => setValues({ ...values, [f.channel]: String(e.target.checked) })}
            />
          ) : (
            <textarea
              id={`run-input-${f.channel}`}
              data-testid={`run-input-${f.channel}`}
              className={`textarea prose${f.type === 'string' ? '' : ' mono'}`}
              rows={f.type === 'number' ? 1 : 3}
              value={values[f.channel] ?? ''}
              onChange={(e) => setValues({ ...values, [f.channel]: e.target.value })}
            />
          )}
          {f.description && <div className="field-help">{f.description}</div>}
        </div>
      ))}
      {error && <div className="problem-text">{error}</div>}
      {fields.length > 0 && workflowId && <SavedInputs workflowId={workflowId} values={values} onPick={setValues} />}
      <div className="row">
        <button
          type="submit"
          className="btn primary"
          disabled={busy || (status !== undefined && isActive(status))}
          title={status !== undefined && isActive(status) ? 'A run is in progress; wait for it or stop it' : undefined}
          data-testid="run-button"
        >
          ▶ Run
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy || (status !== undefined && isActive(status))}
          data-testid="debug-run-button"
          title="Run with the breakpoints set on the canvas; it pauses at each"
          onClick={() => void submit(true)}
        >
          Debug{breakpoints > 0 ? ` (${breakpoints})` : ''}
        </button>
      </div>
    </form>
  );
}
