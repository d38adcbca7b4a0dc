import { Agent } from 'undici';
import {
  createGuardedFetch,
  createGuardedLookup,
  systemResolver,
  type HostResolver,
  type NetworkPolicyInput,
} from '@flowcraft/node-types/tools';
import type { FetchLike } from '@flowcraft/node-types';

export interface ToolFetch {
  /** Fetch for tools: every hop checked against the policy, sockets connect only to checked addresses. */
  fetch: FetchLike;
  close(): Promise<void>;
}

/**
 * The engine's fetch for tool HTTP requests (built once per engine from TOOL_HTTP_*): the guarded
 * fetch checks scheme, host rules and resolved addresses before each request and redirect; its
 * transport is an undici Agent whose `lookup` refuses blocked addresses at connect time, which
 * closes the DNS-rebinding gap between the check and the connection.
 */
export function createToolFetch(policy: NetworkPolicyInput, opts: { resolve?: HostResolver } = {}): ToolFetch {
  const resolve = opts.resolve ?? systemResolver;
  const dispatcher = new Agent({ connect: { lookup: createGuardedLookup({ resolve, policy }) } });
  const pinned: FetchLike = (input, init) => globalThis.fetch(input, Object.assign({}, init, { dispatcher }));
  return {
    fetch: createGuardedFetch({ fetch: pinned, resolve, policy }),
    close: () => dispatcher.close(),
  };
}
