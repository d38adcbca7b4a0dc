import { FlowError } from '@flowcraft/schema';
import { ToolMessage } from '@langchain/core/messages';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeToolSafely, MAX_TOOL_OUTPUT_CHARS, toLangChainTool } from './langchain-tool.js';
import { runToolSpec } from './run-tool-spec.js';
import { ToolSpec } from './tool-spec.js';

let server: Server;
let base = '';
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers['x-api-key'] ?? ''}`);
    if (req.url?.startsWith('/api/weather')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ city: new URL(req.url, 'http://x').searchParams.get('city'), tempC: 21 }));
    } else if (req.url === '/api/hop') {
      res.statusCode = 302;
      res.setHeader('location', 'http://169.254.169.254/latest/meta-data');
      res.end();
    } else if (req.url === '/api/down') {
      res.statusCode = 503;
      res.end('maintenance');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const deps = { fetch: (input: string | URL, init?: RequestInit) => fetch(input, init) };

function httpSpec(): ToolSpec {
  return ToolSpec.parse({
    kind: 'http',
    name: 'weather',
    description: 'Weather by city',
    baseUrl: `${base}/api`,
    headers: { 'x-api-key': 'k1' },
  });
}

describe('ToolSpec', () => {
  it('fills defaults and describes itself as JSON Schema (for the config form)', () => {
    expect(ToolSpec.parse({ kind: 'calculator' })).toMatchObject({ kind: 'calculator', name: 'calculator' });
    expect(ToolSpec.parse({ kind: 'code', name: 'c', description: 'd', code: 'return 1' })).toMatchObject({
      timeoutMs: 1000,
      memoryMb: 32,
    });
    expect(
      ToolSpec.safeParse({ kind: 'http', name: 'bad name!', description: 'd', baseUrl: 'https://a.com' }).success,
    ).toBe(false);
    expect(ToolSpec.safeParse({ kind: 'http', name: 'f', description: 'd', baseUrl: 'file:///etc' }).success).toBe(
      false,
    );
    const schema = z.toJSONSchema(ToolSpec, { io: 'input' });
    expect(JSON.stringify(schema)).toContain('"calculator"');
  });
});

describe('toLangChainTool', () => {
  it('builds a calculator tool with a zod schema and returns text', async () => {
    const calc = toLangChainTool(ToolSpec.parse({ kind: 'calculator' }), deps);
    expect(calc.name).toBe('calculator');
    expect(await calc.invoke({ expression: '6 * 7' })).toBe('42');
    expect(await calc.invoke({ expression: '2 inch to cm' })).toBe('5.08 cm');
    const message = await calc.invoke({
      id: 'call_1',
      name: 'calculator',
      args: { expression: '1 + 1' },
      type: 'tool_call',
    });
    expect(message).toBeInstanceOf(ToolMessage);
    expect((message as ToolMessage).content).toBe('2');
    await expect(calc.invoke({ expression: 'import({})' })).rejects.toMatchObject({ code: 'tool_error' });
  });

  it('builds an HTTP tool that stays under its base URL and sends the configured headers', async () => {
    const weather = toLangChainTool(httpSpec(), deps);
    const text = await weather.invoke({ path: 'weather', query: { city: 'Oslo' } });
    expect(JSON.parse(String(text))).toEqual({ status: 200, body: { city: 'Oslo', tempC: 21 } });
    expect(seen).toContain('GET /api/weather?city=Oslo k1');
    await expect(weather.invoke({ path: '../admin' })).rejects.toMatchObject({ code: 'tool_error' });
    const hop = await weather.invoke({ path: 'hop' }).catch((e: unknown) => e);
    expect(hop).toBeInstanceOf(FlowError);
    expect((hop as FlowError).details).toMatchObject({
      status: 302,
      location: 'http://169.254.169.254/latest/meta-data',
    });
    expect(seen.some((line) => line.includes('meta-data'))).toBe(false);
  });

  it('builds a code tool whose arguments follow argsSchema', async () => {
    const spec = ToolSpec.parse({
      kind: 'code',
      name: 'word_count',
      description: 'Counts words',
      code: 'console.log("counting"); return { words: input.text.split(/\\s+/).filter(Boolean).length }',
      argsSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
    const counter = toLangChainTool(spec, deps);
    expect(JSON.parse(String(await counter.invoke({ text: 'one two  three' })))).toEqual({
      result: { words: 3 },
      logs: ['counting'],
    });
    const bad = await invokeToolSafely(counter, { text: 5 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.info.code).toBe('tool_error');
      expect(bad.error).toMatch(/word_count/);
    }
  });

  it('accepts any object for a code tool without argsSchema', async () => {
    const echo = toLangChainTool(
      ToolSpec.parse({ kind: 'code', name: 'echo', description: 'Echo', code: 'return input' }),
      deps,
    );
    expect(await echo.invoke({ a: 1, b: [true] })).toBe('{"a":1,"b":[true]}');
  });

  it('rejects an argsSchema that is not an object schema', () => {
    const spec = ToolSpec.parse({
      kind: 'code',
      name: 'x',
      description: 'x',
      code: 'return 1',
      argsSchema: { type: 'string' },
    });
    expect(() => toLangChainTool(spec, deps)).toThrow(/argsSchema must be a JSON Schema of type "object"/);
  });

  it('clips long outputs for the model', async () => {
    const big = toLangChainTool(
      ToolSpec.parse({ kind: 'code', name: 'big', description: 'Big', code: 'return "x".repeat(50000)' }),
      deps,
    );
    const text = String(await big.invoke({}));
    expect(text.startsWith('x'.repeat(MAX_TOOL_OUTPUT_CHARS))).toBe(true);
    expect(text).toMatch(/truncated, 30000 more characters\)$/);
  });
});

describe('invokeToolSafely', () => {
  it('returns the output or the error message for the model', async () => {
    const calc = toLangChainTool(ToolSpec.parse({ kind: 'calculator' }), deps);
    expect(await invokeToolSafely(calc, { expression: '2^10' })).toEqual({ ok: true, output: '1024' });
    const wrongArgs = await invokeToolSafely(calc, { expr: '1' });
    expect(wrongArgs).toMatchObject({ ok: false, info: { code: 'tool_error' } });
    const failing = await invokeToolSafely(toLangChainTool(httpSpec(), deps), { path: 'down' });
    expect(failing).toMatchObject({ ok: false, info: { code: 'http_error', retryable: true } });
    if (!failing.ok) expect(failing.error).toMatch(/HTTP 503/);
    const sandbox = toLangChainTool(
      ToolSpec.parse({ kind: 'code', name: 'loop', description: 'd', code: 'while (true) {}', timeoutMs: 50 }),
      deps,
    );
    expect(await invokeToolSafely(sandbox, {})).toMatchObject({
      ok: false,
      error: 'The code timed out after 50 ms',
      info: { code: 'sandbox_error' },
    });
  });

  it('rethrows when the run is cancelled', async () => {
    const calc = toLangChainTool(ToolSpec.parse({ kind: 'calculator' }), deps);
    await expect(invokeToolSafely(calc, { expression: '1' }, AbortSignal.abort())).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});

describe('runToolSpec', () => {
  it('returns raw results for each kind', async () => {
    expect(await runToolSpec(ToolSpec.parse({ kind: 'calculator' }), { expression: '3 * 3' }, deps)).toBe(9);
    expect(await runToolSpec(httpSpec(), { path: 'weather', query: { city: 'Rome' } }, deps)).toMatchObject({
      status: 200,
      body: { city: 'Rome', tempC: 21 },
    });
    expect(
      await runToolSpec(
        ToolSpec.parse({ kind: 'code', name: 'c', description: 'd', code: 'return input.n * 2' }),
        { n: 21 },
        deps,
      ),
    ).toEqual({
      result: 42,
      logs: [],
    });
    await expect(runToolSpec(ToolSpec.parse({ kind: 'calculator' }), { nope: 1 }, deps)).rejects.toMatchObject({
      code: 'tool_error',
      message: expect.stringMatching(/Invalid arguments for tool "calculator": expression/),
    });
  });
});
