import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import type { UiHint } from '@flowcraft/schema';
import { readSchema } from '../model/json-schema.js';
import { SchemaForm } from './SchemaForm.js';
import { fieldsOf, widgetFor } from './form-fields.js';

afterEach(cleanup);

// The router's config schema as the engine serves it (z.toJSONSchema, io: input).
const routerSchema = readSchema({
  type: 'object',
  properties: {
    mode: { default: 'llm', type: 'string', enum: ['llm', 'rules'] },
    routes: {
      default: [{ id: 'a', label: 'A', description: '' }],
      minItems: 1,
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', minLength: 1 },
          label: { default: '', type: 'string' },
          when: { type: 'string' },
        },
        required: ['id'],
        additionalProperties: false,
      },
    },
    threshold: { default: 0.5, type: 'number', minimum: 0, maximum: 1 },
    matchAll: { default: false, type: 'boolean' },
    decision: { type: 'string' },
    secret: { type: 'string' },
    retry: {
      type: 'object',
      properties: { maxAttempts: { default: 1, type: 'integer' } },
      additionalProperties: false,
    },
  },
});
const ui: Record<string, UiHint> = {
  mode: { widget: 'select', order: 0 },
  routes: { label: 'Routes' },
  threshold: { widget: 'number' },
  decision: { widget: 'channel', advanced: true },
  secret: { widget: 'hidden' },
};

function Harness({
  initial,
  onValue,
  issues = {},
}: {
  initial: Record<string, unknown>;
  onValue: (v: Record<string, unknown>) => void;
  issues?: Record<string, string[]>;
}) {
  const [value, setValue] = useState(initial);
  return (
    <SchemaForm
      schema={routerSchema}
      ui={ui}
      value={value}
      channels={['intent', 'answer']}
      issuesAt={(path) => issues[path.join('.')] ?? []}
      onChange={(v) => {
        setValue(v);
        onValue(v);
      }}
    />
  );
}

describe('field layout from schema and hints', () => {
  it('orders by hint order then schema order, hides hidden fields, folds advanced ones', () => {
    const fields = fieldsOf(routerSchema, ui);
    expect(fields.map((f) => f.key)).toEqual(['mode', 'routes', 'threshold', 'matchAll', 'decision', 'retry']);
    expect(fields.find((f) => f.key === 'decision')).toMatchObject({ widget: 'channel', advanced: true });
    expect(fields.find((f) => f.key === 'retry')).toMatchObject({ widget: 'object', advanced: true });
    expect(fields.find((f) => f.key === 'matchAll')).toMatchObject({ widget: 'switch', label: 'Match all' });
  });

  it('picks widgets from the schema type when there is no hint', () => {
    expect(widgetFor({ type: 'string', enum: ['a'] }, undefined)).toBe('select');
    expect(widgetFor({ type: 'integer' }, undefined)).toBe('number');
    expect(widgetFor({ type: 'object', additionalProperties: {} }, undefined)).toBe('json');
    expect(widgetFor({ type: 'array', items: { type: 'string' } }, { widget: 'channel' })).toBe('array');
    expect(widgetFor({}, undefined)).toBe('json');
  });
});

describe('SchemaForm', () => {
  it('edits selects, numbers, switches and list items, producing the new config', () => {
    const values: Record<string, unknown>[] = [];
    render(
      <Harness
        initial={{ mode: 'llm', routes: [{ id: 'a', label: 'A' }], threshold: 0.5, matchAll: false }}
        onValue={(v) => values.push(v)}
      />,
    );
    fireEvent.change(screen.getByTestId('field-mode'), { target: { value: 'rules' } });
    fireEvent.change(screen.getByTestId('field-threshold'), { target: { value: '0.8' } });
    fireEvent.click(screen.getByTestId('field-matchAll'));
    fireEvent.change(screen.getByTestId('field-routes.0.id'), { target: { value: 'greet' } });
    fireEvent.click(screen.getByTestId('field-add-routes'));
    fireEvent.change(screen.getByTestId('field-routes.1.id'), { target: { value: 'other' } });
    expect(values.at(-1)).toEqual({
      mode: 'rules',
      routes: [
        { id: 'greet', label: 'A' },
        { id: 'other', label: '' },
      ],
      threshold: 0.8,
      matchAll: true,
    });
    fireEvent.click(screen.getByTestId('field-remove-routes.0'));
    expect(values.at(-1)?.routes).toEqual([{ id: 'other', label: '' }]);
  });

  it('removes an optional field without default when it is emptied, and keeps hidden fields', () => {
    const values: Record<string, unknown>[] = [];
    const { container } = render(
      <Harness
        initial={{ mode: 'llm', routes: [], decision: 'intent', secret: 'x' }}
        onValue={(v) => values.push(v)}
      />,
    );
    expect(screen.queryByTestId('field-secret')).toBeNull();
    // Advanced fields render once their section is opened.
    expect(screen.queryByTestId('field-decision')).toBeNull();
    const details = container.querySelector('details.advanced');
    if (!(details instanceof HTMLDetailsElement)) throw new Error('no advanced section');
    details.open = true;
    fireEvent(details, new Event('toggle'));
    fireEvent.change(screen.getByTestId('field-decision'), { target: { value: '' } });
    expect(values.at(-1)).toEqual({ mode: 'llm', routes: [], secret: 'x' });
  });

  it('shows problems at their field', () => {
    render(
      <Harness
        initial={{ mode: 'llm', routes: [{ id: '' }] }}
        onValue={() => undefined}
        issues={{ 'routes.0.id': ['is required'], threshold: ['must be at most 1'] }}
      />,
    );
    const row = screen.getByTestId('field-row-routes.0.id');
    expect(row.textContent).toContain('is required');
    expect(screen.getByTestId('field-routes.0.id').className).toContain('invalid');
    expect(screen.getByTestId('field-row-threshold').textContent).toContain('must be at most 1');
    expect(screen.getAllByTestId('field-problem')).toHaveLength(2);
  });

  it('renders a read-only form without add or remove buttons', () => {
    render(
      <SchemaForm
        schema={routerSchema}
        ui={ui}
        value={{ routes: [{ id: 'a' }] }}
        readOnly
        onChange={() => undefined}
      />,
    );
    expect(screen.queryByTestId('field-add-routes')).toBeNull();
    expect(screen.getByTestId('field-routes.0.id').hasAttribute('readonly')).toBe(true);
  });
});
