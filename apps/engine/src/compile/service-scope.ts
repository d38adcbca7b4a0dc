import { AsyncLocalStorage } from 'node:async_hooks';
import type { NodeServices } from '@flowcraft/node-types';

/**
 * A compiled graph is reused by every run of a workflow version, but each run has its own services
 * (models with their script cursor and callbacks, fetch, clock, MCP servers). The run puts its services into
 * `config.configurable[SERVICES_KEY]`; the node function runs the node inside that scope, and the
 * services the graph was compiled with delegate to whatever scope is current.
 */
export const SERVICES_KEY = 'flowcraft_services';

const scope = new AsyncLocalStorage<NodeServices>();

export function isNodeServices(v: unknown): v is NodeServices {
  return v !== null && typeof v === 'object' && 'models' in v && 'fetch' in v && 'now' in v && 'sleep' in v;
}

/** Run `fn` with `services` as the current run's services (no scope when undefined). */
export function withServices<T>(services: NodeServices | undefined, fn: () => T): T {
  return services ? scope.run(services, fn) : fn();
}

/** Services that use the current run's services, or `fallback` outside any run scope (e.g. at build time). */
export function scopedServices(fallback: NodeServices): NodeServices {
  const current = () => scope.getStore() ?? fallback;
  return {
    models: { chat: (spec, req) => current().models.chat(spec, req) },
    fetch: (input, init) => current().fetch(input, init),
    now: () => current().now(),
    sleep: (ms, signal) => current().sleep(ms, signal),
    // A getter: a node sees whether the current run has MCP servers, and caches per provider.
    get mcp() {
      return current().mcp;
    },
    get expressionLimits() {
      return current().expressionLimits;
    },
    get memory() {
      return current().memory;
    },
    get knowledge() {
      return current().knowledge;
    },
  };
}
