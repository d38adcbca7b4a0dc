import { emptyValue, isRecord, kindOf } from '../model/json-schema.js';
import type { FieldSpec } from './form-fields.js';
import { widgetFor } from './form-fields.js';
import { pathId, useFormContext } from './form-context.js';
import { FieldControl } from './FieldControl.js';
import { ObjectFields } from './ObjectFields.js';

interface Props {
  field: FieldSpec;
  value: unknown[];
  path: (string | number)[];
  onChange: (value: unknown, changedPath: string) => void;
}

/** A list: one row per item (objects as sub-forms), add, remove and reorder. */
export function ArrayField({ field, value, path, onChange }: Props) {
  const { readOnly, testIdPrefix, newItem } = useFormContext();
  const items = field.schema.items ?? {};
  const itemIsObject = kindOf(items) === 'object' && items.properties !== undefined;
  // An array field with a scalar widget hint (e.g. end outputs: channel) uses it for each item.
  const own = field.itemWidget ?? widgetFor(items, undefined);
  const scalarWidget = own === 'hidden' || own === 'array' || own === 'object' ? 'json' : own;
  const key = path.join('.');
  const set = (i: number, v: unknown, changed: string) =>
    onChange(
      value.map((x, j) => (j === i ? v : x)),
      changed,
    );
  const remove = (i: number) =>
    onChange(
      value.filter((_, j) => j !== i),
      `${key}.remove`,
    );
  const move = (i: number, d: -1 | 1) => {
    const next = [...value];
    const [item] = next.splice(i, 1);
    next.splice(i + d, 0, item);
    onChange(next, `${key}.move`);
  };
  const limit = field.schema.maxItems;
  return (
    <div className="array-field" data-testid={pathId(testIdPrefix, path)}>
      {value.map((item, i) => (
        <div key={i} className="array-item" data-testid={pathId(`${testIdPrefix}-item`, [...path, i])}>
          <div className="array-item-body">
            {itemIsObject ? (
              <ObjectFields
                schema={items}
                value={isRecord(item) ? item : {}}
                path={[...path, i]}
                onChange={(v, changed) => set(i, v, changed)}
              />
            ) : (
              <FieldControl
                field={{
                  ...field,
                  key: String(i),
                  widget: scalarWidget,
                  itemWidget: undefined,
                  schema: items,
                  required: true,
                }}
                value={item}
                path={[...path, i]}
                onChange={(v, changed) => set(i, v, changed)}
                invalid={false}
              />
            )}
          </div>
          {!readOnly && (
            <div className="array-item-actions">
              <button
                type="button"
                className="btn ghost small icon"
                title="Move up"
                disabled={i === 0}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="btn ghost small icon"
                title="Move down"
                disabled={i === value.length - 1}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                className="btn ghost small icon danger"
                title="Remove"
                data-testid={pathId(`${testIdPrefix}-remove`, [...path, i])}
                onClick={() => remove(i)}
              >
                ✕
              </button>
            </div>
          )}
        </div>
      ))}
      {!readOnly && (limit === undefined || value.length < limit) && (
        <button
          type="button"
          className="btn small"
          data-testid={pathId(`${testIdPrefix}-add`, path)}
          onClick={() => onChange([...value, newItem?.(path, value) ?? emptyValue(items)], `${key}.add`)}
        >
          + Add {field.label.toLowerCase().replace(/s$/, '')}
        </button>
      )}
    </div>
  );
}
