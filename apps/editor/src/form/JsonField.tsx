import { useEffect, useState } from 'react';
import { CodeField } from '../code/CodeField.js';

interface Props {
  value: unknown;
  onChange: (value: unknown) => void;
  readOnly: boolean;
  invalid: boolean;
  testId: string;
}

function show(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** Any JSON value, edited as text; only parseable text is stored. */
export function JsonField({ value, onChange, readOnly, invalid, testId }: Props) {
  const [text, setText] = useState(() => show(value));
  const [error, setError] = useState<string | undefined>();
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
      {error && <div className="problem-text">JSON: {error}</div>}
    </>
  );
}
