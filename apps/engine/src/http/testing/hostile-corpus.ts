/**
 * Hostile values for the edge tests: what an attacker or a careless client sends in path
 * parameters, query parameters and bodies. Raw strings are already percent-encoded for URLs and
 * already JSON text for bodies, so lone surrogates and `1e400` reach the server as sent.
 */

/** Path parameter values (percent-encoded). */
export const HOSTILE_PATH_VALUES: readonly string[] = [
  '%00',
  'a%00b',
  '%ff',
  '%ED%A0%80', // a lone surrogate in CESU-8: not valid UTF-8
  'x'.repeat(300),
  '2147483648',
  '-1',
  '0',
  '1e400',
  '..%2F..%2Fetc%2Fpasswd',
  '%27%3B%20drop%20table%20runs%3B--',
  '__proto__',
  '%F0%9F%98%80', // an emoji: valid, but not an id
];

/** Query parameter values (percent-encoded). */
export const HOSTILE_QUERY_VALUES: readonly string[] = [
  '%00',
  '%ff%ff',
  '%ED%A0%80',
  '2147483648',
  '99999999999999999999999',
  '1e400',
  '-1',
  '',
  'x'.repeat(5000),
  '0000-01-01T00:00:00Z', // a valid ISO timestamp Postgres has no year for
  '9999-12-31T23:59:59.999%2B14:00',
  'AAAA', // well-formed base64url, but not a cursor the API issued
  'eyJ0IjoiMjAyNS0wMS0wMVQwMDowMDowMFoiLCJpZCI6IngifQ', // a plausible forged cursor
];

function deepArray(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** JSON texts the edge must refuse with 422 whatever the route (name → body). */
export const REFUSED_BODIES: Readonly<Record<string, string>> = {
  'nested 10,000 deep': `{"input":${deepArray(10_000)},"values":${deepArray(10_000)},"document":${deepArray(10_000)}}`,
  'nested 129 deep': `{"value":${deepArray(129)}}`,
  NUL: '{"document":{"name":"a\\u0000b"},"input":{"x":"\\u0000"},"value":"\\u0000"}',
  'lone high surrogate': '{"input":{"x":"\\ud800"},"value":"\\ud800"}',
  'lone low surrogate in a key': '{"input":{"\\udc00":1}}',
  'number out of range': '{"input":{"n":1e400},"version":1e400}',
  'string of 300,000 characters': `{"input":{"x":"${'a'.repeat(300_000)}"}}`,
};

/** A value nested `depth` levels (objects and arrays alternating) with a leaf at the bottom. */
export function nested(depth: number, leaf: unknown = 'bottom'): unknown {
  let value = leaf;
  for (let i = 1; i < depth; i++) value = i % 2 === 0 ? [value] : { d: value };
  return value;
}

/** Strange but acceptable text: it passes the edge and must reach storage and come back without a 500. */
export const ODD_TEXT = `Robert'); DROP TABLE runs;-- 😀 \uFFFF \u202Eevil\u202C \\u0000 %00 ${'é'.repeat(50)}`;
