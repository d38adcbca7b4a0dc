import { AsyncLocalStorage } from 'node:async_hooks';

/** The model call in progress: its abort signal, and the last HTTP response seen (for Retry-After). */
export interface CallScope {
  signal?: AbortSignal;
  response?: { status: number; headers: Headers };
}

const storage = new AsyncLocalStorage<CallScope>();

export function runInScope<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/**
 * The fetch every provider client is built with. It aborts with the current call's signal (so a
 * per-call timeout or a cancelled run stops the request even in clients that share one client
 * per model, like Ollama's) and remembers status and headers of the response.
 */
export function createScopedFetch(
  base: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init),
): typeof globalThis.fetch {
  const scoped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const scope = storage.getStore();
    const signals = [init?.signal, scope?.signal].filter((s): s is AbortSignal => s !== undefined && s !== null);
    const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    const res = await base(input, { ...init, ...(signal ? { signal } : {}) });
    if (scope) scope.response = { status: res.status, headers: res.headers };
    return res;
  };
  return scoped;
}
