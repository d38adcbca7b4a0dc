import { useStore } from 'zustand';
import { promptDialog } from '../stores/app-stores.js';
import { runInputsStore } from '../stores/run-inputs-store.js';
import type { InputValues } from '../stores/run-inputs-store.js';

const NONE: Record<string, InputValues> = {};

/** Named test inputs of a workflow: pick one to fill the form, save the current one under a name. */
export function SavedInputs(props: { workflowId: string; values: InputValues; onPick: (v: InputValues) => void }) {
  const saved = useStore(runInputsStore, (s) => s.saved[props.workflowId] ?? NONE);
  const names = Object.keys(saved);
  const save = async () => {
    const name = await promptDialog('Save test input', 'A name to find it again.', `Test ${names.length + 1}`, 'Save');
    if (name) runInputsStore.getState().save(props.workflowId, name, props.values);
  };
  return (
    <div className="row wrap saved-inputs" data-testid="saved-inputs">
      <select
        className="select grow"
        aria-label="Saved test inputs"
        data-testid="saved-input-select"
        value=""
        disabled={names.length === 0}
        title={names.length === 0 ? 'No saved test inputs yet' : undefined}
        onChange={(e) => {
          const v = saved[e.target.value];
          if (v) props.onPick(v);
        }}
      >
        <option value="">{names.length === 0 ? 'No saved test inputs' : 'Use a saved test input…'}</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <button type="button" className="btn small" onClick={() => void save()} data-testid="save-test-input">
        Save input
      </button>
    </div>
  );
}
