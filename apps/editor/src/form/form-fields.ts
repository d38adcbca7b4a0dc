import type { UiHint } from '@flowcraft/schema';
import { kindOf } from '../model/json-schema.js';
import type { JsonSchema } from '../model/json-schema.js';

export type Widget =
  | 'text'
  | 'textarea'
  | 'code'
  | 'json'
  | 'template'
  | 'expression'
  | 'model'
  | 'channel'
  | 'select'
  | 'number'
  | 'switch'
  | 'workflow'
  | 'object'
  | 'array';

export interface FieldSpec {
  key: string;
  label: string;
  help: string | undefined;
  placeholder: string | undefined;
  schema: JsonSchema;
  widget: Widget;
  language: string | undefined;
  /** For lists of scalars: the widget of each item (an array field's UI hint, e.g. channel). */
  itemWidget: Widget | undefined;
  required: boolean;
  advanced: boolean;
}

function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim();
  return (
    words.charAt(0).toUpperCase() +
    words
      .slice(1)
      .toLowerCase()
      .replace(/\bms\b/, '(ms)')
      .replace(/\bmb\b/, '(MB)')
  );
}

/** The widget for a field: the UI hint when given, else one that fits the schema type. */
export function widgetFor(schema: JsonSchema, hint: UiHint | undefined): Widget | 'hidden' {
  const kind = kindOf(schema);
  if (hint?.widget) {
    // A hint names the widget of a scalar; arrays and objects keep their structure (items use the hint).
    if (
      (kind === 'array' || (kind === 'object' && schema.properties)) &&
      hint.widget !== 'json' &&
      hint.widget !== 'hidden'
    )
      return kind === 'array' ? 'array' : 'object';
    return hint.widget;
  }
  switch (kind) {
    case 'string':
      return schema.enum ? 'select' : 'text';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'switch';
    case 'array':
      return 'array';
    case 'object':
      return schema.properties ? 'object' : 'json';
    default:
      return 'json';
  }
}

/** The fields of an object schema, in UI-hint order then schema order; hidden fields left out. */
export function fieldsOf(schema: JsonSchema, ui: Record<string, UiHint> = {}): FieldSpec[] {
  const props = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields: (FieldSpec & { order: number; index: number })[] = [];
  props.forEach(([key, prop], index) => {
    const hint = ui[key];
    const widget = widgetFor(prop, hint);
    if (widget === 'hidden') return;
    fields.push({
      key,
      label: hint?.label ?? prop.title ?? humanize(key),
      help: hint?.help ?? prop.description,
      placeholder: hint?.placeholder,
      schema: prop,
      widget,
      language: hint?.language,
      itemWidget: widget === 'array' && hint?.widget && hint.widget !== 'hidden' ? hint.widget : undefined,
      required: required.has(key),
      advanced: hint?.advanced === true || key === 'retry' || key === 'timeoutMs',
      order: hint?.order ?? 100,
      index,
    });
  });
  fields.sort((a, b) => a.order - b.order || a.index - b.index);
  return fields.map(({ order: _order, index: _index, ...f }) => f);
}

/** Whether an empty text value should remove the field (optional, no default) rather than store "". */
export function dropsWhenEmpty(field: Pick<FieldSpec, 'schema' | 'required'>): boolean {
  return !field.required && field.schema.default === undefined;
}
