import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySaver } from '@langchain/langgraph';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { WorkflowDocument, type TraceEventBody, type WorkflowDocumentInput } from '@flowcraft/schema';
import { compile } from '../compile/compile.js';
import { doc, end, start } from '../testing/harness.js';
import { executeRun, type RunOutcome } from '../execution/execute.js';
import { createRunServices } from '../execution/services.js';
import { createSecretStore } from '../secrets/create.js';
import { createLogger } from '../server/logger.js';
import { loadCredentials, type Credentials } from './credentials.js';
import { keyEchoes, startAnthropicFixture, startOpenAIFixture, type FixtureServer } from './fixtures/index.js';

const OPENAI_KEY = 'sk-proj-9fQ2xLr7Tz4WbN8mKp3sHd6Yc';
const ANTHROPIC_KEY = 'sk-ant-api03-Zq7Wm2Rt5Yp8Lk3Jh6Gf9Dc1';
const STORED_KEY = 'stored-Vb4Nm7Qw2Er5Ty8Ui1Op';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

/** Identifying pieces of `key` in the encodings the fixture echoes, computed without the scrubber. */
function exposures(text: string, key: string): string[] {
  const bare = key.replace(/^sk-(?:ant-api03-|proj-)?/, '');
  const found: string[] = [];
  for (const k of [key, bare]) {
    if (text.includes(k)) found.push(`raw ${k}`);
    if (text.toLowerCase().includes(hex(k))) found.push(`hex ${k}`);
    if (text.includes(encodeURIComponent(k))) found.push(`url ${k}`);
    for (let lead = 0; lead < 3; lead++) {
      const enc = b64(`${'x'.repeat(lead)}${k}`).slice(4, -4);
      for (let i = 0; i + 12 <= enc.length; i += 4) {
        const piece = enc.slice(i, i + 12);
        if (text.includes(piece) || text.includes(piece.replace(/\+/g, '-').replace(/\//g, '_')))
          found.push(`base64 ${piece}`);
      }
    }
  }
  return found;
}

let openai: FixtureServer & { baseURL: string };
let anthropic: FixtureServer;
beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startOpenAIFixture(), startAnthropicFixture()]);
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close()]);
});

function askDoc(model: string, settings: WorkflowDocumentInput['settings'] = {}): WorkflowDocumentInput {
  return doc({
    state: { topic: { type: 'string' }, answer: { type: 'string' } },
    nodes: [
      start(['topic']),
      { id: 'ask', type: 'llm', config: { model, prompt: 'About {{ state.topic }}', output: 'answer' } },
      end(['answer']),
    ],
    edges: [
      ['start', 'ask'],
      ['ask', 'end'],
    ],
    settings,
  });
}

/** Runs `d` over the fixtures and returns everything a user, a client or the database could see. */
async function runAndCollect(
  d: WorkflowDocumentInput,
  credentials: Credentials,
): Promise<{
  outcome: RunOutcome;
  visible: string;
}> {
  const settings = WorkflowDocument.parse(d).settings;
  const services = createRunServices({
    env: {},
    credentials,
    ...(settings.models ? { routing: settings.models } : {}),
  });
  const saver = new MemorySaver();
  const compiled = compile(d, createBuiltinRegistry(), services, { checkpointer: saver });
  const events: TraceEventBody[] = [];
  const outcome = await executeRun({
    compiled,
    threadId: 't1',
    input: { topic: 'x' },
    onEvent: (e) => void events.push(e),
  });
  const checkpoints = [];
  for await (const t of saver.list({ configurable: { thread_id: 't1' } })) checkpoints.push(t);
  const raw = Object.values(saver.storage)
    .flatMap((ns) => Object.values(ns).flatMap((cps) => Object.values(cps)))
    .flat()
    .map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v)));
  const writes = Object.values(saver.writes).flatMap((w) => Object.values(w).map((x) => inspect(x, { depth: 8 })));
  const visible = [
    JSON.stringify(outcome),
    JSON.stringify(events),
    JSON.stringify(checkpoints),
    inspect(checkpoints, { depth: 12 }),
    ...raw,
    ...writes,
  ].join('\n');
  return { outcome, visible };
}

describe('provider errors echoing the key in any encoding reach no error, event or checkpoint', () => {
  it('the fixture really echoes every encoding (the test can fail)', () => {
    const echoed = keyEchoes({ authorization: `Bearer ${OPENAI_KEY}` });
    expect(exposures(echoed, OPENAI_KEY).length).toBeGreaterThan(8);
  });

  it('a 401 with the env key raw, unprefixed, base64, base64url, Bearer/Basic base64, hex and URL-encoded', async () => {
    openai.reset();
    openai.enqueue({ status: 401, echoKey: true });
    const credentials = await loadCredentials({ OPENAI_BASE_URL: openai.baseURL, OPENAI_API_KEY: OPENAI_KEY });
    const { outcome, visible } = await runAndCollect(askDoc('openai:gpt-4o'), credentials);
    expect(outcome.status).toBe('failed');
    expect(openai.requests[0]?.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expect(visible).toContain('refused the credentials (HTTP 401)');
    expect(visible).toContain('***');
    expect(exposures(visible, OPENAI_KEY)).toEqual([]);
  });

  it('retryable failures that fall back: every failed attempt in the trace is scrubbed too', async () => {
    openai.reset();
    anthropic.reset();
    openai.enqueue({ status: 503, echoKey: true });
    anthropic.enqueue({ status: 400, echoKey: true });
    const credentials = await loadCredentials({
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_API_KEY: OPENAI_KEY,
      ANTHROPIC_BASE_URL: anthropic.url,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    });
    const d = askDoc('openai:gpt-4o', { models: { fallbacks: { 'openai:gpt-4o': ['anthropic:claude-x'] } } });
    const { outcome, visible } = await runAndCollect(d, credentials);
    expect(outcome.status).toBe('failed');
    expect(anthropic.requests[0]?.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(visible).toContain('model_attempt_failed');
    expect(exposures(visible, OPENAI_KEY)).toEqual([]);
    expect(exposures(visible, ANTHROPIC_KEY)).toEqual([]);
  });

  it('a key from the encrypted secret store, and the logger scrubs it afterwards', async () => {
    openai.reset();
    const store = createSecretStore({ FLOWCRAFT_SECRET_KEY: 'b'.repeat(64) });
    if (!store) throw new Error('store');
    await store.set('OPENAI_API_KEY', STORED_KEY);
    openai.enqueue({ status: 403, echoKey: true });
    const credentials = await loadCredentials({ OPENAI_BASE_URL: openai.baseURL }, store);
    const { outcome, visible } = await runAndCollect(askDoc('openai:gpt-4o'), credentials);
    expect(outcome.status).toBe('failed');
    expect(exposures(visible, STORED_KEY)).toEqual([]);

    const lines: string[] = [];
    const logger = createLogger('debug', (line) => void lines.push(line));
    logger.error('provider said', { body: keyEchoes({ authorization: `Bearer ${STORED_KEY}` }) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('provider said');
    expect(exposures(lines.join('\n'), STORED_KEY)).toEqual([]);
  });
});
