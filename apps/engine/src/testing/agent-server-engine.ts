import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { isRecord } from '@flowcraft/schema';
import { loadConfig } from '../config/config.js';
import { checkDocument } from '../http/check-document.js';
import { loadTemplates } from '../main/import-examples.js';
import { wireEngine } from '../main/wire.js';
import type { Wired } from '../main/wire.js';
import { startServer } from '../server/start-server.js';
import type { RunningServer } from '../server/start-server.js';
import { createStore } from '../store/index.js';
import type { Database } from '../store/index.js';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../../../examples/', import.meta.url));

/** Inputs for every example (the scripted models answer the same whatever the text). */
export function exampleInputs(base: string): Record<string, Record<string, unknown>> {
  return {
    'agent-with-tools': { request: 'I fly to Oslo next week for 5 days with 1000 USD. What should I pack?' },
    debate: { motion: 'Remote work beats the office' },
    ensemble: { question: 'What is the capital of Australia?' },
    'error-handling': { serviceUrl: `${base}/rates/ok` },
    hierarchical: { brief: 'Assess entering the Nordic market' },
    'human-approval': { topic: 'CSV and Parquet export' },
    'map-reduce': { topic: 'Renewable energy' },
    'parallel-fan-out': { proposal: 'Move to a four-day week' },
    'plan-and-execute': { objective: 'Plan a product launch' },
    reflection: { brief: 'A tagline for a bike shop' },
    'router-intent': { request: 'I was charged twice, please refund' },
    'sequential-pipeline': { topic: 'tides' },
    supervisor: { task: 'Should we adopt TypeScript?' },
    'swarm-handoff': { message: 'My invoice is wrong' },
  };
}

/** The HTTP services the examples call (travel API, exchange rates), on loopback. */
export async function startFixtureServer(): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/api/weather')
      json(200, { city: 'Oslo', forecast: 'light rain', temperatureC: 7, precipitationMm: 4.2 });
    else if (url.pathname === '/api/fx') json(200, { from: 'USD', to: 'NOK', rate: 10.52, asOf: '2025-06-02' });
    else if (url.pathname === '/rates/ok') json(200, { pair: 'EUR/USD', rate: 1.0857, asOf: '2025-06-03T09:30:00Z' });
    else json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A copy of a document whose scripted replies each take `delayMs`. */
export function slowed(doc: Record<string, unknown>, delayMs: number): Record<string, unknown> {
  const script = isRecord(doc['script']) ? doc['script'] : {};
  const nodes = isRecord(script['nodes']) ? script['nodes'] : {};
  return {
    ...doc,
    script: {
      ...script,
      nodes: Object.fromEntries(
        Object.entries(nodes).map(([id, replies]) => [
          id,
          Array.isArray(replies) ? replies.map((r: unknown) => (isRecord(r) ? { ...r, delayMs } : r)) : replies,
        ]),
      ),
    },
  };
}

export interface TestEngine {
  url: string;
  wired: Wired;
  server: RunningServer;
  /** Example id → input. */
  inputs: Record<string, Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * A real engine on an ephemeral port over `db`: `wireEngine` + `startServer`, the 14 examples
 * imported (the travel agent pointed at the fixture server) plus `slow-pipeline` (every reply
 * 250 ms) for busy-thread, cancel and reconnect tests.
 */
export async function startTestEngine(db: Database, apiKey?: string): Promise<TestEngine> {
  const fixture = await startFixtureServer();
  const registry = createBuiltinRegistry();
  const wired = wireEngine({
    store: createStore(db),
    registry,
    env: {},
    print: () => undefined,
    logError: () => undefined,
  });
  for (const t of await loadTemplates(EXAMPLES_DIR)) {
    const doc = structuredClone(t.document);
    if (t.id === 'agent-with-tools')
      for (const node of Array.isArray(doc['nodes']) ? doc['nodes'] : [])
        if (isRecord(node) && isRecord(node['config']) && Array.isArray(node['config']['tools']))
          for (const tool of node['config']['tools'])
            if (isRecord(tool) && tool['kind'] === 'http') tool['baseUrl'] = `${fixture.base}/api`;
    await wired.deps.workflows.create({ id: t.id, ...checkDocument(doc, t.id, registry, 'test') });
    if (t.id === 'sequential-pipeline') {
      const slow = slowed({ ...doc, id: 'slow-pipeline', name: 'Slow pipeline' }, 250);
      await wired.deps.workflows.create({
        id: 'slow-pipeline',
        ...checkDocument(slow, 'slow-pipeline', registry, 'test'),
      });
    }
  }
  const server = await startServer({
    config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...(apiKey ? { API_KEY: apiKey } : {}) }),
    deps: wired.deps,
    eventLog: wired.eventLog,
    drain: () => wired.runs.drain(5_000),
    print: () => undefined,
  });
  return {
    url: server.url,
    wired,
    server,
    inputs: exampleInputs(fixture.base),
    stop: async () => {
      await server.stop();
      await wired.close();
      await new Promise<void>((resolve) => fixture.server.close(() => resolve()));
    },
  };
}
