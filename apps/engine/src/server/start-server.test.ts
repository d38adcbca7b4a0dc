import { afterEach, describe, expect, it, vi } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket as ClientSocket } from 'socket.io-client';
import { loadConfig } from '../config/config.js';
import { createFakeDeps } from '../http/testing/index.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../realtime/messages.js';
import { MemoryEventLog } from '../realtime/memory-event-log.js';
import { startServer } from './start-server.js';
import type { RunningServer, StartServerOptions } from './start-server.js';

const KEY = 'server-key-0123456789';
const running: RunningServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
});

async function start(env: Record<string, string> = {}, extra: Partial<StartServerOptions> = {}) {
  const printed: string[] = [];
  const eventLog = new MemoryEventLog();
  const server = await startServer({
    config: loadConfig({ PORT: '0', ...env }),
    deps: createFakeDeps(),
    eventLog,
    print: (text) => printed.push(text),
    ...extra,
  });
  running.push(server);
  return { server, printed, eventLog };
}

describe('startServer', () => {
  it('serves health and the OpenAPI document over real HTTP on an ephemeral port, and prints the summary', async () => {
    const { server, printed } = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);

    const health = await fetch(`${server.url}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const doc = await fetch(`${server.url}/v1/openapi.json`);
    expect(doc.status).toBe(200);
    expect(await doc.json()).toMatchObject({
      openapi: '3.1.0',
      paths: expect.objectContaining({ '/v1/runs': expect.any(Object) }),
    });

    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('Content-Type')).toBe('application/problem+json');

    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(`${server.url}/v1/docs`);
    expect(printed[0]).toContain(`listening      ${server.url}`);
  });

  it('closes the connection after refusing a body over the limit: the client does not send its next request on it', async () => {
    const { server } = await start({ BODY_LIMIT_BYTES: '65536' });
    const big = JSON.stringify({ workflowId: 'x', input: { topic: 'x'.repeat(1_000_000) } });
    const statuses: (number | string)[] = [];
    // Several times: a socket the server closed while it answered "keep-alive" failed the client's
    // next request on it (UND_ERR_SOCKET), not every time (which pooled socket is reused varies).
    for (let i = 0; i < 4; i++) {
      const refused = await fetch(`${server.url}/v1/runs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: big,
      });
      expect(refused.status).toBe(413);
      expect(refused.headers.get('Connection')).toBe('close');
      await refused.text();
      for (let j = 0; j < 3; j++) {
        const next = await fetch(`${server.url}/v1/health`).catch((err: unknown) =>
          String((err as { cause?: { code?: string } }).cause?.code ?? err),
        );
        statuses.push(typeof next === 'string' ? next : next.status);
        if (typeof next !== 'string') await next.text();
      }
    }
    expect(statuses).toEqual(Array(12).fill(200));
  });

  it('requires the API key over HTTP and on the socket when configured, and never prints it', async () => {
    const { server, printed } = await start({ API_KEY: KEY });
    expect((await fetch(`${server.url}/v1/workflows`)).status).toBe(401);
    expect((await fetch(`${server.url}/v1/workflows`, { headers: { Authorization: `Bearer ${KEY}` } })).status).toBe(
      200,
    );
    expect(printed.join('\n')).not.toContain(KEY);

    const refused: ClientSocket = connect(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const err = await new Promise<Error>((resolve) => refused.on('connect_error', resolve));
    expect(err.message).toBe('unauthorized');
    refused.disconnect();
  });

  it('streams trace events on the same port', async () => {
    const { server, eventLog } = await start();
    eventLog.append('run-1', { type: 'model.token', nodeId: 'n', text: 'hi' });
    const socket: ClientSocket<ServerToClientEvents, ClientToServerEvents> = connect(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const seqs: number[] = [];
    socket.on('event', (e) => seqs.push(e.seq));
    expect(await socket.emitWithAck('subscribe', { runId: 'run-1', afterSeq: 0 })).toMatchObject({
      ok: true,
      lastSeq: 1,
    });
    eventLog.append('run-1', { type: 'model.token', nodeId: 'n', text: 'there' });
    await vi.waitFor(() => expect(seqs).toEqual([1, 2]));
    socket.disconnect();
  });

  it('stops gracefully: disconnects sockets and stops accepting, then awaits drain', async () => {
    let seenAtDrain: { sockets: number; listening: boolean } | undefined;
    let finishDrain: () => void = () => undefined;
    let drained = false;
    const holder: { server?: RunningServer } = {};
    const drain = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          seenAtDrain = {
            sockets: holder.server?.realtime.io.sockets.sockets.size ?? -1,
            listening: holder.server?.server.listening ?? true,
          };
          finishDrain = () => {
            drained = true;
            resolve();
          };
        }),
    );
    const { server } = await start({}, { drain });
    holder.server = server;
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200); // leaves a keep-alive connection open
    const socket: ClientSocket = connect(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    expect(server.realtime.io.sockets.sockets.size).toBe(1);
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));

    const stopped = server.stop();
    expect(server.stop()).toBe(stopped);
    await vi.waitFor(() => expect(drain).toHaveBeenCalledOnce());
    expect(seenAtDrain).toEqual({ sockets: 0, listening: false });
    await expect(fetch(`${server.url}/v1/health`)).rejects.toThrow();
    expect(await disconnected).toBe('io server disconnect');

    let settled = false;
    void stopped.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false); // still waiting for drain
    finishDrain();
    await stopped;
    expect(drained).toBe(true);
  });

  it('refuses to start on a port in use', async () => {
    const { server } = await start();
    await expect(
      startServer({
        config: loadConfig({ PORT: String(server.port) }),
        deps: createFakeDeps(),
        eventLog: new MemoryEventLog(),
        print: () => undefined,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
