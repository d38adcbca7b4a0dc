import { useMemo } from 'react';
import type { UiHint } from '@flowcraft/schema';
import type { JsonSchema } from '../model/json-schema.js';
import { FormCtx } from './form-context.js';
import type { ChannelOption, FieldFix, FieldRender, FormContext } from './form-context.js';
import { ObjectFields } from './ObjectFields.js';

export interface SchemaFormProps {
  schema: JsonSchema;
  ui?: Record<string, UiHint> | undefined;
  value: Record<string, unknown>;
  /** The new value, and the path of the field that changed (to merge quick edits into one undo step). */
  onChange: (value: Record<string, unknown>, path: string) => void;
  issuesAt?: (path: readonly (string | number)[]) => string[];
  channels?: readonly string[];
  readOnly?: boolean;
  testIdPrefix?: string;
  /** Custom controls for some fields (e.g. MCP pickers). */
  renderField?: FieldRender;
  channelOptions?: readonly ChannelOption[];
  fixesAt?: (path: readonly (string | number)[]) => FieldFix[];
  newItem?: (path: readonly (string | number)[], existing: readonly unknown[]) => unknown;
}

/** A form generated from a JSON Schema and UI hints (our own small renderer; see the editor CONTEXT). */
export function SchemaForm({
  schema,
  ui,
  value,
  onChange,
  issuesAt,
  channels,
  readOnly,
  testIdPrefix,
  renderField,
  channelOptions,
  fixesAt,
  newItem,
}: SchemaFormProps) {
  const ctx = useMemo<FormContext>(
    () => ({
      issuesAt: issuesAt ?? (() => []),
      channels: channels ?? [],
      readOnly: readOnly ?? false,
      testIdPrefix: testIdPrefix ?? 'field',
      renderField,
      channelOptions,
      fixesAt,
      newItem,
    }),
    [issuesAt, channels, readOnly, testIdPrefix, renderField, channelOptions, fixesAt, newItem],
  );
  return (
    <FormCtx.Provider value={ctx}>
      <div className="schema-form">
        <ObjectFields schema={schema} ui={ui} value={value} path={[]} onChange={onChange} />
      </div>
    </FormCtx.Provider>
  );
}
