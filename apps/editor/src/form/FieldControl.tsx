import { isRecord, kindOf } from '../model/json-schema.js';
import { CodeField } from '../code/CodeField.js';
import { EXPRESSION_LANGUAGE, TEMPLATE_LANGUAGE } from '../code/template-language.js';
import type { FieldSpec } from './form-fields.js';
import { dropsWhenEmpty } from './form-fields.js';
import { pathId, useFormContext } from './form-context.js';
import type { ChannelOption } from './form-context.js';
import { ArrayField } from './ArrayField.js';
import { JsonField } from './JsonField.js';
import { ObjectFields } from './ObjectFields.js';
import { ModelField } from './ModelField.js';

interface Props {
  field: FieldSpec;
  value: unknown;
  path: (string | number)[];
  onChange: (value: unknown, changedPath: string) => void;
  invalid: boolean;
}

function channelLabel(c: ChannelOption): string {
  const who = c.writtenBy ? ` · ${c.upstream ? 'from' : 'written by'} ${c.writtenBy}` : '';
  return `${c.type}${who}`;
}

const CODE_HEIGHT: Record<string, number> = { template: 96, code: 160, expression: 34 };

function languageOf(field: FieldSpec): string {
  if (field.widget === 'expression') return EXPRESSION_LANGUAGE;
  if (field.widget === 'template') return TEMPLATE_LANGUAGE;
  if (field.language === 'json') return 'javascript';
  return field.language ?? 'javascript';
}

/** The input for one field, by widget. */
export function FieldControl({ field, value, path, onChange, invalid }: Props) {
  const { channels, channelOptions, readOnly, testIdPrefix, renderField } = useFormContext();
  const id = pathId(testIdPrefix, path);
  const custom = renderField?.({ field, path, value, onChange, readOnly, invalid, id });
  if (custom !== undefined) return custom;
  const key = path.join('.');
  const cls = invalid ? ' invalid' : '';
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const setText = (v: string) => onChange(v === '' && dropsWhenEmpty(field) ? undefined : v, key);

  switch (field.widget) {
    case 'switch':
      return (
        <input
          id={id}
          data-testid={id}
          type="checkbox"
          className="switch"
          checked={value === true}
          disabled={readOnly}
          onChange={(e) => onChange(e.target.checked, key)}
        />
      );
    case 'number':
      return (
        <input
          id={id}
          data-testid={id}
          type="number"
          className={`input${cls}`}
          value={typeof value === 'number' ? value : ''}
          min={field.schema.minimum}
          max={field.schema.maximum}
          step={kindOf(field.schema) === 'integer' ? 1 : 'any'}
          readOnly={readOnly}
          placeholder={field.schema.default !== undefined ? String(field.schema.default) : undefined}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value), key)}
        />
      );
    case 'select': {
      const options = (field.schema.enum ?? []).map(String);
      return (
        <select
          id={id}
          data-testid={id}
          className={`select${cls}`}
          value={text}
          disabled={readOnly}
          onChange={(e) => setText(e.target.value)}
        >
          {!field.required && field.schema.default === undefined && <option value="">—</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    }
    case 'textarea':
      return (
        <textarea
          id={id}
          data-testid={id}
          className={`textarea${cls}`}
          value={text}
          readOnly={readOnly}
          onChange={(e) => setText(e.target.value)}
        />
      );
    case 'template':
    case 'code':
    case 'expression':
      return (
        <CodeField
          testId={id}
          invalid={invalid}
          value={text}
          onChange={setText}
          language={languageOf(field)}
          height={CODE_HEIGHT[field.widget] ?? 96}
          readOnly={readOnly}
        />
      );
    case 'json':
      return (
        <JsonField
          testId={id}
          label={field.label}
          value={value}
          onChange={(v) => onChange(v, key)}
          readOnly={readOnly}
          invalid={invalid}
        />
      );
    case 'model':
      return (
        <ModelField
          id={id}
          value={text}
          onChange={setText}
          readOnly={readOnly}
          invalid={invalid}
          emptyLabel={
            field.placeholder ??
            (field.required || field.schema.default !== undefined ? 'choose a model' : 'workflow default')
          }
        />
      );
    case 'channel':
      return (
        <>
          <input
            id={id}
            data-testid={id}
            className={`input${cls}`}
            list={`${id}-options`}
            value={text}
            readOnly={readOnly}
            placeholder={field.placeholder ?? 'channel'}
            onChange={(e) => setText(e.target.value)}
          />
          <datalist id={`${id}-options`} data-testid={`${id}-options`}>
            {(channelOptions ?? channels.map((c) => ({ name: c, type: '', upstream: false }))).map((c) => (
              <option key={c.name} value={c.name} label={channelLabel(c)} />
            ))}
          </datalist>
        </>
      );
    case 'object':
      return (
        <fieldset className="object-field" data-testid={id}>
          <ObjectFields
            schema={field.schema}
            value={isRecord(value) ? value : {}}
            path={path}
            onChange={(v, changed) => onChange(v, changed)}
          />
        </fieldset>
      );
    case 'array':
      return <ArrayField field={field} value={Array.isArray(value) ? value : []} path={path} onChange={onChange} />;
    default:
      return (
        <input
          id={id}
          data-testid={id}
          className={`input${cls}`}
          value={text}
          readOnly={readOnly}
          placeholder={field.placeholder}
          onChange={(e) => setText(e.target.value)}
        />
      );
  }
}
