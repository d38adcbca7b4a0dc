import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** An IP literal without URL brackets (`[::1]` → `::1`), or undefined when `host` is a name. */
export function parseIpLiteral(host: string): IpAddress | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  // Only canonical forms: the WHATWG URL parser has already turned "0x7f.1", "127.1" or
  // "2130706433" into dotted quads, and resolvers return canonical forms.
  if (!ipaddr.IPv4.isValidFourPartDecimal(bare) && !ipaddr.IPv6.isValid(bare)) return undefined;
  const parsed = ipaddr.parse(bare);
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) reaches the IPv4 address: judge it as that address.
  return parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress() ? parsed.toIPv4Address() : parsed;
}

/**
 * The special-purpose range an address falls in (`loopback`, `private`, `linkLocal`,
 * `uniqueLocal`, `multicast`, `unspecified`, `carrierGradeNat`, `6to4`, `teredo`, `rfc6052`, …),
 * or `undefined` for an ordinary public unicast address.
 *
 * Every range ipaddr.js knows except `unicast` counts as non-public. That includes the IPv6 forms
 * that embed an IPv4 address (6to4, Teredo, NAT64, IPv4-translated), since they can tunnel to one.
 */
export function nonPublicRange(address: IpAddress): string | undefined {
  const range = address.range();
  return range === 'unicast' ? undefined : range;
}

/** A CIDR (`10.0.0.0/8`, `fd00::/8`) or a single address (`10.1.2.3`) as a matcher; throws when invalid. */
export function parseCidr(text: string): (address: IpAddress) => boolean {
  const trimmed = text.trim();
  const range: [IpAddress, number] = trimmed.includes('/')
    ? ipaddr.parseCIDR(trimmed)
    : [ipaddr.parse(trimmed), ipaddr.IPv4.isValid(trimmed) ? 32 : 128];
  const kind = range[0].kind();
  return (address) => address.kind() === kind && address.match(range);
}

/** Normal form of an address for messages: IPv6 compact, IPv4 dotted. */
export function formatAddress(address: IpAddress): string {
  return address.toString();
}
