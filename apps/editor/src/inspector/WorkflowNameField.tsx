import { useEffect, useState } from 'react';
import { documentStore, useDocument } from '../stores/app-stores.js';
import { nameProblem } from '../model/copy-name.js';

/** The workflow's name: a name that cannot be stored (empty, too long) stays in the field, refused, never saved. */
export function WorkflowNameField() {
  const name = useDocument((s) => s.doc.name);
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
  const [text, setText] = useState(name);
  useEffect(() => setText((t) => (nameProblem(t) === undefined ? name : t)), [name]);
  const problem = nameProblem(text);
  return (
    <div className={`field${problem ? ' has-issues' : ''}`}>
      <label className="field-label" htmlFor="wf-name">
        Name<span className="required">*</span>
      </label>
      <input
        id="wf-name"
        className={`input${problem ? ' invalid' : ''}`}
        data-testid="workflow-name-input"
        value={text}
        readOnly={readOnly}
        aria-invalid={problem !== undefined}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (nameProblem(next) === undefined) documentStore.getState().edit((d) => ({ ...d, name: next }), 'wf-name');
        }}
      />
      {problem && (
        <div className="problem-text" data-testid="field-problem">
          {problem} The last valid name, “{name}”, is kept.
        </div>
      )}
    </div>
  );
}
