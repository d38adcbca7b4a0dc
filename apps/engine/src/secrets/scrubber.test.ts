import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { processScrubber, rememberSecrets, sensitiveEnvValues } from './known-secrets.js';
import { createScrubber, REDACTED } from './scrubber.js';

const KEY = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

/** Every encoding of `key` a provider or proxy might echo, computed independently of the scrubber. */
function encodings(key: string): Record<string, string> {
  const bare = key.replace(/^sk-(?:proj-|ant-)?/, '');
  return {
    raw: key,
    withoutPrefix: bare,
    base64: b64(key),
    base64url: b64url(key),
    base64Bare: b64(bare),
    bearerBase64: b64(`Bearer ${key}`),
    basicAuth: b64(`user:${key}`),
    basicAuthUrl: b64url(`u:${key}`),
    hexLower: hex(key),
    hexUpper: hex(key).toUpperCase(),
    urlEncoded: encodeURIComponent(`${key}/+=`),
    json: JSON.stringify(key).slice(1, -1),
  };
}

/** The pieces of `key` long enough to identify it, in any of its encodings. */
function leaks(text: string, key: string): string[] {
  const bare = key.replace(/^sk-(?:proj-|ant-)?/, '');
  const out: string[] = [];
  for (const k of [key, bare]) {
    if (text.includes(k)) out.push(`raw ${k}`);
    if (text.toLowerCase().includes(hex(k))) out.push('hex');
    // Any 12 base64 characters of the key's encoding at any alignment.
    for (let lead = 0; lead < 3; lead++) {
      const enc = b64(`${'x'.repeat(lead)}${k}`).slice(4, -4);
      for (let i = 0; i + 12 <= enc.length; i += 4) {
        const piece = enc.slice(i, i + 12);
        if (text.includes(piece) || text.includes(piece.replace(/\+/g, '-').replace(/\//g, '_')))
          out.push(`base64 ${piece}`);
      }
    }
  }
  return out;
}

describe('createScrubber', () => {
  const s = createScrubber([KEY]);

  it.each(Object.entries(encodings(KEY)))('removes the key encoded as %s, with the token around it', (_name, enc) => {
    const text = `provider said: "${enc}" (request 42).`;
    const out = s.scrub(text);
    expect(out).toBe(`provider said: "${REDACTED}" (request 42).`);
    expect(leaks(out, KEY)).toEqual([]);
    expect(s.exposes(text)).toBe(true);
  });

  it('keeps ordinary text and short values untouched', () => {
    const text = 'HTTP 401: Incorrect API key provided. See https://platform.example/account/api-keys.';
    expect(s.scrub(text)).toBe(text);
    expect(s.exposes(text)).toBe(false);
    const short = createScrubber(['abc12']);
    expect(short.scrub('value abc12 here')).toBe('value abc12 here');
    const placeholders = createScrubber(['ollama', 'postgres', 'EMPTY']);
    expect(placeholders.scrub('ollama:llama3 via postgres, key EMPTY')).toBe('ollama:llama3 via postgres, key EMPTY');
  });

  it('replaces anything shaped like a provider key even when not configured', () => {
    expect(createScrubber([]).scrub('key sk-ant-XYZxyz123456789 rejected')).toBe(`key ${REDACTED} rejected`);
  });

  it('scrubs several secrets and every occurrence', () => {
    const other = 'pg-Passw0rd!/with+symbols';
    const both = createScrubber([KEY, other]);
    const text = `${KEY} and ${encodeURIComponent(other)} and ${b64(other)} and again ${KEY}`;
    expect(both.scrub(text)).toBe(`${REDACTED} and ${REDACTED} and ${REDACTED} and again ${REDACTED}`);
  });

  it('scrubs strings deep inside values, keys included, without changing the input', () => {
    const value = { error: { message: `bad ${b64(KEY)}` }, list: [KEY, 3, null], [KEY]: true };
    const out = s.scrubValue(value);
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(leaks(JSON.stringify(out), KEY)).toEqual([]);
    expect(out).toEqual({ error: { message: `bad ${REDACTED}` }, list: [REDACTED, 3, null], [REDACTED]: true });
    expect(value.list[0]).toBe(KEY);
  });

  it('property: a random key in any encoding at any place in random text never survives', () => {
    const keyArb = fc.stringMatching(/^[A-Za-z0-9_-]{16,48}$/);
    const encArb = fc.constantFrom(...Object.keys(encodings('x'.repeat(16))));
    const textArb = fc.string({ maxLength: 40 });
    fc.assert(
      fc.property(keyArb, encArb, textArb, textArb, (raw, which, before, after) => {
        const key = `sk-${raw}`;
        const scrubber = createScrubber([key]);
        const enc = encodings(key)[which] ?? key;
        const out = scrubber.scrub(`${before} ${enc} ${after}`);
        expect(leaks(out, key)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('process secrets', () => {
  it('takes credential variables, comma-separated key lists and URL passwords from the environment', () => {
    const values = sensitiveEnvValues({
      OPENAI_API_KEY: ' sk-env-123456789 ',
      FLOWCRAFT_SECRET_KEYS_OLD: 'oldkey-aaaaaaaa,oldkey-bbbbbbbb',
      DATABASE_URL: 'postgres://app:s3cret%2Fpw@db:5432/x',
      OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1',
      MCP_SERVERS: JSON.stringify([
        { name: 'gh', transport: 'stdio', command: 'x', env: { GH: 'ghp_mcp-env-secret-1' } },
        {
          name: 'web',
          transport: 'http',
          url: 'http://127.0.0.1:1/mcp',
          headers: { authorization: 'Bearer mcp-hdr-2222' },
        },
      ]),
      OTEL_EXPORTER_OTLP_HEADERS: 'x-honeycomb-team=hc-team-key-123,authorization=Bearer%20otlp-token-456',
      SHORT_TOKEN: 'abc',
    });
    expect(values).toEqual(
      expect.arrayContaining([
        'sk-env-123456789',
        'oldkey-aaaaaaaa',
        'oldkey-bbbbbbbb',
        's3cret/pw',
        'hc-team-key-123',
        'otlp-token-456',
        'ghp_mcp-env-secret-1',
        'mcp-hdr-2222',
      ]),
    );
    expect(values).not.toContain('http://127.0.0.1:1234/v1');
    expect(values).not.toContain('abc');
  });

  it('the process scrubber covers the environment and remembered secret-store values', () => {
    const stored = 'stored-secret-value-77';
    const env = { ANTHROPIC_API_KEY: 'env-anthropic-key-99' };
    expect(processScrubber(env).scrub(`${stored} env-anthropic-key-99`)).toBe(`${stored} ${REDACTED}`);
    rememberSecrets([stored]);
    expect(processScrubber(env).scrub(`${b64(stored)} env-anthropic-key-99`)).toBe(`${REDACTED} ${REDACTED}`);
  });
});
