import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate.js';
import { catalogWithProviders, testCatalog } from './test-catalog.js';
import { doc, edge, linear, node, withCode } from './test-docs.js';

const ask = (model: string, id = 'a') => node(id, 'ask', { model });

describe('model specs', () => {
  it('accepts provider:model, scripted models, tiers the workflow defines and an empty model (the default)', () => {
    const d = {
      ...doc({
        nodes: [node('start', 'start'), ask('openai:gpt-4o'), ask('tier:fast', 'b'), ask('', 'c'), node('end', 'end')],
        edges: [edge('start', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'end')],
      }),
      settings: { models: { tiers: { fast: ['ollama:llama3:8b', 'scripted:x'] } } },
    };
    const r = validateWorkflow(d, catalogWithProviders(['openai', 'anthropic', 'ollama']));
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('reports a spec that is not provider:model, with the node and the path of the field', () => {
    const r = validateWorkflow(linear(ask('nonsense')), testCatalog);
    expect(r.ok).toBe(false);
    expect(withCode(r, 'invalid_model')).toEqual([
      expect.objectContaining({
        path: ['nodes', 1, 'config', 'model'],
        nodeId: 'a',
        severity: 'error',
        message: expect.stringContaining('"nonsense" must be written as provider:model'),
      }),
    ]);
    expect(withCode(validateWorkflow(linear(ask('openai:')), testCatalog), 'invalid_model')).toHaveLength(1);
  });

  it('reports an unknown tier, naming the tiers the workflow has', () => {
    const d = { ...linear(ask('tier:smart')), settings: { models: { tiers: { fast: 'openai:gpt-4o-mini' } } } };
    const [p] = withCode(validateWorkflow(d, testCatalog), 'invalid_model');
    expect(p).toMatchObject({ path: ['nodes', 1, 'config', 'model'], nodeId: 'a' });
    expect(p?.message).toContain('unknown model tier "smart"; the workflow\'s tiers are fast');
  });

  it('reports a provider the engine cannot reach only when the catalog knows the providers', () => {
    const d = linear(ask('vllm:llama'));
    expect(validateWorkflow(d, testCatalog).ok).toBe(true);
    const [p] = withCode(validateWorkflow(d, catalogWithProviders(['openai'])), 'invalid_model');
    expect(p?.message).toContain(
      'unknown model provider "vllm" in "vllm:llama"; configured providers: scripted, openai',
    );
    expect(validateWorkflow(d, catalogWithProviders(['openai', 'vllm'])).ok).toBe(true);
  });

  it('checks the default model, tier lists and fallbacks in the settings too', () => {
    const d = {
      ...linear(),
      settings: {
        defaultModel: 'gpt-4o',
        models: { tiers: { fast: ['openai:gpt-4o', 'nope'] }, fallbacks: { 'openai:gpt-4o': ['tier:missing'] } },
      },
    };
    const paths = withCode(validateWorkflow(d, catalogWithProviders(['openai'])), 'invalid_model').map((p) => p.path);
    expect(paths).toEqual([
      ['settings', 'defaultModel'],
      ['settings', 'models', 'tiers', 'fast', 1],
      ['settings', 'models', 'fallbacks', 'openai:gpt-4o', 0],
    ]);
  });
});
