import { FlowError } from '@flowcraft/schema';
import { describe, expect, it } from 'vitest';
import { nonPublicRange, parseIpLiteral } from './address-ranges.js';
import {
  checkDestination,
  compileNetworkPolicy,
  type HostResolver,
  type NetworkPolicyInput,
} from './network-policy.js';

const dns: Record<string, string[]> = {
  'public.example': ['93.184.216.34'],
  'v6.example': ['2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example': ['10.0.0.7'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': ['93.184.216.34', '127.0.0.1'],
  'mapped.example': ['::ffff:192.168.1.1'],
  'ula.example': ['fd12:3456::1'],
  'api.partner.example': ['93.184.216.35'],
  'partner.example': ['93.184.216.36'],
  'cgnat.example': ['100.64.0.1'],
  localhost: ['127.0.0.1', '::1'],
};
const resolver: HostResolver = async (hostname) => {
  const found = dns[hostname];
  if (!found) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  return found;
};

async function outcome(url: string, policy: NetworkPolicyInput = {}): Promise<string> {
  try {
    await checkDestination(compileNetworkPolicy(policy), new URL(url), resolver);
    return 'allowed';
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    const e = err as FlowError;
    return `${e.code}:${(e.details as { reason?: string } | undefined)?.reason ?? '-'}`;
  }
}

async function refusal(url: string, policy: NetworkPolicyInput = {}): Promise<FlowError> {
  try {
    await checkDestination(compileNetworkPolicy(policy), new URL(url), resolver);
  } catch (err) {
    return err as FlowError;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('address ranges', () => {
  it('classifies public and non-public addresses', () => {
    const range = (a: string): string | undefined => nonPublicRange(parseIpLiteral(a)!);
    expect(range('93.184.216.34')).toBeUndefined();
    expect(range('2606:4700::1111')).toBeUndefined();
    expect(range('127.0.0.1')).toBe('loopback');
    expect(range('10.1.2.3')).toBe('private');
    expect(range('172.16.0.1')).toBe('private');
    expect(range('192.168.0.1')).toBe('private');
    expect(range('169.254.169.254')).toBe('linkLocal');
    expect(range('0.0.0.0')).toBe('unspecified');
    expect(range('224.0.0.1')).toBe('multicast');
    expect(range('255.255.255.255')).toBe('broadcast');
    expect(range('100.64.0.1')).toBe('carrierGradeNat');
    expect(range('::1')).toBe('loopback');
    expect(range('::')).toBe('unspecified');
    expect(range('fe80::1')).toBe('linkLocal');
    expect(range('fd00::1')).toBe('uniqueLocal');
    expect(range('ff02::1')).toBe('multicast');
    expect(range('::ffff:127.0.0.1')).toBe('loopback');
    expect(range('::ffff:7f00:1')).toBe('loopback');
    expect(range('64:ff9b::a9fe:a9fe')).toBe('rfc6052');
    expect(range('2002:7f00:1::')).toBe('6to4');
    expect(parseIpLiteral('example.com')).toBeUndefined();
    expect(parseIpLiteral('[::1]')?.toString()).toBe('::1');
  });
});

describe('checkDestination', () => {
  it('refuses literal non-public IPv4 addresses, in every spelling the URL parser accepts', async () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://127.1/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://10.0.0.1:8080/x',
      'http://172.31.255.255/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0/',
      'http://0/',
      'http://224.0.0.251/',
      'http://100.64.0.1/',
    ]) {
      expect(await outcome(url), url).toBe('tool_error:non_public');
    }
  });

  it('refuses IPv6 loopback, link-local, unique-local, mapped and tunnelled forms', async () => {
    for (const url of [
      'http://[::1]/',
      'http://[0:0:0:0:0:0:0:1]/',
      'http://[::]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[fc00::abcd]/',
      'http://[ff02::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[::ffff:10.0.0.1]/',
      'http://[64:ff9b::7f00:1]/',
      'http://[2002:7f00:1::]/',
    ]) {
      expect(await outcome(url), url).toBe('tool_error:non_public');
    }
    expect(await outcome('http://[2606:4700::1111]/')).toBe('allowed');
  });

  it('names the blocked host, the address and its range', async () => {
    const err = await refusal('http://169.254.169.254/latest/meta-data/');
    expect(err.message).toMatch(/^Refused to call 169\.254\.169\.254: linkLocal addresses are blocked/);
    expect(err.details).toEqual({
      blocked: true,
      host: '169.254.169.254',
      reason: 'non_public',
      address: '169.254.169.254',
      range: 'linkLocal',
    });
    expect(err.retryable).toBe(false);
    const viaName = await refusal('http://metadata.example/');
    expect(viaName.message).toMatch(/^Refused to call metadata\.example \(resolves to 169\.254\.169\.254\): linkLocal/);
  });

  it('resolves names and refuses when any address is non-public', async () => {
    expect(await outcome('https://public.example/a')).toBe('allowed');
    expect(await outcome('https://v6.example/a')).toBe('allowed');
    expect(await outcome('https://internal.example/')).toBe('tool_error:non_public');
    expect(await outcome('https://mixed.example/')).toBe('tool_error:non_public');
    expect(await outcome('https://mapped.example/')).toBe('tool_error:non_public');
    expect(await outcome('https://ula.example/')).toBe('tool_error:non_public');
    expect(await outcome('https://cgnat.example/')).toBe('tool_error:non_public');
    expect(await outcome('http://localhost:3000/')).toBe('tool_error:non_public');
    expect(await outcome('http://app.localhost/')).toBe('tool_error:non_public');
    expect(await outcome('http://PUBLIC.example./')).toBe('allowed');
    const missing = await refusal('https://nowhere.example/');
    expect(missing.code).toBe('http_error');
    expect(missing.message).toBe('Could not resolve nowhere.example: getaddrinfo ENOTFOUND nowhere.example');
  });

  it('refuses schemes other than http and https', async () => {
    expect(await outcome('ftp://public.example/')).toBe('tool_error:scheme');
    expect(await outcome('file:///etc/passwd')).toBe('tool_error:scheme');
  });

  it('allows private addresses when configured, or only chosen ranges', async () => {
    const dev = { allowPrivateAddresses: true };
    expect(await outcome('http://127.0.0.1:8080/', dev)).toBe('allowed');
    expect(await outcome('http://[::1]/', dev)).toBe('allowed');
    expect(await outcome('http://localhost/', dev)).toBe('allowed');
    expect(await outcome('http://internal.example/', dev)).toBe('allowed');
    const narrow = { allowCidrs: ['10.0.0.0/24'] };
    expect(await outcome('http://internal.example/', narrow)).toBe('allowed');
    expect(await outcome('http://10.0.1.1/', narrow)).toBe('tool_error:non_public');
    expect(await outcome('http://127.0.0.1/', narrow)).toBe('tool_error:non_public');
  });

  it('applies allow and deny lists: names, wildcards, addresses and CIDRs; deny wins', async () => {
    const allow = { allowHosts: ['public.example', '*.partner.example'] };
    expect(await outcome('https://public.example/', allow)).toBe('allowed');
    expect(await outcome('https://api.partner.example/', allow)).toBe('allowed');
    expect(await outcome('https://partner.example/', allow)).toBe('tool_error:not_allowed');
    expect(await outcome('https://v6.example/', allow)).toBe('tool_error:not_allowed');
    expect(await outcome('https://evilpartner.example/', allow)).toBe('tool_error:not_allowed');
    const notAllowed = await refusal('https://v6.example/', allow);
    expect(notAllowed.message).toBe(
      'Refused to call v6.example: not in the allowed hosts (public.example, *.partner.example)',
    );

    const deny = { denyHosts: ['*.partner.example', '93.184.216.0/24'] };
    expect(await outcome('https://api.partner.example/', deny)).toBe('tool_error:denied');
    expect(await outcome('https://public.example/', deny)).toBe('tool_error:denied'); // resolves into a denied range
    expect(await outcome('http://93.184.216.99/', deny)).toBe('tool_error:denied');
    expect(await outcome('https://v6.example/', deny)).toBe('allowed');
    const both = { allowHosts: ['*.partner.example'], denyHosts: ['api.partner.example'] };
    expect(await outcome('https://api.partner.example/', both)).toBe('tool_error:denied');
    // an allow rule never lifts private-address blocking
    expect(await outcome('http://internal.example/', { allowHosts: ['internal.example'] })).toBe(
      'tool_error:non_public',
    );
  });

  it('rejects invalid policies', () => {
    expect(() => compileNetworkPolicy({ allowHosts: ['http://x.example/'] })).toThrow(
      /Invalid network policy: allowHosts.0/,
    );
    expect(() => compileNetworkPolicy({ allowCidrs: ['example.com'] })).toThrow(
      /allowCidrs.0: Expected an IP address or CIDR/,
    );
    expect(() => compileNetworkPolicy({ maxRedirects: -1 })).toThrow(/maxRedirects/);
  });

  it('stops waiting for the resolver when aborted', async () => {
    const hanging: HostResolver = () => new Promise(() => undefined);
    const controller = new AbortController();
    const pending = checkDestination(
      compileNetworkPolicy(),
      new URL('http://slow.example/'),
      hanging,
      controller.signal,
    );
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});
