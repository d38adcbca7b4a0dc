import type { FieldSpec } from './form-fields.js';
import { pathId, useFormContext } from './form-context.js';
import { FieldControl } from './FieldControl.js';

interface Props {
  field: FieldSpec;
  value: unknown;
  path: (string | number)[];
  onChange: (value: unknown, changedPath: string) => void;
}

/** Label, control, help and problems of one field. */
export function FieldRow({ field, value, path, onChange }: Props) {
  const { issuesAt, testIdPrefix, fixesAt, readOnly } = useFormContext();
  const issues = issuesAt(path);
  const fixes = readOnly || issues.length === 0 ? [] : (fixesAt?.(path) ?? []);
  const inline = field.widget === 'switch';
  return (
    <div
      className={`field${inline ? ' inline' : ''}${issues.length > 0 ? ' has-issues' : ''}`}
      data-testid={pathId(`${testIdPrefix}-row`, path)}
    >
      <label className="field-label" htmlFor={pathId(testIdPrefix, path)}>
        {field.label}
        {field.required && <span className="required">*</span>}
      </label>
      <FieldControl field={field} value={value} path={path} onChange={onChange} invalid={issues.length > 0} />
      {field.help && !inline && <div className="field-help">{field.help}</div>}
      {issues.map((m) => (
        <div key={m} className="problem-text" data-testid="field-problem">
          {m}
        </div>
      ))}
      {fixes.map((f) => (
        <button key={f.testId} type="button" className="btn small fix" data-testid={f.testId} onClick={f.apply}>
          {f.label}
        </button>
      ))}
    </div>
  );
}
