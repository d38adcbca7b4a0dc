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

/** A channel offered by channel fields: its type and which node writes it (upstream nodes first). */
export interface ChannelOption {
  name: string;
  type: string;
  writtenBy?: string | undefined;
  upstream: boolean;
}

/** A one-click fix shown under a field. */
export interface FieldFix {
  label: string;
  testId: string;
  apply: () => void;
}

export interface FormContext {
  /** Problems for a path inside the edited value. */
  issuesAt: (path: readonly (string | number)[]) => string[];
  /** Channel names offered by channel fields. */
  channels: readonly string[];
  readOnly: boolean;
  /** Prefix of `data-testid`s: `${prefix}-${path}`. */
  testIdPrefix: string;
  renderField?: FieldRender | undefined;
  /** Channels with their types and writers (shown in channel pickers). */
  channelOptions?: readonly ChannelOption[] | undefined;
  /** One-click fixes for the problems of a field. */
  fixesAt?: ((path: readonly (string | number)[]) => FieldFix[]) | undefined;
  /** A new list item for `+ Add` (fresh ids and channel names); undefined keeps the schema's empty value. */
  newItem?: ((path: readonly (string | number)[], existing: readonly unknown[]) => unknown) | undefined;
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
