import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySaver } from '@langchain/langgraph';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { createBuiltinRegistry, sleep } from '@flowcraft/node-types';
import { WorkflowDocument, type TraceEventBody, type WorkflowDocumentInput } from '@flowcraft/schema';
import { compile } from '../compile/compile.js';
import { doc, end, start } from '../testing/harness.js';
import { executeRun } from '../execution/execute.js';
import { ModelEvents } from '../execution/model-events.js';
import type { RunServices } from '../execution/services.js';
import { createModelFactory } from './model-factory.js';
import { startAnthropicFixture, startOpenAIFixture, type FixtureServer } from './fixtures/index.js';

/**
 * The wiring the run layer needs (what run/services.ts should do): a factory with the
 * document's `settings.models` and credentials, models cached per (spec, node), the run's
 * token handler attached to each model's own callbacks.
 */
function services(d: WorkflowDocumentInput, env: Record<string, string>): RunServices {
  const settings = WorkflowDocument.parse(d).settings;
  const models = createModelFactory({ env, routing: settings.models });
  const modelEvents = new ModelEvents();
  const cache = new Map<string, BaseChatModel>();
  return {
    models: {
      calls: models.calls,
      chat: (spec, req) => {
        const key = `${spec}\u0000${req.nodeId}`;
        let m = cache.get(key);
        if (!m) {
          m = models.chat(spec, req);
          m.callbacks = [modelEvents];
          cache.set(key, m);
        }
        return m;
      },
    },
    modelEvents,
    fetch: (input, init) => globalThis.fetch(input, init),
    now: () => Date.now(),
    sleep,
  };
}

let openai: FixtureServer & { baseURL: string };
let anthropic: FixtureServer;
beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startOpenAIFixture(), startAnthropicFixture()]);
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close()]);
});

describe('a compiled workflow over real provider clients', () => {
  it('an llm node on tier:smart falls back from a 503 to Anthropic, streams its tokens and counts its usage', async () => {
    const d = doc({
      state: { topic: { type: 'string' }, answer: { type: 'string' } },
      nodes: [
        start(['topic']),
        {
          id: 'ask',
          type: 'llm',
          config: { model: 'tier:smart', prompt: 'Tell me about {{ state.topic }}', output: 'answer' },
        },
        end(['answer']),
      ],
      edges: [
        ['start', 'ask'],
        ['ask', 'end'],
      ],
      settings: {
        models: { tiers: { smart: 'openai:gpt-4o' }, fallbacks: { 'openai:gpt-4o': ['anthropic:claude-sonnet-4-5'] } },
      },
    });
    openai.enqueue({ status: 503, error: 'overloaded' });
    anthropic.enqueue({ text: 'Tides follow the moon', usage: { input: 12, output: 4 } });
    const env = {
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_API_KEY: 'k-openai-123456',
      ANTHROPIC_BASE_URL: anthropic.url,
      ANTHROPIC_API_KEY: 'k-anthropic-123456',
    };
    const compiled = compile(d, createBuiltinRegistry(), services(d, env), { checkpointer: new MemorySaver() });
    const events: TraceEventBody[] = [];
    const outcome = await executeRun({
      compiled,
      threadId: 't1',
      input: { topic: 'tides' },
      onEvent: (e) => void events.push(e),
    });
    expect(outcome).toMatchObject({
      status: 'completed',
      output: { answer: 'Tides follow the moon' },
      tokens: { input: 12, output: 4 },
    });
    const tokens = events.flatMap((e) => (e.type === 'model.token' ? [e.text] : []));
    expect(tokens.join('')).toBe('Tides follow the moon');
    expect(tokens.length).toBeGreaterThanOrEqual(1);
    expect(openai.requests).toHaveLength(1);
    expect(anthropic.requests[0]?.body['stream']).toBe(true);
  });
});
