import { Suspense, lazy } from 'react';

const MonacoField = lazy(() => import('./MonacoField.js'));

export interface CodeFieldProps {
  value: string;
  onChange: (value: string) => void;
  language: string;
  height: number;
  readOnly?: boolean;
  /** No auto-closing brackets or quotes (JSON typed or pasted as is). */
  plain?: boolean;
  /** `value` is only the initial text (remount with a new key to reset): no echo of each keystroke. */
  uncontrolled?: boolean;
}

/** A code/template editor: Monaco once loaded (lazily), a plain text area until then. */
export function CodeField(props: CodeFieldProps & { testId?: string; invalid?: boolean }) {
  const { testId, invalid, ...rest } = props;
  return (
    <div className={`code-field${invalid ? ' invalid' : ''}`} data-testid={testId} style={{ minHeight: props.height }}>
      <Suspense
        fallback={
          <textarea
            className="textarea code-fallback"
            style={{ height: props.height }}
            value={props.value}
            readOnly={props.readOnly}
            onChange={(e) => props.onChange(e.target.value)}
          />
        }
      >
        <MonacoField {...rest} />
      </Suspense>
    </div>
  );
}
