import type { HostResolver } from './network-policy.js';

/**
 * The operating system's resolver (`dns.lookup`, as `net.connect` uses it), every address.
 * `node:dns` is loaded lazily so importing the tools barrel does not pull node built-ins into a
 * browser bundle. `dns.lookup` cannot be cancelled; an abort only stops waiting for it.
 */
export const systemResolver: HostResolver = async (hostname) => {
  const { lookup } = await import('node:dns/promises');
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
};
