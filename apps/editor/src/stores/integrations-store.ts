import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { McpServerStatus, McpTool, McpToolList, ModelList, ModelProvider } from '../api/integrations-api.js';

/** One listing fetched from the engine: not asked yet, on its way, there, or failed. */
export type Loadable<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'error'; message: string };

export interface IntegrationsFetchers {
  models(): Promise<ModelList>;
  mcpServers(): Promise<McpServerStatus[]>;
  mcpTools(server: string): Promise<McpToolList>;
}

export interface McpToolsOfServer {
  tools: McpTool[];
  /** The server could not be reached (listed by the engine in `errors`). */
  error: string | undefined;
}

export interface IntegrationsState {
  models: Loadable<ModelProvider[]>;
  mcpServers: Loadable<McpServerStatus[]>;
  mcpTools: Record<string, Loadable<McpToolsOfServer>>;
  /** Fetch once (again with `force`, e.g. a Refresh button). */
  loadModels(force?: boolean): Promise<void>;
  loadMcpServers(force?: boolean): Promise<void>;
  loadMcpTools(server: string, force?: boolean): Promise<void>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * What the engine can call: model providers (`GET /v1/models`) and MCP servers and their tools
 * (`GET /v1/mcp/servers`, `GET /v1/mcp/tools?server=`), fetched on first use by the pickers. Free of React.
 */
export function createIntegrationsStore(fetchers: IntegrationsFetchers): StoreApi<IntegrationsState> {
  return createStore<IntegrationsState>()((set, get) => ({
    models: { status: 'idle' },
    mcpServers: { status: 'idle' },
    mcpTools: {},
    async loadModels(force = false) {
      const cur = get().models.status;
      if (cur === 'loading' || (!force && cur !== 'idle')) return;
      set({ models: { status: 'loading' } });
      try {
        set({ models: { status: 'ready', value: (await fetchers.models()).providers } });
      } catch (err) {
        set({ models: { status: 'error', message: message(err) } });
      }
    },
    async loadMcpServers(force = false) {
      const cur = get().mcpServers.status;
      if (cur === 'loading' || (!force && cur !== 'idle')) return;
      set({ mcpServers: { status: 'loading' } });
      try {
        set({ mcpServers: { status: 'ready', value: await fetchers.mcpServers() } });
      } catch (err) {
        set({ mcpServers: { status: 'error', message: message(err) } });
      }
    },
    async loadMcpTools(server, force = false) {
      const cur = get().mcpTools[server]?.status ?? 'idle';
      if (cur === 'loading' || (!force && cur !== 'idle')) return;
      set({ mcpTools: { ...get().mcpTools, [server]: { status: 'loading' } } });
      let next: Loadable<McpToolsOfServer>;
      try {
        const list = await fetchers.mcpTools(server);
        next = {
          status: 'ready',
          value: {
            tools: list.tools.filter((t) => t.server === server),
            error: list.errors.find((e) => e.server === server)?.message,
          },
        };
      } catch (err) {
        next = { status: 'error', message: message(err) };
      }
      set({ mcpTools: { ...get().mcpTools, [server]: next } });
    },
  }));
}
