import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySaver } from '@langchain/langgraph';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { FlowError, type TraceEventBody, type WorkflowDocumentInput } from '@flowcraft/schema';
import { compile } from '../compile/compile.js';
import { doc, end, start } from '../testing/harness.js';
import { executeRun } from '../execution/execute.js';
import { createRunServices } from '../execution/services.js';
import { createCredentials } from './credentials.js';
import { startOpenAIFixture, type OpenAIFixture } from './fixtures/index.js';
import { createModelFactory } from './model-factory.js';

let openai: OpenAIFixture;
beforeAll(async () => {
  openai = await startOpenAIFixture();
});
afterAll(() => openai.close());

const env = () => ({ OPENAI_BASE_URL: openai.baseURL, OPENAI_API_KEY: 'sk-test-structured-123456' });
const schema = { type: 'object', properties: { score: { type: 'number' } }, required: ['score'] };

function llmDoc(): WorkflowDocumentInput {
  return doc({
    state: { topic: { type: 'string' }, rating: { type: 'json' } },
    nodes: [
      start(['topic']),
      {
        id: 'rate',
        type: 'llm',
        config: { model: 'openai:gpt-4o', prompt: 'Rate {{ state.topic }}', output: 'rating', schema },
      },
      end(['rating']),
    ],
    edges: [
      ['start', 'rate'],
      ['rate', 'end'],
    ],
  });
}

describe('a structured-output request answered with plain text', () => {
  it('fails the run naming the node, the model and the expected tool call (streamed, as in a run)', async () => {
    openai.reset();
    openai.enqueue({ text: 'Sure! I would rate it 7 out of 10.' });
    const services = createRunServices({ env: {}, credentials: createCredentials(env()) });
    const compiled = compile(llmDoc(), createBuiltinRegistry(), services, { checkpointer: new MemorySaver() });
    const events: TraceEventBody[] = [];
    const outcome = await executeRun({
      compiled,
      threadId: 't',
      input: { topic: 'tea' },
      onEvent: (e) => void events.push(e),
    });
    expect(openai.requests[0]?.body['tool_choice']).toEqual({ type: 'function', function: { name: 'output' } });
    if (outcome.status !== 'failed') throw new Error(`expected failure, got ${outcome.status}`);
    expect(outcome.error).toMatchObject({ code: 'model_error', nodeId: 'rate' });
    expect(outcome.error.message).toContain('Node "rate": openai:gpt-4o answered with plain text');
    expect(outcome.error.message).toContain('structured output was expected: a call of the "output" tool');
    expect(outcome.error.message).toContain('"Sure! I would rate it 7 out of 10."');
    expect(outcome.error.message).not.toMatch(/AIMessageChunk|No tool calls found/);
    expect(JSON.stringify(events)).not.toMatch(/AIMessageChunk|No tool calls found/);
  });

  it('through invoke (not streamed) too, and a router names the model behind its tier', async () => {
    openai.reset();
    openai.enqueue({ text: 'billing' });
    const f = createModelFactory({ env: env(), routing: { tiers: { fast: 'openai:gpt-4o-mini' } } });
    const m = f.chat('tier:fast', { nodeId: 'triage' });
    const err = await m
      .withStructuredOutput({ title: 'route_decision', ...schema }, { name: 'route_decision' })
      .invoke('which?')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(FlowError);
    expect(err).toMatchObject({
      code: 'model_error',
      nodeId: 'triage',
      retryable: false,
      details: { model: 'openai:gpt-4o-mini', requested: 'tier:fast', reason: 'no_structured_output' },
    });
    expect(String((err as Error).message)).toContain(
      'Node "triage": openai:gpt-4o-mini (for tier:fast) answered with plain text',
    );
  });

  it('a tool-call answer still parses', async () => {
    openai.reset();
    openai.enqueue({ toolCalls: [{ name: 'output', args: { score: 7 } }] });
    const f = createModelFactory({ env: env() });
    const out = await f
      .chat('openai:gpt-4o', { nodeId: 'rate' })
      .withStructuredOutput({ title: 'output', ...schema }, { name: 'output' })
      .invoke('rate');
    expect(out).toEqual({ score: 7 });
  });
});
