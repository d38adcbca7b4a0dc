import type { BudgetSettings, ModelRoutingSettingsInput, ModelScript, WorkflowDocument } from '@flowcraft/schema';
import { sleep } from '@flowcraft/node-types';
import type { FetchLike, KnowledgeRetriever, MemoryAccess, NodeServices } from '@flowcraft/node-types';
import type { McpToolProvider } from '@flowcraft/node-types/tools';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { createModelFactory } from '../models/model-factory.js';
import type { EngineModelFactory } from '../models/model-factory.js';
import { loadCredentials, type Credentials } from '../models/credentials.js';
import type { PriceTable } from '../models/prices.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { RunBudget, type UsageLedger } from './budget.js';
import { BudgetCallback, ModelEvents } from './model-events.js';

export interface RunServices extends NodeServices {
  models: EngineModelFactory;
  /** Token, usage and fallback callbacks, attached to every model this run creates. */
  modelEvents: ModelEvents;
  /** What this run has spent, against the workflow's `settings.budget`. */
  budget?: RunBudget;
}

export interface RunServicesOptions {
  /** Script for `scripted:*` models. */
  script?: ModelScript;
  /** Provider settings and `FLOWCRAFT_*` options; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Fetch for tools (the engine passes its guarded fetch); default the global fetch. */
  fetch?: FetchLike;
  /** Provider keys and base URLs (secret store, then env); default the environment alone. */
  credentials?: Credentials;
  /** The workflow's `settings.models`: tiers, fallbacks, prices, call timeout, Retry-After limits. */
  routing?: ModelRoutingSettingsInput;
  /** The workflow's `settings.budget`. */
  budget?: BudgetSettings;
  /** Workflow the run belongs to (per-workflow daily budget). */
  workflowId?: string;
  /** Stored usage, for budgets across executions and runs. */
  ledger?: UsageLedger;
  /** The engine's MCP servers. */
  mcp?: McpToolProvider;
  /** HTTP for provider clients (tests); default the global fetch. */
  modelFetch?: typeof globalThis.fetch;
  /** The engine's long-term store; the run sees it under `['workflow', workflowId]`. */
  memory?: MemoryStoreAccess;
  /** The engine's knowledge bases. */
  knowledge?: KnowledgeRetriever;
}

/** The engine's store as runs get it: the store plus its TTL put. */
export type MemoryStoreAccess = Omit<MemoryAccess, 'workflowNamespace'>;

/** Attach handlers to a model's own callbacks (kept through bindTools / withStructuredOutput). */
function withHandlers(model: BaseChatModel, handlers: BaseCallbackHandler[]): BaseChatModel {
  const cbs = model.callbacks;
  if (cbs === undefined) model.callbacks = [...handlers];
  else if (Array.isArray(cbs)) model.callbacks = [...cbs, ...handlers];
  else for (const h of handlers) cbs.addHandler(h, false);
  return model;
}

function pricesOf(routing: ModelRoutingSettingsInput | undefined): PriceTable {
  return routing?.prices ?? {};
}

/**
 * Services for one run: models (scripted from the script, or real providers with the run's
 * credentials, tiers and fallbacks), usage and cost accounting, the budget, tool fetch, MCP, clock.
 */
export function createRunServices(opts: RunServicesOptions = {}): RunServices {
  const models = createModelFactory({
    script: opts.script,
    env: opts.env,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(opts.routing ? { routing: opts.routing } : {}),
    ...(opts.modelFetch ? { fetch: opts.modelFetch } : {}),
  });
  const budget = new RunBudget(opts.budget, {
    ...(opts.workflowId !== undefined ? { workflowId: opts.workflowId } : {}),
    ...(opts.ledger ? { ledger: opts.ledger } : {}),
  });
  const modelEvents = new ModelEvents({ prices: pricesOf(opts.routing), budget });
  const handlers: BaseCallbackHandler[] = budget.limited ? [modelEvents, new BudgetCallback(budget)] : [modelEvents];
  const cache = new Map<string, BaseChatModel>();
  return {
    models: {
      calls: models.calls,
      // One model object per (spec, node): creating LangChain models is not free, and they hold no per-call state.
      chat: (spec, req) => {
        const key = `${spec}\u0000${req.nodeId}`;
        let m = cache.get(key);
        if (!m) {
          m = withHandlers(models.chat(spec, req), handlers);
          cache.set(key, m);
        }
        return m;
      },
    },
    modelEvents,
    budget,
    fetch: opts.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: () => Date.now(),
    sleep,
    ...(opts.mcp ? { mcp: opts.mcp } : {}),
    ...(opts.memory ? { memory: { ...opts.memory, workflowNamespace: ['workflow', opts.workflowId ?? '_'] } } : {}),
    ...(opts.knowledge ? { knowledge: opts.knowledge } : {}),
  };
}

/** What the engine shares between runs: environment, secret store, tool fetch, MCP servers, stored usage. */
export interface EngineServiceDeps {
  env?: Record<string, string | undefined>;
  secrets?: SecretStore;
  fetch?: FetchLike;
  mcp?: McpToolProvider;
  ledger?: UsageLedger;
  modelFetch?: typeof globalThis.fetch;
  memory?: MemoryStoreAccess;
  knowledge?: KnowledgeRetriever;
}

/**
 * The `services` factory RunService takes: per run, credentials are read fresh (a secret changed
 * through the API applies to the next run) and the document's script, routing and budget apply.
 */
export function runServicesFactory(deps: EngineServiceDeps): (document: WorkflowDocument) => Promise<RunServices> {
  return async (document) =>
    createRunServices({
      script: document.script,
      env: deps.env,
      credentials: await loadCredentials(deps.env ?? process.env, deps.secrets),
      ...(document.settings.models ? { routing: document.settings.models } : {}),
      ...(document.settings.budget ? { budget: document.settings.budget } : {}),
      workflowId: document.id,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.mcp ? { mcp: deps.mcp } : {}),
      ...(deps.ledger ? { ledger: deps.ledger } : {}),
      ...(deps.modelFetch ? { modelFetch: deps.modelFetch } : {}),
      ...(deps.memory ? { memory: deps.memory } : {}),
      ...(deps.knowledge ? { knowledge: deps.knowledge } : {}),
    });
}
