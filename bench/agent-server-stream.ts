/**
 * Benchmark (issue 15): the same run streamed two ways from one real engine (`wireEngine` +
 * `startServer` on an ephemeral port, embedded PGlite): ours — `POST /v1/runs` then a Socket.IO
 * `subscribe {runId, afterSeq: 0}` on an already connected socket (the editor's path); theirs —
 * `client.runs.stream(null, 'sequential-pipeline', {streamMode})` from the official
 * `@langchain/langgraph-sdk` (SSE from the Agent Server adapter). Both start a run of the
 * sequential example (3 scripted model calls, LATENCY ms each) and are measured from the request
 * to the first model token (TTFT) and to the end of the run (total). Runs alternate between the
 * two ways; prints medians, p10–p90 spread and the ratio SDK / Socket.IO (goal ≤ 1.1×).
 *
 *   pnpm bench:agent-server        (RUNS=30 LATENCY=20 MODES=messages-tuple,updates by default)
 */
import { readFileSync } from 'node:fs';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { TraceEvent } from '@flowcraft/schema';
// Installed as devDependencies of apps/engine (the root package does not list them).
import { Client } from '../apps/engine/node_modules/@langchain/langgraph-sdk/dist/index.js';
import type { StreamMode } from '../apps/engine/node_modules/@langchain/langgraph-sdk/dist/index.js';
import { io as connect } from '../apps/engine/node_modules/socket.io-client/build/esm/index.js';
import { loadConfig } from '../apps/engine/src/config/config.js';
import { checkDocument } from '../apps/engine/src/http/check-document.js';
import { wireEngine } from '../apps/engine/src/main/wire.js';
import type { SubscribeReply } from '../apps/engine/src/realtime/index.js';
import { startServer } from '../apps/engine/src/server/start-server.js';
import { createStore } from '../apps/engine/src/store/index.js';
import { openPgliteFromTemplate } from '../apps/engine/src/store/pglite-template.js';

const RUNS = Number(process.env.RUNS ?? 30);
const WARMUP = 5;
const LATENCY = Number(process.env.LATENCY ?? 20);
const MODES = (process.env.MODES ?? 'messages-tuple,updates').split(',') as StreamMode[];
const GOAL = 1.1;

interface Socket {
  on(event: 'event', listener: (event: TraceEvent) => void): unknown;
  emitWithAck(event: 'subscribe', payload: { runId: string; afterSeq: number }): Promise<SubscribeReply>;
  emit(event: 'unsubscribe', payload: { runId: string }): unknown;
  disconnect(): unknown;
}
interface Sample {
  ttft: number;
  total: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
};

const db = await openPgliteFromTemplate();
const registry = createBuiltinRegistry();
const wired = wireEngine({ store: createStore(db.db), registry, env: {}, print: () => undefined });
const doc = JSON.parse(readFileSync(new URL('../examples/sequential-pipeline.json', import.meta.url), 'utf8'));
doc.script.latencyMs = LATENCY;
await wired.deps.workflows.create({ id: doc.id, ...checkDocument(doc, doc.id, registry, 'bench') });
const server = await startServer({
  config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }),
  deps: wired.deps,
  eventLog: wired.eventLog,
  drain: () => wired.runs.drain(5_000),
  print: () => undefined,
});

const sdk = new Client({ apiUrl: server.url, callerOptions: { maxRetries: 0 } });
const socket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false } as Parameters<
  typeof connect
>[1]) as unknown as Socket;
const listeners = new Map<string, (event: TraceEvent) => void>();
socket.on('event', (event) => listeners.get(event.runId)?.(event));

async function viaSocket(): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(`${server.url}/v1/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflowId: doc.id, input: { topic: 'tides' } }),
  });
  const { runId } = (await res.json()) as { runId: string };
  let ttft = Number.NaN;
  const done = new Promise<number>((resolve) => {
    listeners.set(runId, (event) => {
      if (event.type === 'model.token' && Number.isNaN(ttft)) ttft = performance.now() - t0;
      if (event.type === 'run.completed') resolve(performance.now() - t0);
    });
  });
  const ack = await socket.emitWithAck('subscribe', { runId, afterSeq: 0 });
  if (!ack.ok) throw new Error(ack.message);
  const total = await done;
  listeners.delete(runId);
  socket.emit('unsubscribe', { runId });
  return { ttft, total };
}

async function viaSdk(): Promise<Sample> {
  const t0 = performance.now();
  let ttft = Number.NaN;
  let updates = 0;
  for await (const part of sdk.runs.stream(null, doc.id, { input: { topic: 'tides' }, streamMode: MODES })) {
    if ((part.event === 'messages' || part.event === 'messages/partial') && Number.isNaN(ttft))
      ttft = performance.now() - t0;
    if (part.event === 'updates') updates++;
  }
  if (MODES.includes('updates') && updates !== 5) throw new Error(`SDK stream saw ${updates} updates, expected 5`);
  return { ttft, total: performance.now() - t0 };
}

try {
  for (let i = 0; i < WARMUP; i++) {
    await viaSocket();
    await viaSdk();
  }
  const ours: Sample[] = [];
  const theirs: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, so neither always runs on a warmer process.
    if (i % 2 === 0) {
      ours.push(await viaSocket());
      theirs.push(await viaSdk());
    } else {
      theirs.push(await viaSdk());
      ours.push(await viaSocket());
    }
  }
  const line = (label: string, xs: number[]) =>
    `${label.padEnd(22)} median ${quantile(xs, 0.5).toFixed(1)} ms (p10 ${quantile(xs, 0.1).toFixed(1)} – p90 ${quantile(xs, 0.9).toFixed(1)})`;
  console.log(
    `${RUNS} runs each of sequential-pipeline (3 scripted calls × ${LATENCY} ms), PGlite, SDK modes ${MODES.join('+')}`,
  );
  for (const [name, pick] of [
    ['time to first token', (s: Sample) => s.ttft],
    ['total', (s: Sample) => s.total],
  ] as const) {
    const a = ours.map(pick);
    const b = theirs.map(pick);
    const ratio = quantile(b, 0.5) / quantile(a, 0.5);
    console.log(`${name}:`);
    console.log(`  ${line('Socket.IO (/v1 + subscribe)', a)}`);
    console.log(`  ${line('LangGraph SDK runs.stream', b)}`);
    console.log(`  ratio SDK / Socket.IO ${ratio.toFixed(2)}× (goal ≤ ${GOAL}×) ${ratio <= GOAL ? 'ok' : 'OVER GOAL'}`);
  }
} finally {
  socket.disconnect();
  await server.stop();
  await wired.close();
  await db.close();
}
