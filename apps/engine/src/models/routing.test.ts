import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelRoutingSettingsInput } from '@flowcraft/schema';
import { FlowError, WorkflowSettings } from '@flowcraft/schema';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { classifyError } from '../compile/classify-error.js';
import { isRetryable } from '../compile/retry.js';
import { createSecretStore } from '../secrets/create.js';
import { loadCredentials } from './credentials.js';
import { createModelFactory, type ModelFactoryOptions } from './model-factory.js';
import { FALLBACK_EVENT } from './routed-chat-model.js';
import { resolveChain, routingSettings } from './routing.js';
import { startAnthropicFixture, startOllamaFixture, startOpenAIFixture, type FixtureServer } from './fixtures/index.js';

const OPENAI_KEY = 'sk-proj-TOPSECRET-openai-0123456789';
const ANTHROPIC_KEY = 'sk-ant-TOPSECRET-anthropic-9876543210';

let openai: FixtureServer & { baseURL: string };
let anthropic: FixtureServer;
let ollama: FixtureServer;

beforeAll(async () => {
  [openai, anthropic, ollama] = await Promise.all([
    startOpenAIFixture(),
    startAnthropicFixture(),
    startOllamaFixture(),
  ]);
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close(), ollama.close()]);
});
beforeEach(() => {
  for (const f of [openai, anthropic, ollama]) f.reset();
});

const env = () => ({
  OPENAI_BASE_URL: openai.baseURL,
  OPENAI_API_KEY: OPENAI_KEY,
  ANTHROPIC_BASE_URL: anthropic.url,
  ANTHROPIC_API_KEY: ANTHROPIC_KEY,
  OLLAMA_BASE_URL: ollama.url,
});

const FALLBACKS: ModelRoutingSettingsInput = { fallbacks: { 'openai:gpt-4o': ['anthropic:claude-sonnet-4-5'] } };

function factory(routing: ModelRoutingSettingsInput = FALLBACKS, extra: Partial<ModelFactoryOptions> = {}) {
  const waits: number[] = [];
  const f = createModelFactory({
    env: env(),
    routing,
    sleep: async (ms) => void waits.push(ms),
    ...extra,
  });
  return { f, waits };
}

async function failure(p: Promise<unknown>): Promise<FlowError> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof FlowError)) throw new Error(`expected a FlowError, got ${String(e)}`);
  return e;
}

class Events extends BaseCallbackHandler {
  name = 'events';
  override awaitHandlers = true;
  custom: Array<{ name: string; data: unknown }> = [];
  override handleCustomEvent(name: string, data: unknown): void {
    this.custom.push({ name, data });
  }
}

describe('routing: tiers and fallback chains', () => {
  it('resolves tiers, lists, nested tiers and transitive fallbacks without repeats', () => {
    const r = routingSettings({
      tiers: { fast: 'openai:gpt-4o-mini', smart: ['openai:gpt-4o', 'tier:fast'], loop: 'tier:loop' },
      fallbacks: {
        'openai:gpt-4o': ['anthropic:claude-sonnet-4-5'],
        'anthropic:claude-sonnet-4-5': ['ollama:llama3', 'openai:gpt-4o'],
      },
    });
    expect(resolveChain('tier:fast', r)).toEqual(['openai:gpt-4o-mini']);
    expect(resolveChain('tier:smart', r)).toEqual([
      'openai:gpt-4o',
      'openai:gpt-4o-mini',
      'anthropic:claude-sonnet-4-5',
      'ollama:llama3',
    ]);
    expect(resolveChain('ollama:llama3', r)).toEqual(['ollama:llama3']);
    expect(() => resolveChain('tier:nope', r, 'n1')).toThrow(/Unknown model tier "nope".*fast, smart, loop/);
    expect(() => resolveChain('tier:loop', r)).toThrow(/refers to itself/);
  });

  it('settings.models is optional and old documents stay valid', () => {
    expect(WorkflowSettings.parse({}).models).toBeUndefined();
    const s = WorkflowSettings.parse({ models: { tiers: { fast: 'openai:gpt-4o-mini' } } });
    expect(s.models).toMatchObject({
      tiers: { fast: 'openai:gpt-4o-mini' },
      fallbacks: {},
      callTimeoutMs: 0,
      maxRetryAfterMs: 30_000,
      rateLimitRetries: 1,
    });
    expect(WorkflowSettings.safeParse({ models: { tiers: { 'bad name': 'x:y' } } }).success).toBe(false);
  });

  it('a node using a tier calls the tier model', async () => {
    ollama.enqueue({ text: 'local answer' });
    const { f } = factory({ tiers: { cheap: 'ollama:llama3.2' } });
    const msg = await f.chat('tier:cheap', { nodeId: 'n1' }).invoke('hi');
    expect(msg.text).toBe('local answer');
    expect(msg.response_metadata).toMatchObject({
      flowcraft_model: 'ollama:llama3.2',
      flowcraft_requested: 'tier:cheap',
    });
    expect(ollama.requests[0]?.body['model']).toBe('llama3.2');
  });

  it('unknown tiers fail when the model is requested, naming the node', () => {
    const { f } = factory({});
    expect(() => f.chat('tier:fast', { nodeId: 'n9' })).toThrow(
      expect.objectContaining({ code: 'model_error', nodeId: 'n9' }),
    );
  });
});

describe('fallback on retryable failures', () => {
  it('falls back to the next provider on 503 and records the model actually used', async () => {
    openai.enqueue({ status: 503, error: 'overloaded' });
    anthropic.enqueue({ text: 'from claude', usage: { input: 5, output: 2 } });
    const { f } = factory();
    const m = f.chat('openai:gpt-4o', { nodeId: 'n1' });
    const events = new Events();
    m.callbacks = [events];
    const msg = await m.invoke('hi');
    expect(msg.text).toBe('from claude');
    expect(msg.usage_metadata).toMatchObject({ input_tokens: 5, output_tokens: 2 });
    expect(msg.response_metadata).toMatchObject({
      flowcraft_model: 'anthropic:claude-sonnet-4-5',
      flowcraft_requested: 'openai:gpt-4o',
      flowcraft_attempts: [expect.objectContaining({ model: 'openai:gpt-4o', status: 503, retryable: true })],
    });
    expect(openai.requests).toHaveLength(1);
    expect(anthropic.requests).toHaveLength(1);
    expect(events.custom).toEqual([
      {
        name: FALLBACK_EVENT,
        data: expect.objectContaining({ model: 'openai:gpt-4o', action: 'next', next: 'anthropic:claude-sonnet-4-5' }),
      },
    ]);
  });

  it('falls back while streaming when the first provider fails before any token', async () => {
    openai.enqueue({ status: 502 });
    anthropic.enqueue({ text: 'streamed fallback' });
    const { f } = factory();
    const tokens: string[] = [];
    const m = f.chat('openai:gpt-4o', { nodeId: 'n1' });
    for await (const c of await m.stream('hi')) if (c.text) tokens.push(c.text);
    expect(tokens).toEqual(['streamed', ' fallback']);
    expect(openai.requests[0]?.body['stream']).toBe(true);
  });

  it('falls back on a connection refused', async () => {
    const dead = await startOpenAIFixture();
    const url = dead.baseURL;
    await dead.close();
    anthropic.enqueue({ text: 'still here' });
    const f = createModelFactory({ env: { ...env(), OPENAI_BASE_URL: url }, routing: FALLBACKS });
    const msg = await f.chat('openai:gpt-4o', { nodeId: 'n1' }).invoke('hi');
    expect(msg.text).toBe('still here');
    expect(msg.response_metadata['flowcraft_attempts']).toEqual([
      expect.objectContaining({ model: 'openai:gpt-4o', code: 'model_error', retryable: true }),
    ]);
  });

  it('when every model fails, throws the last error with every attempt, retryable for the engine', async () => {
    openai.enqueue({ status: 500 });
    anthropic.enqueue({ status: 529, error: 'Overloaded' });
    const { f } = factory();
    const err = await failure(f.chat('openai:gpt-4o', { nodeId: 'n1' }).invoke('hi'));
    expect(err).toMatchObject({ code: 'model_error', retryable: true, nodeId: 'n1' });
    expect(err.message).toMatch(
      /anthropic:claude-sonnet-4-5 failed with HTTP 529.*attempts: openai:gpt-4o 500, anthropic:claude-sonnet-4-5 529/,
    );
    expect(isRetryable(err)).toBe(true);
    expect(classifyError(err)).toMatchObject({ code: 'model_error', retryable: true, nodeId: 'n1' });
  });
});

describe('429 and Retry-After', () => {
  it('waits out a Retry-After and retries the same model (wait measured through the injected sleep)', async () => {
    openai.enqueue({ status: 429, headers: { 'retry-after': '2' } }, { text: 'after the wait' });
    const { f, waits } = factory({});
    const msg = await f.chat('openai:gpt-4o', { nodeId: 'n1' }).invoke('hi');
    expect(msg.text).toBe('after the wait');
    expect(waits).toEqual([2000]);
    expect(openai.requests).toHaveLength(2);
    expect(msg.response_metadata['flowcraft_attempts']).toEqual([
      expect.objectContaining({ code: 'rate_limited', status: 429, retryAfterMs: 2000 }),
    ]);
  });

  it('reads retry-after-ms and also honours it while streaming', async () => {
    openai.enqueue({ status: 429, headers: { 'retry-after-ms': '150' } }, { text: 'ok now' });
    const { f, waits } = factory({});
    const chunks: string[] = [];
    for await (const c of await f.chat('openai:gpt-4o', { nodeId: 'n1' }).stream('hi')) if (c.text) chunks.push(c.text);
    expect(chunks.join('')).toBe('ok now');
    expect(waits).toEqual([150]);
  });

  it('a Retry-After longer than maxRetryAfterMs falls back at once', async () => {
    openai.enqueue({ status: 429, headers: { 'retry-after': '120' } });
    anthropic.enqueue({ text: 'no waiting' });
    const { f, waits } = factory({ ...FALLBACKS, maxRetryAfterMs: 10_000 });
    expect((await f.chat('openai:gpt-4o', { nodeId: 'n1' }).invoke('hi')).text).toBe('no waiting');
    expect(waits).toEqual([]);
  });

  it('after the allowed retries, a 429 is a retryable rate_limited error carrying retryAfterMs', async () => {
    openai.enqueue({ status: 429, headers: { 'retry-after': '1' } }, { status: 429, headers: { 'retry-after': '3' } });
    const { f, waits } = factory({ rateLimitRetries: 1 });
    const err = await failure(f.chat('openai:gpt-4o', { nodeId: 'n1' }).invoke('hi'));
    expect(waits).toEqual([1000]);
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true, details: { status: 429, retryAfterMs: 3000 } });
    expect(classifyError(err)).toMatchObject({ code: 'rate_limited', retryable: true });
  });
});

describe('timeouts', () => {
  it('a call that makes no progress within callTimeoutMs fails over to the next model', async () => {
    openai.enqueue({ delayMs: 10_000, text: 'too late' });
    anthropic.enqueue({ text: 'in time' });
    const { f } = factory({ ...FALLBACKS, callTimeoutMs: 150 });
    const msg = await f.chat('openai:gpt-4o', { nodeId: 'n1' }).invoke('hi');
    expect(msg.text).toBe('in time');
    expect(msg.response_metadata['flowcraft_attempts']).toEqual([
      expect.objectContaining({
        model: 'openai:gpt-4o',
        retryable: true,
        message: expect.stringMatching(/within 150 ms/),
      }),
    ]);
  });

  it('a stream that does not start within callTimeoutMs falls back too', async () => {
    openai.enqueue({ delayMs: 10_000 });
    anthropic.enqueue({ text: 'fast stream' });
    const { f } = factory({ ...FALLBACKS, callTimeoutMs: 150 });
    const chunks: string[] = [];
    for await (const c of await f.chat('openai:gpt-4o', { nodeId: 'n1' }).stream('hi')) if (c.text) chunks.push(c.text);
    expect(chunks).toEqual(['fast', ' stream']);
  });

  it.each([
    ['openai:gpt-4o', () => openai],
    ['anthropic:claude-x', () => anthropic],
    ['ollama:llama3', () => ollama],
  ] as const)('%s: a timeout alone is a retryable model_error', async (spec, server) => {
    server().enqueue({ delayMs: 10_000 });
    const { f } = factory({ callTimeoutMs: 100 });
    const err = await failure(f.chat(spec, { nodeId: 'n1' }).invoke('hi'));
    expect(err).toMatchObject({ code: 'model_error', retryable: true, details: { reason: 'timeout', timeoutMs: 100 } });
  });

  it('cancellation by the caller is passed through, without fallback', async () => {
    openai.enqueue({ delayMs: 10_000 });
    const { f } = factory();
    const ac = new AbortController();
    const p = f.chat('openai:gpt-4o', { nodeId: 'n1' }).invoke('hi', { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('run cancelled')), 50);
    const err: unknown = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(FlowError);
    expect(anthropic.requests).toHaveLength(0);
  });
});

describe('non-retryable errors are neither retried nor fallen back from', () => {
  it.each([
    [401, `Incorrect API key provided: ${OPENAI_KEY}`],
    [400, 'Invalid value for messages'],
    [404, 'The model does not exist'],
  ])('HTTP %i', async (status, message) => {
    openai.enqueue({ status, error: message });
    const { f, waits } = factory();
    const err = await failure(f.chat('openai:gpt-4o', { nodeId: 'n1' }).invoke('hi'));
    expect(err).toMatchObject({ code: 'model_error', retryable: false, details: { status } });
    expect(isRetryable(err)).toBe(false);
    expect(openai.requests).toHaveLength(1);
    expect(anthropic.requests).toHaveLength(0);
    expect(waits).toEqual([]);
  });

  it('an Anthropic 401 too', async () => {
    anthropic.enqueue({ status: 401, error: `invalid x-api-key ${ANTHROPIC_KEY}` });
    const { f } = factory({ fallbacks: { 'anthropic:claude-x': ['openai:gpt-4o'] } });
    const err = await failure(f.chat('anthropic:claude-x', { nodeId: 'n1' }).invoke('hi'));
    expect(err).toMatchObject({ code: 'model_error', retryable: false, details: { status: 401, reason: 'auth' } });
    expect(openai.requests).toHaveLength(0);
  });
});

describe('secrets never appear in errors', () => {
  function exposures(err: FlowError): string[] {
    return [
      err.message,
      String(err),
      JSON.stringify(err),
      JSON.stringify(err.toInfo()),
      JSON.stringify(classifyError(err)),
      inspect(err, { depth: 10 }),
      String(err.stack),
    ];
  }

  it('provider messages echoing the key are scrubbed, everywhere the error can be shown', async () => {
    openai.enqueue({ status: 401, error: `Incorrect API key provided: ${OPENAI_KEY}. You can find your key at …` });
    anthropic.enqueue({ status: 400, error: `bad request for ${ANTHROPIC_KEY}` });
    const { f } = factory({ fallbacks: { 'anthropic:claude-x': ['openai:gpt-4o'] } });
    const a = await failure(f.chat('openai:gpt-4o', { nodeId: 'n1' }).invoke('hi'));
    const b = await failure(f.chat('anthropic:claude-x', { nodeId: 'n1' }).invoke('hi'));
    for (const err of [a, b]) {
      for (const text of exposures(err)) {
        expect(text).not.toContain(OPENAI_KEY);
        expect(text).not.toContain(ANTHROPIC_KEY);
        expect(text).not.toContain('TOPSECRET');
      }
    }
    expect(a.message).toContain('***');
  });

  it('keys from the encrypted secret store are used and scrubbed', async () => {
    const store = createSecretStore({ FLOWCRAFT_SECRET_KEY: 'a'.repeat(64) });
    if (!store) throw new Error('store');
    const stored = 'stored-key-VALUE-42-xyz';
    await store.set('OPENAI_API_KEY', stored);
    const credentials = await loadCredentials(
      { OPENAI_BASE_URL: openai.baseURL, OPENAI_API_KEY: 'env-key-loses' },
      store,
    );
    expect(credentials.source('OPENAI_API_KEY')).toBe('secret');
    openai.enqueue({ text: 'hi' }, { status: 403, error: `key ${stored} is not allowed` });
    const f = createModelFactory({ env: {}, credentials });
    const m = f.chat('openai:gpt-4o', { nodeId: 'n1' });
    await m.invoke('x');
    expect(openai.requests[0]?.headers['authorization']).toBe(`Bearer ${stored}`);
    const err = await failure(m.invoke('x'));
    for (const text of exposures(err)) expect(text).not.toContain(stored);
  });

  it('a missing key is reported by name only', () => {
    const f = createModelFactory({ env: {} });
    expect(() => f.chat('anthropic:claude-x', { nodeId: 'n1' })).toThrow(/ANTHROPIC_API_KEY/);
  });
});
