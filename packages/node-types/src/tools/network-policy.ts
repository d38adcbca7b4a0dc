import { FlowError } from '@flowcraft/schema';
import { z } from 'zod';
import { nonPublicRange, parseCidr, parseIpLiteral, type IpAddress } from './address-ranges.js';

/** Resolves a host name to its IP addresses (canonical text forms). Injected: tests need no DNS. */
export type HostResolver = (hostname: string, signal?: AbortSignal) => Promise<string[]>;

const NAME_PATTERN = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/i;

function isCidrOrAddress(text: string): boolean {
  try {
    parseCidr(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A host rule: a name (`api.example.com`, matched exactly, case-insensitively), a wildcard
 * (`*.example.com`, any subdomain, not the apex), an IP address or a CIDR (`10.0.0.0/8`, `fd00::/8`).
 */
export const HostPattern = z
  .string()
  .trim()
  .min(1)
  .refine((value) => NAME_PATTERN.test(value) || isCidrOrAddress(value), {
    message: 'Expected a host name, "*.domain", an IP address or a CIDR such as 10.0.0.0/8',
  });

/**
 * Where outbound tool requests may go. Private destinations are refused unless allowed; deny
 * rules win over allow rules; an empty `allowHosts` allows every (public) host.
 */
export const NetworkPolicy = z.object({
  allowPrivateAddresses: z
    .boolean()
    .default(false)
    .describe('Allow loopback, private, link-local and other non-public addresses (local development only)'),
  allowCidrs: z
    .array(HostPattern.refine(isCidrOrAddress, { message: 'Expected an IP address or CIDR' }))
    .default([])
    .describe('Non-public ranges that are allowed anyway, e.g. an internal service at 10.1.2.0/24'),
  allowHosts: z.array(HostPattern).default([]).describe('When non-empty, only these hosts may be called'),
  denyHosts: z.array(HostPattern).default([]).describe('Hosts (names or IP ranges) that may never be called'),
  maxRedirects: z.number().int().min(0).max(20).default(5),
});
export type NetworkPolicy = z.infer<typeof NetworkPolicy>;
export type NetworkPolicyInput = z.input<typeof NetworkPolicy>;

interface HostRule {
  text: string;
  name?: (host: string) => boolean;
  ip?: (address: IpAddress) => boolean;
}

function compileRule(text: string): HostRule {
  if (isCidrOrAddress(text)) return { text, ip: parseCidr(text) };
  const lower = text.toLowerCase();
  if (lower.startsWith('*.')) {
    const suffix = lower.slice(1);
    return { text, name: (host) => host.endsWith(suffix) };
  }
  return { text, name: (host) => host === lower };
}

/** A parsed policy with its rules compiled; build once, use for many requests. */
export interface CompiledNetworkPolicy {
  policy: NetworkPolicy;
  allow: HostRule[];
  deny: HostRule[];
  allowedRanges: ((address: IpAddress) => boolean)[];
}

export function compileNetworkPolicy(input: NetworkPolicyInput = {}): CompiledNetworkPolicy {
  const parsed = NetworkPolicy.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'policy'}: ${i.message}`).join('; ');
    throw new FlowError('invalid_input', `Invalid network policy: ${issues}`, {
      details: { issues: parsed.error.issues },
    });
  }
  const policy = parsed.data;
  return {
    policy,
    allow: policy.allowHosts.map(compileRule),
    deny: policy.denyHosts.map(compileRule),
    allowedRanges: policy.allowCidrs.map(parseCidr),
  };
}

export interface BlockedDetails {
  blocked: true;
  host: string;
  reason: 'scheme' | 'denied' | 'not_allowed' | 'non_public' | 'unresolved';
  address?: string;
  range?: string;
  rule?: string;
}

function blocked(message: string, details: BlockedDetails): FlowError {
  return new FlowError('tool_error', message, { retryable: false, details });
}

/** `Example.COM.` → `example.com`; `[::1]` → `::1`. */
export function normalizeHost(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return bare.toLowerCase().replace(/\.$/, '');
}

function matches(rule: HostRule, host: string, literal: IpAddress | undefined): boolean {
  return literal === undefined ? (rule.name?.(host) ?? false) : (rule.ip?.(literal) ?? false);
}

/**
 * Checks one address a request would connect to: refused when a deny rule covers it, or when it
 * is not public (loopback, private, link-local incl. 169.254.169.254, unique-local, multicast,
 * unspecified, …) and neither `allowPrivateAddresses` nor `allowCidrs` allow it.
 * Throws FlowError('tool_error') naming the host and the address.
 */
export function checkAddress(compiled: CompiledNetworkPolicy, host: string, addressText: string): void {
  const address = parseIpLiteral(addressText);
  if (address === undefined) {
    throw blocked(`Refused to call ${host}: the resolver returned "${addressText}", which is not an IP address`, {
      blocked: true,
      host,
      reason: 'unresolved',
      address: addressText,
    });
  }
  const shown = address.toString();
  const denied = compiled.deny.find((rule) => rule.ip?.(address));
  if (denied) {
    throw blocked(
      `Refused to call ${host}${shown === host ? '' : ` (${shown})`}: denied by the rule "${denied.text}"`,
      {
        blocked: true,
        host,
        reason: 'denied',
        address: shown,
        rule: denied.text,
      },
    );
  }
  const range = nonPublicRange(address);
  if (range === undefined || compiled.policy.allowPrivateAddresses) return;
  if (compiled.allowedRanges.some((inRange) => inRange(address))) return;
  throw blocked(
    `Refused to call ${host}${shown === host ? '' : ` (resolves to ${shown})`}: ${range} addresses are blocked ` +
      '(allow private addresses in the engine configuration for local development)',
    { blocked: true, host, reason: 'non_public', address: shown, range },
  );
}

/**
 * Checks a URL's scheme and host against the rules, without DNS. Returns the IP literal when the
 * host is one (already checked), or undefined when the name still has to be resolved.
 */
export function checkUrlHost(compiled: CompiledNetworkPolicy, url: URL): IpAddress | undefined {
  const host = normalizeHost(url.hostname);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw blocked(`Refused to call ${url.protocol}//${host}: only http and https are allowed`, {
      blocked: true,
      host,
      reason: 'scheme',
    });
  }
  const literal = parseIpLiteral(host);
  const denied = compiled.deny.find((rule) => matches(rule, host, literal));
  if (denied) {
    throw blocked(`Refused to call ${host}: denied by the rule "${denied.text}"`, {
      blocked: true,
      host,
      reason: 'denied',
      rule: denied.text,
    });
  }
  if (compiled.allow.length > 0 && !compiled.allow.some((rule) => matches(rule, host, literal))) {
    throw blocked(`Refused to call ${host}: not in the allowed hosts (${compiled.policy.allowHosts.join(', ')})`, {
      blocked: true,
      host,
      reason: 'not_allowed',
    });
  }
  if (literal !== undefined) {
    checkAddress(compiled, host, literal.toString());
    return literal;
  }
  // RFC 6761: these names are loopback wherever they resolve.
  if ((host === 'localhost' || host.endsWith('.localhost')) && !compiled.policy.allowPrivateAddresses) {
    throw blocked(
      `Refused to call ${host}: loopback addresses are blocked (allow private addresses in the engine configuration for local development)`,
      {
        blocked: true,
        host,
        reason: 'non_public',
        range: 'loopback',
      },
    );
  }
  return undefined;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (err: unknown) => (signal.removeEventListener('abort', onAbort), reject(err)),
    );
  });
}

/**
 * Resolves `hostname` and checks every address it resolves to (one bad address refuses the
 * name: a client may pick any of them). Returns the addresses. Resolver failures become a
 * retryable `http_error`; an abort rejects with the signal's reason.
 */
export async function resolveChecked(
  compiled: CompiledNetworkPolicy,
  hostname: string,
  resolve: HostResolver,
  signal?: AbortSignal,
): Promise<string[]> {
  const host = normalizeHost(hostname);
  let addresses: string[];
  try {
    addresses = await abortable(resolve(host, signal), signal);
  } catch (err) {
    if (signal?.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new FlowError('http_error', `Could not resolve ${host}: ${message}`, {
      retryable: true,
      details: { host },
      cause: err,
    });
  }
  if (addresses.length === 0) {
    throw new FlowError('http_error', `Could not resolve ${host}: no addresses`, {
      retryable: true,
      details: { host },
    });
  }
  for (const address of addresses) checkAddress(compiled, host, address);
  return addresses;
}

/** Checks a URL completely: scheme, host rules, then every address it resolves to. */
export async function checkDestination(
  compiled: CompiledNetworkPolicy,
  url: URL,
  resolve: HostResolver,
  signal?: AbortSignal,
): Promise<string[]> {
  const literal = checkUrlHost(compiled, url);
  if (literal !== undefined) return [literal.toString()];
  return resolveChecked(compiled, url.hostname, resolve, signal);
}
