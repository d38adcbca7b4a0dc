import { describe, expect, it } from 'vitest';
import { createSecretStore } from '../secrets/create.js';
import { listModels, ModelProviderInfo } from './list-models.js';
import { createModelFactory } from './model-factory.js';
import { RoutedChatModel } from './routed-chat-model.js';

const KEY = 'sk-live-SHOULD-NEVER-BE-LISTED-123456';

describe('listModels', () => {
  it('lists providers with credential sources, never values', async () => {
    const store = createSecretStore({ FLOWCRAFT_SECRET_KEY: 'b'.repeat(64) });
    if (!store) throw new Error('store');
    await store.set('ANTHROPIC_API_KEY', KEY);
    const env = {
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: 'https://user:pw@llm.example.com/v1?token=abc',
      FLOWCRAFT_OPENAI_COMPATIBLE: JSON.stringify({
        vllm: { baseURL: 'http://10.0.0.5:8000/v1', models: ['qwen2.5-7b'] },
      }),
    };
    const list = await listModels(env, store);
    for (const item of list) ModelProviderInfo.parse(item);
    const text = JSON.stringify(list);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('pw@');
    expect(text).not.toContain('token=abc');
    const by = Object.fromEntries(list.map((p) => [p.provider, p]));
    expect(by['scripted']).toMatchObject({ configured: true, offline: true });
    expect(by['openai']).toMatchObject({
      configured: true,
      credential: { name: 'OPENAI_API_KEY', source: 'env' },
      baseURL: 'https://llm.example.com/v1',
      models: 'any',
      streaming: true,
    });
    expect(by['openai']?.suggested).toContain('openai:gpt-4o-mini');
    expect(by['anthropic']).toMatchObject({
      configured: true,
      credential: { name: 'ANTHROPIC_API_KEY', source: 'secret', required: true },
    });
    expect(by['ollama']).toMatchObject({ configured: false, baseURL: 'http://127.0.0.1:11434' });
    expect(by['vllm']).toMatchObject({
      kind: 'openai',
      configured: true,
      models: ['qwen2.5-7b'],
      suggested: ['vllm:qwen2.5-7b'],
      credential: { name: 'VLLM_API_KEY', source: 'none', required: false },
    });
  });

  it('without anything configured only scripted is usable', async () => {
    const list = await listModels({});
    expect(list.filter((p) => p.configured).map((p) => p.provider)).toEqual(['scripted']);
  });

  it('named OpenAI-compatible endpoints are usable as <name>:<model>; bad config is explained', () => {
    const env = { FLOWCRAFT_OPENAI_COMPATIBLE: JSON.stringify({ lmstudio: { baseURL: 'http://127.0.0.1:1234/v1' } }) };
    const f = createModelFactory({ env });
    const m = f.chat('lmstudio:qwen', { nodeId: 'n1' });
    expect(m instanceof RoutedChatModel && m.chain).toEqual(['lmstudio:qwen']);
    expect(() =>
      createModelFactory({ env: { FLOWCRAFT_OPENAI_COMPATIBLE: '{"openai":{"baseURL":"http://x"}}' } }),
    ).toThrow(/reserved/);
    expect(() => createModelFactory({ env: { FLOWCRAFT_OPENAI_COMPATIBLE: 'nope' } })).toThrow(/must be JSON/);
  });
});
