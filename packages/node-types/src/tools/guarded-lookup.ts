import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { FlowError } from '@flowcraft/schema';
import {
  checkUrlHost,
  compileNetworkPolicy,
  resolveChecked,
  type HostResolver,
  type NetworkPolicyInput,
} from './network-policy.js';

export interface GuardedLookupOptions {
  resolve: HostResolver;
  policy?: NetworkPolicyInput;
}

/**
 * A `lookup` for `net.connect` / `tls.connect` (and so for `http.request`, or an undici
 * `Agent({ connect: { lookup } })`) that resolves through `resolve` and refuses to hand out any
 * address the policy blocks. The socket then connects to exactly the address that was checked,
 * which closes the DNS-rebinding gap left by checking before the transport resolves again.
 * Node skips `lookup` for IP-literal hosts; createGuardedFetch checks those before connecting.
 */
export function createGuardedLookup(options: GuardedLookupOptions): LookupFunction {
  const compiled = compileNetworkPolicy(options.policy);
  return (hostname, lookupOptions, callback) => {
    const run = async (): Promise<LookupAddress[]> => {
      // Host rules (deny/allow lists, localhost names) apply here too, in case the transport is used directly.
      checkUrlHost(compiled, new URL(`http://${hostname.includes(':') ? `[${hostname}]` : hostname}/`));
      const addresses = await resolveChecked(compiled, hostname, options.resolve);
      const all = addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
      const family = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
      const usable = family === undefined ? all : all.filter((a) => a.family === family);
      if (usable.length === 0)
        throw new FlowError('http_error', `Could not resolve ${hostname}: no IPv${family} address`, {
          retryable: true,
        });
      return usable;
    };
    run().then(
      (usable) => {
        const [first] = usable;
        if (lookupOptions.all === true || first === undefined) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), ''),
    );
  };
}
