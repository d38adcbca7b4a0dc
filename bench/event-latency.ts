/**
 * Benchmark: trace event latency from emit to a Socket.IO client's receipt, through the real
 * realtime server (`attachRealtime` on an ephemeral port) backed by the store's event log
 * (`StoreEventLog` over `run_events`). Emit is what `RunService` does per event: its `EventWriter`
 * numbers it and stores it with whatever else was emitted meanwhile (one statement per batch,
 * `StoreRunPorts.appendEvents`), then `publish`es the batch. Events are emitted
 * serially for one run at RATE events/s for SECONDS; latency = receipt time − time the append
 * started (one process, one clock). Backends: embedded PGlite (in memory) and, when reachable,
 * the PostgreSQL server at 127.0.0.1:5432 (a fresh database, dropped afterwards).
 * Baseline: the goal p99 < 20 ms; prints p50, p99 and p99 / 20 ms per backend.
 *
 *   npx tsx bench/event-latency.ts        (RATE=1000 SECONDS=5 by default)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TraceEvent } from '@flowcraft/schema';
// Installed as a dependency of apps/engine (the root package does not list it).
import { io as connect } from '../apps/engine/node_modules/socket.io-client/build/esm/index.js';
import { StoreEventLog } from '../apps/engine/src/realtime/store-event-log.js';
import { StoreRunPorts } from '../apps/engine/src/lifecycle/store-run-ports.js';
import { EventWriter } from '../apps/engine/src/lifecycle/event-writer.js';
import { attachRealtime } from '../apps/engine/src/realtime/index.js';
import type { SubscribeReply } from '../apps/engine/src/realtime/index.js';
import { createServerDatabase, createStore, openDatabase } from '../apps/engine/src/store/index.js';
import type { OpenDatabase } from '../apps/engine/src/store/index.js';
import { openPgliteFromTemplate } from '../apps/engine/src/store/pglite-template.js';
import { serverReachable } from './server-reachable.js';

const RATE = Number(process.env.RATE ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 5);
/** Concurrent runs sharing RATE (default 1: one run streaming RATE events/s). */
const STREAMS = Math.max(1, Number(process.env.STREAMS ?? 1));
const GOAL_P99_MS = 20;
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** What the bench uses of the client socket (its full types do not resolve from the root package). */
interface Client {
  on(event: 'event', listener: (event: TraceEvent) => void): unknown;
  emitWithAck(event: 'subscribe', payload: { runId: string; afterSeq: number }): Promise<SubscribeReply>;
  disconnect(): unknown;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

async function measure(label: string, open: OpenDatabase): Promise<void> {
  // As the engine opens it: group commit across runs on a server, not on the embedded database.
  const store = createStore(open.db, { groupCommit: open.kind === 'postgres' });
  const ports = new StoreRunPorts(store);
  const eventLog = new StoreEventLog(store.runEvents);
  const doc = { id: 'latency-bench', name: 'latency bench' };
  await store.workflows.create({ id: doc.id, name: doc.name, document: doc, valid: true });
  const runIds: string[] = [];
  for (let i = 0; i < STREAMS; i++) {
    const thread = await store.threads.create({ workflowId: doc.id }); // one active run per thread
    runIds.push(
      (await store.runs.create({ threadId: thread.id, workflowId: doc.id, workflowVersion: 1, status: 'running' })).id,
    );
  }

  const http = createServer((_req, res) => res.writeHead(404).end());
  const realtime = attachRealtime(http, { eventLog });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const options = { transports: ['websocket'], forceNew: true, reconnection: false };
  const socket = connect(`http://127.0.0.1:${port}`, options as Parameters<typeof connect>[1]) as unknown as Client;

  // Per event: when it was due (pacing schedule) and when its append started (emit).
  const times = new Map<string, { due: number; emit: number }>();
  const fromEmit: number[] = [];
  const fromDue: number[] = [];
  let measuring = false;
  let received = 0;
  /** The highest seq received per run (tokens emitted while a batch is stored join one event). */
  const maxSeq = new Map<string, number>();
  let onReceived: (() => void) | undefined;
  socket.on('event', (event: TraceEvent) => {
    const now = performance.now();
    const key = `${event.runId}:${event.seq}`;
    const t = times.get(key);
    if (t !== undefined && measuring) {
      fromEmit.push(now - t.emit);
      fromDue.push(now - t.due);
    }
    times.delete(key);
    received++;
    maxSeq.set(event.runId, Math.max(maxSeq.get(event.runId) ?? 0, event.seq));
    onReceived?.();
  });
  for (const runId of runIds) {
    const ack = await socket.emitWithAck('subscribe', { runId, afterSeq: 0 });
    if (!ack.ok) throw new Error(`${label}: subscribe failed: ${ack.message}`);
  }
  /** Until every run's last emitted event has been received. */
  const waitForAll = () =>
    new Promise<void>((resolve) => {
      const done = () => [...writers].every(([id, w]) => (maxSeq.get(id) ?? 0) >= w.writer.lastSeq);
      if (done()) return resolve();
      onReceived = () => {
        if (done()) {
          onReceived = undefined;
          resolve();
        }
      };
    });

  // RunService's event writer per run: seq counted in memory, batches stored before they are published.
  const writers = new Map(
    runIds.map((id) => [
      id,
      {
        seq: 0,
        writer: new EventWriter(
          id,
          0,
          (events) => ports.appendEvents(events),
          (e) => eventLog.publish(e),
        ),
      },
    ]),
  );
  const emit = async (runId: string, due: number): Promise<void> => {
    const w = writers.get(runId);
    if (!w) throw new Error(`no writer for ${runId}`);
    w.seq += 1;
    const emitAt = performance.now();
    w.writer.emit({ type: 'model.token', nodeId: 'llm', text: `tok${w.seq} ` });
    // A token that joined a waiting event shares its seq: that event's latency is its first token's.
    const key = `${runId}:${w.writer.lastSeq}`;
    if (!times.has(key)) times.set(key, { due, emit: emitAt });
  };

  // One paced writer per run (events of a run are emitted one after another, as in RunService);
  // each event is emitted from its own macrotask, like a token arriving from a model stream.
  const stream = async (runId: string, total: number, perSecond: number): Promise<void> => {
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / perSecond;
      const wait = due - performance.now();
      await new Promise((resolve) => (wait > 1 ? setTimeout(resolve, wait) : setImmediate(resolve)));
      await emit(runId, due);
    }
  };

  const warmup = Math.min(200, RATE);
  await Promise.all(runIds.map((id) => stream(id, Math.ceil(warmup / STREAMS), RATE / STREAMS)));
  await waitForAll();
  received = 0;
  measuring = true;

  const perStream = Math.round((RATE * SECONDS) / STREAMS);
  const total = perStream * STREAMS;
  const t0 = performance.now();
  await Promise.all(runIds.map((id) => stream(id, perStream, RATE / STREAMS)));
  const emitMs = performance.now() - t0;
  await waitForAll();

  socket.disconnect();
  await realtime.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));

  const rate = (total / emitMs) * 1000;
  const stats = (xs: number[]) => {
    xs.sort((a, b) => a - b);
    return { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: xs.at(-1) ?? NaN };
  };
  const e = stats(fromEmit);
  const d = stats(fromDue);
  console.log(
    `${label.padEnd(8)} ${total} tokens in ${received} events, ${STREAMS} run(s), achieved ${rate.toFixed(0)}/s (target ${RATE}/s): ` +
      `emit→receipt p50 ${e.p50.toFixed(2)} ms, p99 ${e.p99.toFixed(2)} ms, max ${e.max.toFixed(2)} ms; ` +
      `goal p99 < ${GOAL_P99_MS} ms, ratio p99/${GOAL_P99_MS}ms ${(e.p99 / GOAL_P99_MS).toFixed(2)} ` +
      `| due→receipt (incl. queueing) p50 ${d.p50.toFixed(2)} ms, p99 ${d.p99.toFixed(2)} ms`,
  );
  for (const [id, w] of writers)
    if ((maxSeq.get(id) ?? 0) !== w.writer.lastSeq) throw new Error(`${label}: run ${id} missing events`);
}

const pglite = await openPgliteFromTemplate();
try {
  await measure('pglite', pglite);
} finally {
  await pglite.close();
}

if (await serverReachable()) {
  const created = await createServerDatabase(process.env.DATABASE_URL || SERVER_URL, 'flowcraft_bench');
  try {
    const pg = await openDatabase({ url: created.url, maxConnections: 4 });
    try {
      await measure('postgres', pg);
    } finally {
      await pg.close();
    }
  } finally {
    await created.drop();
  }
} else {
  console.log('postgres skipped: no server at 127.0.0.1:5432');
}
