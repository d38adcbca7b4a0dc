import { useEffect, useState } from 'react';
import { CodeField } from '../code/CodeField.js';
import { draftErrorsStore } from '../stores/draft-errors-store.js';

interface Props {
  value: unknown;
  onChange: (value: unknown) => void;
  readOnly: boolean;
  invalid: boolean;
  testId: string;
  /** Names the field in the message that blocks Save. */
  label?: string | undefined;
}

function show(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** Any JSON value, edited as text; only parseable text is stored. */
export function JsonField({ value, onChange, readOnly, invalid, testId, label }: Props) {
  const [text, setText] = useState(() => show(value));
  const [error, setError] = useState<string | undefined>();
  // Text that does not parse blocks Save (nothing typed is silently dropped) until fixed or unmounted.
  useEffect(() => {
    draftErrorsStore.getState().set(testId, error === undefined ? undefined : `${label ?? testId}: ${error}`);
  }, [error, testId, label]);
  useEffect(() => () => draftErrorsStore.getState().set(testId, undefined), [testId]);
  useEffect(() => {
    // Follow outside changes (undo) unless the text already means this value.
    setText((current) => {
      try {
        return current.trim() !== '' && JSON.stringify(JSON.parse(current)) === JSON.stringify(value)
          ? current
          : show(value);
      } catch {
        return current;
      }
    });
  }, [value]);
  const change = (t: string) => {
    setText(t);
    if (t.trim() === '') {
      setError(undefined);
      onChange(undefined);
      return;
    }
    try {
      onChange(JSON.parse(t));
      setError(undefined);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'invalid JSON');
    }
  };
  return (
    <>
      <CodeField
        testId={testId}
        value={text}
        onChange={change}
        language="javascript"
        height={110}
        readOnly={readOnly}
        invalid={invalid || error !== undefined}
      />
      {error && (
        <div className="problem-text" data-testid="field-problem">
          JSON: {error} — not saved until fixed
        </div>
      )}
    </>
  );
}
