import { describe, expect, it } from 'vitest';
import type { ModelProvider } from '../api/integrations-api.js';
import { describeModel, isListed, modelGroups } from './model-options.js';

const base = { streaming: true, tools: true, offline: false, models: 'any' as const };
const providers: ModelProvider[] = [
  {
    ...base,
    provider: 'openai',
    kind: 'openai',
    configured: false,
    suggested: ['openai:gpt-4o-mini'],
    credential: { name: 'OPENAI_API_KEY', source: 'none', required: true },
  },
  { ...base, provider: 'scripted', kind: 'scripted', configured: true, offline: true, suggested: ['scripted:default'] },
  {
    ...base,
    provider: 'local',
    kind: 'openai',
    configured: true,
    models: ['qwen2.5'],
    suggested: [],
    baseURL: 'http://127.0.0.1:8080/v1',
  },
];

describe('model options', () => {
  it('puts tiers first, configured providers before the others, and labels the scripted model', () => {
    const groups = modelGroups(providers, {
      fast: 'openai:gpt-4o-mini',
      smart: ['anthropic:claude-sonnet-4-5', 'openai:gpt-4o'],
    });
    expect(groups.map((g) => g.label)).toEqual([
      'Tiers (workflow settings)',
      'scripted (scripted: offline, deterministic replies)',
      'local',
      'openai (not configured: set OPENAI_API_KEY)',
    ]);
    expect(groups[0]?.options.map((o) => o.value)).toEqual(['tier:fast', 'tier:smart']);
    expect(groups[0]?.options[1]?.label).toBe('tier:smart → anthropic:claude-sonnet-4-5 → openai:gpt-4o');
    expect(groups[1]?.options).toEqual([{ value: 'scripted:default', label: 'scripted:default — scripted' }]);
    expect(groups[2]?.options.map((o) => o.value)).toEqual(['local:qwen2.5']);
    expect(groups[3]?.disabled).toBe(true);
    expect(isListed(groups, 'local:qwen2.5')).toBe(true);
    expect(isListed(groups, 'ollama:llama3.2')).toBe(false);
  });

  it('describes the chosen model', () => {
    const tiers = { fast: 'local:qwen2.5' };
    expect(describeModel('', providers, tiers)).toBeUndefined();
    expect(describeModel('scripted:default', providers)?.text).toMatch(/^Scripted model/);
    expect(describeModel('tier:fast', providers, tiers)).toEqual({ tone: 'info', text: 'Tier fast: local:qwen2.5' });
    expect(describeModel('tier:slow', providers, tiers)?.tone).toBe('warning');
    expect(describeModel('openai:gpt-4o', providers)).toEqual({
      tone: 'warning',
      text: 'Provider openai is not configured (set OPENAI_API_KEY); runs using it will fail.',
    });
    expect(describeModel('mistral:large', providers)?.text).toContain('no provider "mistral"');
    expect(describeModel('gpt-4o', providers)?.tone).toBe('warning');
    expect(describeModel('local:qwen2.5', providers)?.text).toBe('local at http://127.0.0.1:8080/v1 · streams · tools');
  });
});
