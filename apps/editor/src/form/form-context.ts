import { createContext, useContext } from 'react';

export interface FormContext {
  /** Problems for a path inside the edited value. */
  issuesAt: (path: readonly (string | number)[]) => string[];
  /** Channel names offered by channel fields. */
  channels: readonly string[];
  readOnly: boolean;
  /** Prefix of `data-testid`s: `${prefix}-${path}`. */
  testIdPrefix: string;
}

export const FormCtx = createContext<FormContext>({ issuesAt: () => [], channels: [], readOnly: false, testIdPrefix: 'field' });

export function useFormContext(): FormContext {
  return useContext(FormCtx);
}

export function pathId(prefix: string, path: readonly (string | number)[]): string {
  return `${prefix}-${path.join('.')}`;
}
