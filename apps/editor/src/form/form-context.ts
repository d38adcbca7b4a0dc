import { createContext, useContext } from 'react';
import type { ReactNode } from 'react';
import type { FieldSpec } from './form-fields.js';

/** A custom control for a field (return undefined to keep the widget's own). */
export type FieldRender = (args: {
  field: FieldSpec;
  path: readonly (string | number)[];
  value: unknown;
  onChange: (value: unknown, changedPath: string) => void;
  readOnly: boolean;
  invalid: boolean;
  id: string;
}) => ReactNode | undefined;

export interface FormContext {
  /** Problems for a path inside the edited value. */
  issuesAt: (path: readonly (string | number)[]) => string[];
  /** Channel names offered by channel fields. */
  channels: readonly string[];
  readOnly: boolean;
  /** Prefix of `data-testid`s: `${prefix}-${path}`. */
  testIdPrefix: string;
  renderField?: FieldRender | undefined;
}

export const FormCtx = createContext<FormContext>({
  issuesAt: () => [],
  channels: [],
  readOnly: false,
  testIdPrefix: 'field',
});

export function useFormContext(): FormContext {
  return useContext(FormCtx);
}

export function pathId(prefix: string, path: readonly (string | number)[]): string {
  return `${prefix}-${path.join('.')}`;
}
