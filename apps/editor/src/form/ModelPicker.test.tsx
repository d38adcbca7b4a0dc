import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import type { ModelProvider } from '../api/integrations-api.js';
import { ModelPicker } from './ModelPicker.js';

afterEach(cleanup);

const providers: ModelProvider[] = [
  {
    provider: 'scripted',
    kind: 'scripted',
    configured: true,
    models: 'any',
    suggested: ['scripted:default'],
    streaming: true,
    tools: true,
    offline: true,
  },
  {
    provider: 'openai',
    kind: 'openai',
    configured: true,
    models: 'any',
    suggested: ['openai:gpt-4o-mini'],
    streaming: true,
    tools: true,
    offline: false,
  },
];

function Harness({ initial, list }: { initial: string; list: ModelProvider[] | undefined }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <ModelPicker
        id="field-model"
        value={value}
        onChange={setValue}
        providers={list}
        tiers={{ fast: 'openai:gpt-4o-mini' }}
        readOnly={false}
        invalid={false}
        emptyLabel="workflow default"
      />
      <output data-testid="value">{value}</output>
    </>
  );
}

describe('ModelPicker', () => {
  it('offers tiers and the engine’s models, the scripted one labelled, and writes the pick', () => {
    render(<Harness initial="" list={providers} />);
    const select = screen.getByTestId('field-model-picker');
    if (!(select instanceof HTMLSelectElement)) throw new Error('not a select');
    const labels = Array.from(select.options).map((o) => o.textContent);
    expect(labels).toContain('scripted:default — scripted');
    expect(labels).toContain('tier:fast → openai:gpt-4o-mini');
    expect(Array.from(select.querySelectorAll('optgroup')).map((g) => g.label)).toContain(
      'scripted (scripted: offline, deterministic replies)',
    );
    fireEvent.change(select, { target: { value: 'scripted:default' } });
    expect(screen.getByTestId('value').textContent).toBe('scripted:default');
    expect(screen.getByTestId('field-model-info').textContent).toMatch(/Scripted model/);
    expect(screen.queryByTestId('field-model')).toBeNull();
  });

  it('shows free text for an unlisted provider:model and for "Other"', () => {
    render(<Harness initial="ollama:llama3.2" list={providers} />);
    const input = screen.getByTestId('field-model');
    if (!(input instanceof HTMLInputElement)) throw new Error('not an input');
    expect(input.value).toBe('ollama:llama3.2');
    expect(screen.getByTestId('field-model-info').textContent).toContain('no provider "ollama"');
    fireEvent.change(input, { target: { value: 'openai:o3' } });
    expect(screen.getByTestId('value').textContent).toBe('openai:o3');
  });

  it('still takes free text while the list is missing', () => {
    render(<Harness initial="" list={undefined} />);
    fireEvent.change(screen.getByTestId('field-model-picker'), { target: { value: '\u0000other' } });
    fireEvent.change(screen.getByTestId('field-model'), { target: { value: 'anthropic:claude-sonnet-4-5' } });
    expect(screen.getByTestId('value').textContent).toBe('anthropic:claude-sonnet-4-5');
  });
});
