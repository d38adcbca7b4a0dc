import { useState } from 'react';
import type { UiHint } from '@flowcraft/schema';
import type { JsonSchema } from '../model/json-schema.js';
import { fieldsOf } from './form-fields.js';
import { FieldRow } from './FieldRow.js';

interface Props {
  schema: JsonSchema;
  ui?: Record<string, UiHint> | undefined;
  value: Record<string, unknown>;
  path: (string | number)[];
  onChange: (value: Record<string, unknown>, path: string) => void;
}

/** The fields of one object; advanced ones folded away. */
export function ObjectFields({ schema, ui, value, path, onChange }: Props) {
  const fields = fieldsOf(schema, ui);
  const set = (key: string, v: unknown, changed: string) => {
    const next = { ...value };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next, changed);
  };
  const [open, setOpen] = useState(false);
  const basic = fields.filter((f) => !f.advanced);
  const advanced = fields.filter((f) => f.advanced);
  return (
    <>
      {basic.map((f) => (
        <FieldRow
          key={f.key}
          field={f}
          value={value[f.key]}
          path={[...path, f.key]}
          onChange={(v, changed) => set(f.key, v, changed)}
        />
      ))}
      {advanced.length > 0 && (
        <details className="advanced" onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>Advanced</summary>
          {/* Rendered once opened: advanced fields may hold Monaco editors, which load lazily. */}
          {open &&
            advanced.map((f) => (
              <FieldRow
                key={f.key}
                field={f}
                value={value[f.key]}
                path={[...path, f.key]}
                onChange={(v, changed) => set(f.key, v, changed)}
              />
            ))}
        </details>
      )}
    </>
  );
}
