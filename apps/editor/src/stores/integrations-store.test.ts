import { describe, expect, it } from 'vitest';
import { createIntegrationsStore } from './integrations-store.js';
import type { IntegrationsFetchers } from './integrations-store.js';
import type { ModelProvider } from '../api/integrations-api.js';

const scripted: ModelProvider = {
  provider: 'scripted',
  kind: 'scripted',
  configured: true,
  models: 'any',
  suggested: ['scripted:default'],
  streaming: true,
  tools: true,
  offline: true,
};

function fetchers(over: Partial<IntegrationsFetchers> = {}) {
  const calls = { models: 0, servers: 0, tools: [] as string[] };
  const f: IntegrationsFetchers = {
    models: async () => {
      calls.models++;
      return { providers: [scripted] };
    },
    mcpServers: async () => {
      calls.servers++;
      return [{ name: 'files', transport: 'stdio', target: 'node (1 arg)', state: 'idle' }];
    },
    mcpTools: async (server) => {
      calls.tools.push(server);
      return {
        tools: [
          { server, name: 'read', description: 'Read a file', inputSchema: { type: 'object' } },
          { server: 'other', name: 'stray', description: '', inputSchema: {} },
        ],
        errors: [],
      };
    },
    ...over,
  };
  return { f, calls };
}

describe('integrations store', () => {
  it('fetches the model list once, again only when forced', async () => {
    const { f, calls } = fetchers();
    const store = createIntegrationsStore(f);
    expect(store.getState().models.status).toBe('idle');
    const first = store.getState().loadModels();
    expect(store.getState().models.status).toBe('loading');
    await Promise.all([first, store.getState().loadModels()]);
    const models = store.getState().models;
    expect(models.status === 'ready' && models.value.map((p) => p.provider)).toEqual(['scripted']);
    await store.getState().loadModels();
    expect(calls.models).toBe(1);
    await store.getState().loadModels(true);
    expect(calls.models).toBe(2);
  });

  it('keeps the failure message when the engine cannot be asked', async () => {
    const { f } = fetchers({ models: () => Promise.reject(new Error('engine down')) });
    const store = createIntegrationsStore(f);
    await store.getState().loadModels();
    expect(store.getState().models).toEqual({ status: 'error', message: 'engine down' });
  });

  it('lists one server’s tools (others dropped) and an unreachable server’s error', async () => {
    const { f, calls } = fetchers();
    const store = createIntegrationsStore(f);
    await store.getState().loadMcpServers();
    const servers = store.getState().mcpServers;
    expect(servers.status === 'ready' && servers.value[0]?.name).toBe('files');
    await store.getState().loadMcpTools('files');
    await store.getState().loadMcpTools('files');
    const tools = store.getState().mcpTools.files;
    expect(tools?.status === 'ready' && tools.value.tools.map((t) => t.name)).toEqual(['read']);
    expect(calls.tools).toEqual(['files']);

    const down = createIntegrationsStore(
      fetchers({ mcpTools: async (server) => ({ tools: [], errors: [{ server, message: 'connect ECONNREFUSED' }] }) })
        .f,
    );
    await down.getState().loadMcpTools('web');
    const t = down.getState().mcpTools.web;
    expect(t?.status === 'ready' && t.value).toEqual({ tools: [], error: 'connect ECONNREFUSED' });
  });
});
