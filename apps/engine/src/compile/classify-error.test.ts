import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlowError } from '@flowcraft/schema';
import { classifyError } from './classify-error.js';
import { doc, end, runDoc, start } from '../testing/harness.js';

const TOKEN = 'mcp-tok-7Hq2Wz9Kd4Lp1Xv';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('classifyError scrubs the process secrets', () => {
  it('from the message and the details, in any encoding', () => {
    vi.stubEnv('SEARCH_API_TOKEN', TOKEN);
    const info = classifyError(
      new FlowError('tool_error', `401 for Basic ${b64(`u:${TOKEN}`)}`, {
        details: { status: 401, body: `{"error":"bad token ${TOKEN.replace('mcp-tok-', '')}"}`, url: `?t=${TOKEN}` },
      }),
      'search',
    );
    expect(info).toEqual({
      code: 'tool_error',
      message: '401 for Basic ***',
      nodeId: 'search',
      retryable: false,
      details: { status: 401, body: '{"error":"bad token ***"}', url: '?t=***' },
    });
    expect(classifyError(new Error(`boom ${Buffer.from(TOKEN).toString('hex')}`), 'n').message).toBe('boom ***');
  });

  it('a failing HTTP tool echoing a token: node.failed events and the run error carry no token', async () => {
    vi.stubEnv('SEARCH_API_TOKEN', TOKEN);
    const d = doc({
      state: { out: { type: 'json' } },
      nodes: [
        start([]),
        { id: 'search', type: 'tool', config: { tool: 'http', url: 'http://api.test/search', output: 'out' } },
        end(['out']),
      ],
      edges: [
        ['start', 'search'],
        ['search', 'end'],
      ],
    });
    const run = await runDoc(
      d,
      {},
      {
        fetch: async () => new Response(`invalid token ${b64(TOKEN)} / ${encodeURIComponent(TOKEN)}`, { status: 403 }),
      },
    );
    expect(run.outcome.status).toBe('failed');
    const visible = JSON.stringify([run.outcome, run.events]);
    expect(visible).toContain('invalid token *** / ***');
    expect(visible).not.toContain(b64(TOKEN).slice(4, 20));
    expect(visible).not.toContain(TOKEN);
  });
});
