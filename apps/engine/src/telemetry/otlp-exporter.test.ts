import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { TraceEvent } from '@flowcraft/schema';
import { loadConfig } from '../config/config.js';
import { startEngine } from '../main/engine.js';
import { MemoryRunPorts } from '../lifecycle/memory-ports.js';
import { RunService } from '../lifecycle/run-service.js';
import { openPgliteFromTemplate } from '../store/pglite-template.js';
import type { ExportTraceServiceRequest, OtlpAnyValue, OtlpKeyValue, OtlpSpan } from './otlp-exporter-encoding.js';
import { parseKeyValueList } from './otlp-exporter-env.js';
import { OtlpHttpSpanExporter, otlpExporterFromEnv, type OtlpExporterOptions } from './otlp-exporter.js';
import { TraceSpans, type SpanData } from './trace-spans.js';

/** A loopback OTLP/HTTP receiver: records every request; answers from a queue of scripted replies, else 200 `{}`. */
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: ExportTraceServiceRequest;
  at: number;
}
interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

let server: Server;
let base: string;
const received: Received[] = [];
const replies: Reply[] = [];
const waiters: (() => void)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(text) as ExportTraceServiceRequest,
        at: Date.now(),
      });
      for (const wake of waiters.splice(0)) wake();
      const reply = replies.shift() ?? { status: 200, body: '{}' };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body ?? '{}');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  replies.length = 0;
});
afterEach(() => server.closeAllConnections());

async function requestsArrive(count: number, withinMs = 3000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} requests, got ${received.length}`);
    await new Promise<void>((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, 50).unref();
    });
  }
}

const warnings: string[] = [];
const logger = { warn: (m: string) => void warnings.push(m), info: () => undefined };
beforeEach(() => void (warnings.length = 0));

function exporter(opts: Partial<OtlpExporterOptions> = {}): OtlpHttpSpanExporter {
  return new OtlpHttpSpanExporter({
    url: `${base}/v1/traces`,
    logger,
    scheduleDelayMs: 60_000,
    retryBaseMs: 10,
    ...opts,
  });
}

const TRACE = 'a'.repeat(32);
function span(n: number, extra: Partial<SpanData> = {}): SpanData {
  return {
    traceId: TRACE,
    spanId: n.toString(16).padStart(16, '0'),
    name: `s${n}`,
    kind: 'node',
    startTimeMs: 1_700_000_000_000 + n,
    endTimeMs: 1_700_000_000_010 + n,
    status: 'ok',
    attributes: {},
    ...extra,
  };
}

const spansOf = (r: Received | undefined): OtlpSpan[] =>
  r?.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)) ?? [];
const attrs = (list: OtlpKeyValue[] | undefined): Record<string, OtlpAnyValue> =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value]));

describe('OTLP/JSON encoding over HTTP', () => {
  it('posts an ExportTraceServiceRequest: hex ids, parent links, nano strings, typed attributes, status, kind and resource', async () => {
    const e = exporter();
    const RUN = '1111111111111111';
    const NODE = '2222222222222222';
    e.export([
      {
        traceId: 'ABCDEF0123456789ABCDEF0123456789',
        spanId: 'AAAABBBBCCCCDDDD',
        parentSpanId: NODE,
        name: 'chat openai:gpt-4o',
        kind: 'model',
        startTimeMs: 1_700_000_000_123.25,
        endTimeMs: 1_700_000_000_200,
        status: 'ok',
        attributes: {
          'gen_ai.request.model': 'openai:gpt-4o',
          'gen_ai.usage.input_tokens': 12,
          'flowcraft.cost_usd': 0,
          ratio: 0.5,
          cached: true,
        },
      },
      {
        traceId: 'abcdef0123456789abcdef0123456789',
        spanId: NODE,
        parentSpanId: RUN,
        name: 'flowcraft.node ask',
        kind: 'node',
        startTimeMs: 1_700_000_000_100,
        endTimeMs: 1_700_000_000_300,
        status: 'error',
        statusMessage: 'boom',
        attributes: { 'flowcraft.will_retry': false },
      },
      {
        traceId: 'abcdef0123456789abcdef0123456789',
        spanId: RUN,
        name: 'flowcraft.run',
        kind: 'run',
        startTimeMs: 1_700_000_000_000,
        endTimeMs: 1_700_000_000_400,
        status: 'unset',
        statusMessage: 'ignored unless error',
        attributes: { 'flowcraft.cost_usd': 0.000096 },
      },
    ]);
    await e.shutdown();

    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/v1/traces');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body.resourceSpans).toHaveLength(1);
    expect(attrs(r.body.resourceSpans[0]?.resource.attributes)).toEqual({
      'service.name': { stringValue: 'flowcraft-engine' },
    });
    expect(r.body.resourceSpans[0]?.scopeSpans[0]?.scope).toEqual({ name: '@flowcraft/engine' });
    const [model, node, run] = spansOf(r);
    expect(model).toEqual({
      traceId: 'abcdef0123456789abcdef0123456789',
      spanId: 'aaaabbbbccccdddd',
      parentSpanId: NODE,
      name: 'chat openai:gpt-4o',
      kind: 3,
      startTimeUnixNano: '1700000000123250000',
      endTimeUnixNano: '1700000000200000000',
      attributes: [
        { key: 'gen_ai.request.model', value: { stringValue: 'openai:gpt-4o' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } },
        { key: 'flowcraft.cost_usd', value: { doubleValue: 0 } },
        { key: 'ratio', value: { doubleValue: 0.5 } },
        { key: 'cached', value: { boolValue: true } },
      ],
      status: { code: 1 },
    });
    expect(node).toMatchObject({
      spanId: NODE,
      parentSpanId: RUN,
      kind: 1,
      status: { code: 2, message: 'boom' },
      attributes: [{ key: 'flowcraft.will_retry', value: { boolValue: false } }],
    });
    expect(run).toMatchObject({
      spanId: RUN,
      kind: 1,
      status: { code: 0 },
      startTimeUnixNano: '1700000000000000000',
      attributes: [{ key: 'flowcraft.cost_usd', value: { doubleValue: 0.000096 } }],
    });
    expect(run).not.toHaveProperty('parentSpanId');
    expect(e.stats()).toEqual({ exported: 3, dropped: 0, failed: 0 });
    expect(warnings).toEqual([]);
  });

  it('gzips the body when compression is gzip', async () => {
    const e = exporter({ compression: 'gzip' });
    e.export([span(1)]);
    await e.shutdown();
    expect(received[0]?.headers['content-encoding']).toBe('gzip');
    expect(spansOf(received[0]).map((s) => s.name)).toEqual(['s1']);
  });
});

describe('configuration from the environment', () => {
  it('is off without an endpoint, with OTEL_SDK_DISABLED, or when OTEL_TRACES_EXPORTER excludes otlp', () => {
    expect(otlpExporterFromEnv({}, { logger })).toBeUndefined();
    expect(otlpExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, { logger })).toBeUndefined();
    expect(
      otlpExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_SDK_DISABLED: 'true' }, { logger }),
    ).toBeUndefined();
    expect(
      otlpExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_TRACES_EXPORTER: 'none' }, { logger }),
    ).toBeUndefined();
    expect(
      otlpExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, { logger }),
    ).toBeUndefined();
    expect(otlpExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, { logger })).toBeUndefined();
    expect(otlpExporterFromEnv({ OTEL_TRACES_EXPORTER: 'otlp' }, { logger })?.url).toBe(
      'http://localhost:4318/v1/traces',
    );
  });

  it('builds the URL: base endpoint + /v1/traces, or the traces endpoint as given', () => {
    expect(otlpExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { logger })?.url).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(otlpExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://x.example/otlp/' }, { logger })?.url).toBe(
      'https://x.example/otlp/v1/traces',
    );
    expect(
      otlpExporterFromEnv(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9/custom/path' },
        { logger },
      )?.url,
    ).toBe('http://b:9/custom/path');
  });

  it('parses key=value lists with percent-decoding and = inside values; rejects malformed lists whole', () => {
    expect(parseKeyValueList(' a = 1 ,b=x%20y%2Cz,,token=abc==')).toEqual({ a: '1', b: 'x y,z', token: 'abc==' });
    expect(() => parseKeyValueList('a=1,novalue')).toThrow();
    expect(() => parseKeyValueList('a=%E0%A4%A')).toThrow();
  });

  it('sends headers from OTEL_EXPORTER_OTLP_HEADERS and _TRACES_HEADERS, and the resource from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES', async () => {
    const e = otlpExporterFromEnv(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: `${base}/`,
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20dXNlcjpwYXNz,x-shared=general,Content-Type=text/plain',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-shared=traces, x-tenant = acme%2Fteam',
        OTEL_SERVICE_NAME: 'my-flows',
        OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,deployment.environment=staging,service.namespace=a%20b',
        OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      },
      { logger },
    );
    expect(e).toBeDefined();
    e!.export([span(1)]);
    await e!.shutdown();
    const r = received[0]!;
    expect(r.url).toBe('/v1/traces');
    expect(r.headers).toMatchObject({
      authorization: 'Basic dXNlcjpwYXNz',
      'x-shared': 'traces',
      'x-tenant': 'acme/team',
      'content-type': 'application/json',
    });
    expect(attrs(r.body.resourceSpans[0]?.resource.attributes)).toEqual({
      'service.name': { stringValue: 'my-flows' },
      'deployment.environment': { stringValue: 'staging' },
      'service.namespace': { stringValue: 'a b' },
    });
    expect(warnings).toEqual([]);
  });

  it('ignores a malformed header list without echoing it, and a bad number with a warning', () => {
    const e = otlpExporterFromEnv(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: base,
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr3t-value,broken',
        OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
      },
      { logger },
    );
    expect(e).toBeDefined();
    expect(warnings.join('\n')).toContain('OTEL_EXPORTER_OTLP_HEADERS');
    expect(warnings.join('\n')).toContain('OTEL_EXPORTER_OTLP_TIMEOUT');
    expect(warnings.join('\n')).not.toContain('s3cr3t');
  });
});

describe('batching, retries and failures', () => {
  it('sends a full batch at once, the rest on shutdown, and drops spans exported after shutdown', async () => {
    const e = exporter({ maxBatchSize: 2 });
    for (let i = 1; i <= 5; i++) e.export([span(i)]);
    await requestsArrive(2);
    expect(received.map((r) => spansOf(r).map((s) => s.name))).toEqual([
      ['s1', 's2'],
      ['s3', 's4'],
    ]);
    await e.shutdown();
    expect(received.map((r) => spansOf(r).length)).toEqual([2, 2, 1]);
    e.export([span(6)]);
    await e.shutdown();
    expect(received).toHaveLength(3);
    expect(e.stats()).toEqual({ exported: 5, dropped: 1, failed: 0 });
  });

  it('sends a partial batch when the schedule delay passes', async () => {
    const e = exporter({ scheduleDelayMs: 40 });
    const t0 = Date.now();
    e.export([span(1)]);
    e.export([span(2)]);
    await requestsArrive(1);
    expect(received[0]!.at - t0).toBeGreaterThanOrEqual(35);
    expect(spansOf(received[0]).map((s) => s.name)).toEqual(['s1', 's2']);
    await e.shutdown();
    expect(received).toHaveLength(1);
  });

  it('keeps the newest spans when the queue is full and counts the dropped ones', async () => {
    const e = exporter({ maxQueueSize: 3, maxBatchSize: 100 });
    e.export([span(1), span(2)]);
    e.export([span(3), span(4), span(5)]);
    expect(e.stats().dropped).toBe(2);
    await e.shutdown();
    expect(spansOf(received[0]).map((s) => s.name)).toEqual(['s3', 's4', 's5']);
    expect(warnings.some((w) => w.includes('queue full'))).toBe(true);
  });

  it('retries 503 with backoff and 429 after Retry-After, then succeeds with the same body', async () => {
    replies.push({ status: 503, body: '{"message":"busy"}' }, { status: 429, headers: { 'retry-after': '0' } });
    const e = exporter({ retryBaseMs: 30 });
    e.export([span(1)]);
    await e.shutdown();
    expect(received).toHaveLength(3);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(10);
    expect(received[2]!.body).toEqual(received[0]!.body);
    expect(e.stats()).toEqual({ exported: 1, dropped: 0, failed: 0 });
    expect(warnings).toEqual([]);
  });

  it('gives up after the retries, and does not retry a 400', async () => {
    replies.push({ status: 503 }, { status: 502 }, { status: 504 }, { status: 400, body: '{"message":"bad"}' });
    const e = exporter({ maxBatchSize: 1, maxRetries: 2 });
    e.export([span(1)]);
    await e.forceFlush();
    expect(received).toHaveLength(3);
    e.export([span(2)]);
    await e.shutdown();
    expect(received).toHaveLength(4);
    expect(e.stats()).toEqual({ exported: 0, dropped: 0, failed: 2 });
    expect(warnings.find((w) => w.includes('after 3 attempt'))).toContain('HTTP 504');
    expect(warnings.find((w) => w.includes('after 1 attempt'))).toContain('HTTP 400');
  });

  it('at shutdown, stops after the first failed batch instead of holding the engine for every batch', async () => {
    replies.push({ status: 400 });
    const e = exporter({ maxBatchSize: 2 });
    e.export([span(1), span(2), span(3), span(4), span(5)]);
    await e.shutdown();
    expect(received).toHaveLength(1);
    expect(e.stats()).toEqual({ exported: 0, dropped: 0, failed: 5 });
    expect(warnings.join('\n')).toContain('giving up on 3 queued spans');
  });

  it('abandons a request after the timeout and never throws or hangs', async () => {
    replies.push({ status: 200, delayMs: 5000 });
    const e = exporter({ timeoutMs: 150 });
    e.export([span(1)]);
    const t0 = Date.now();
    await e.shutdown();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(2000);
    expect(received).toHaveLength(1);
    expect(e.stats().failed).toBe(1);
    expect(warnings.join('\n')).toContain('no response within 150 ms');
  });

  it('survives a receiver that is down and a fetch that throws, logging instead', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const down = exporter({ url: `http://127.0.0.1:${port}/v1/traces`, maxRetries: 1 });
    down.export([span(1)]);
    await down.shutdown();
    expect(down.stats().failed).toBe(1);
    expect(warnings.find((w) => w.includes('after 2 attempt'))).toBeDefined();

    const calls: string[] = [];
    const throwing = exporter({
      fetch: (input) => {
        calls.push(String(input));
        throw new Error('synchronous failure');
      },
      maxRetries: 0,
    });
    expect(() => throwing.export([span(2)])).not.toThrow();
    await expect(throwing.shutdown()).resolves.toBeUndefined();
    expect(calls).toEqual([`${base}/v1/traces`]);
    expect(warnings.join('\n')).toContain('synchronous failure');
  });

  it('reports spans the receiver rejected in a partial success', async () => {
    replies.push({ status: 200, body: '{"partialSuccess":{"rejectedSpans":"1","errorMessage":"span too old"}}' });
    const e = exporter();
    e.export([span(1), span(2)]);
    await e.shutdown();
    expect(e.stats()).toEqual({ exported: 1, dropped: 0, failed: 1 });
    expect(warnings.join('\n')).toContain('span too old');
  });
});

describe('spans from real runs', () => {
  const document = {
    id: 'otlp',
    name: 'OTLP',
    state: { topic: { type: 'string' }, a: { type: 'string' } },
    nodes: [
      { id: 'start', type: 'start', config: { inputs: [{ channel: 'topic' }] } },
      { id: 'ask', type: 'llm', config: { model: 'scripted:m', prompt: '{{ state.topic }}', output: 'a' } },
      { id: 'end', type: 'end', config: { outputs: ['a'] } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'ask' },
      { id: 'e2', source: 'ask', target: 'end' },
    ],
    script: { default: { content: 'hi', usage: { input: 7, output: 3 } } },
  };

  function expectRunTree(spans: OtlpSpan[], runId: string): void {
    const run = spans.find((s) => s.name === 'flowcraft.run');
    expect(run).toBeDefined();
    expect(run).not.toHaveProperty('parentSpanId');
    expect(attrs(run!.attributes)['flowcraft.run_id']).toEqual({ stringValue: runId });
    expect(run!.status.code).toBe(1);
    const nodes = spans.filter((s) => s.name.startsWith('flowcraft.node '));
    expect(nodes.map((s) => attrs(s.attributes)['flowcraft.node_id'])).toEqual([
      { stringValue: 'start' },
      { stringValue: 'ask' },
      { stringValue: 'end' },
    ]);
    for (const s of spans) expect(s.traceId).toBe(run!.traceId);
    for (const n of nodes) expect(n).toMatchObject({ parentSpanId: run!.spanId, kind: 1 });
    const ask = nodes.find((s) => s.name === 'flowcraft.node ask')!;
    const model = spans.find((s) => s.kind === 3);
    expect(model).toMatchObject({ name: 'chat scripted:m', parentSpanId: ask.spanId });
    expect(attrs(model!.attributes)).toMatchObject({
      'gen_ai.request.model': { stringValue: 'scripted:m' },
      'gen_ai.usage.input_tokens': { intValue: '7' },
      'gen_ai.usage.output_tokens': { intValue: '3' },
      'flowcraft.cost_usd': { doubleValue: 0 },
    });
    expect(BigInt(model!.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(ask.startTimeUnixNano));
    expect(BigInt(model!.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(ask.endTimeUnixNano));
    expect(BigInt(run!.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(ask.endTimeUnixNano));
  }

  it('a workflow run through RunService arrives as run → node → model spans', async () => {
    const e = exporter({ scheduleDelayMs: 20 });
    const spans = new TraceSpans(e);
    const ports = new MemoryRunPorts();
    const service = new RunService(ports, createBuiltinRegistry(), {
      env: {},
      publish: (ev: TraceEvent) => spans.onEvent(ev),
    });
    ports.addWorkflow(document);
    const { runId } = await service.start({ workflowId: 'otlp', input: { topic: 't' } });
    await service.settled(runId);
    await e.shutdown();
    const all = received.flatMap(spansOf);
    expect(all).toHaveLength(5);
    expectRunTree(all, runId);
  });

  it('the engine exports by OTLP when the environment configures it, and flushes on stop', async () => {
    const printed: string[] = [];
    const engine = await startEngine({
      config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }),
      database: await openPgliteFromTemplate(),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: base,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k1',
        OTEL_SERVICE_NAME: 'flows-test',
        OTEL_BSP_SCHEDULE_DELAY: '60000',
      },
      print: (text) => printed.push(text),
    });
    let runId = '';
    try {
      const post = async (path: string, body: unknown) =>
        (await (
          await fetch(`${engine.server.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        ).json()) as Record<string, unknown>;
      const created = await post('/v1/workflows', { document });
      runId = String((await post('/v1/runs', { workflowId: created.id, input: { topic: 'tides' } })).runId);
      await engine.runs.settled(runId);
      expect(received).toHaveLength(0); // batched: nothing leaves before the delay or stop
    } finally {
      await engine.stop();
    }
    expect(printed.join('\n')).toContain(`Exporting spans by OTLP/HTTP to ${base}/v1/traces`);
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]!.headers['x-api-key']).toBe('k1');
    expect(attrs(received[0]!.body.resourceSpans[0]?.resource.attributes)['service.name']).toEqual({
      stringValue: 'flows-test',
    });
    expectRunTree(received.flatMap(spansOf), runId);
  });
});
