import { useMemo, useState } from 'react';
import type { ModelProvider } from '../api/integrations-api.js';
import { describeModel, isListed, modelGroups } from '../model/model-options.js';
import type { Tiers } from '../model/model-options.js';

const OTHER = '\u0000other';

export interface ModelPickerProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  /** Providers from `GET /v1/models`; undefined while loading or when the engine could not be asked. */
  providers: readonly ModelProvider[] | undefined;
  tiers: Tiers | undefined;
  /** Why the list is missing (shown; free text still works). */
  error?: string | undefined;
  readOnly: boolean;
  invalid: boolean;
  /** Shown for the empty value, e.g. "workflow default". */
  emptyLabel: string;
}

/**
 * The `model` widget: the engine's configured providers and their models, the workflow's tiers,
 * and free text for any other `provider:model`. The scripted model is labelled as such.
 */
export function ModelPicker({
  id,
  value,
  onChange,
  providers,
  tiers,
  error,
  readOnly,
  invalid,
  emptyLabel,
}: ModelPickerProps) {
  const groups = useMemo(() => modelGroups(providers ?? [], tiers), [providers, tiers]);
  const [typing, setTyping] = useState(false);
  const custom = typing || (value !== '' && !isListed(groups, value));
  const info = describeModel(value, providers, tiers);
  return (
    <div className="model-picker">
      <select
        id={id}
        data-testid={`${id}-picker`}
        className={`select${invalid ? ' invalid' : ''}`}
        value={custom ? OTHER : value}
        disabled={readOnly}
        onChange={(e) => {
          const v = e.target.value;
          if (v === OTHER) {
            setTyping(true);
            return;
          }
          setTyping(false);
          onChange(v);
        }}
      >
        <option value="">— {emptyLabel} —</option>
        {groups.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.options.map((o) => (
              <option key={o.value} value={o.value} disabled={g.disabled && o.value !== value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
        <option value={OTHER}>Other (type provider:model)…</option>
      </select>
      {custom && (
        <input
          data-testid={id}
          className={`input${invalid ? ' invalid' : ''}`}
          value={value}
          readOnly={readOnly}
          autoFocus={typing && value === ''}
          placeholder="provider:model or tier:name"
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {providers === undefined && !error && <div className="field-help">Loading the engine’s models…</div>}
      {error && <div className="field-help">Could not list the engine’s models ({error}); type provider:model.</div>}
      {info && (
        <div className={`field-help model-info ${info.tone}`} data-testid={`${id}-info`}>
          {info.text}
        </div>
      )}
    </div>
  );
}
