import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { TraceEvent } from '@flowcraft/schema';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeReply } from '../realtime/messages.js';
import { createServerDatabase } from '../store/server-database.js';
import { REPO_ROOT, freePort, killProcess as kill, startEngineProcess } from './engine-process.js';
import type { ServerDatabase } from '../store/server-database.js';

/**
 * The real engine process (`pnpm start`'s entry point) is killed with SIGKILL in the middle of a
 * run and started again on the same database: the run must finish from its last checkpoint, and a
 * client that resubscribes with the last seq it saw must end up with every event exactly once.
 */
const ROOT = REPO_ROOT;
const pipeline = JSON.parse(readFileSync(join(ROOT, 'examples/sequential-pipeline.json'), 'utf8')) as Record<
  string,
  unknown
> & { script: Record<string, unknown> };

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

for (const backend of ['postgres', 'pglite'] as const) {
  describe(`killing the engine mid-run (${backend})`, () => {
    let server: ServerDatabase | undefined;
    let env: Record<string, string>;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      const port = await freePort();
      env = { PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'fc-restart-')), DATABASE_URL: '' };
      if (backend === 'postgres') {
        server = await createServerDatabase(undefined, 'flowcraft_restart');
        env.DATABASE_URL = server.url;
      }
    });
    afterAll(async () => {
      for (const c of children) await kill(c);
      await server?.drop();
    });

    it('resumes the run from its last checkpoint after a restart, with every event exactly once', async () => {
      const first = await startEngineProcess(env);
      children.push(first.child);
      const url = `http://127.0.0.1:${env.PORT}`;
      const post = async (path: string, body: unknown) => {
        const res = await fetch(url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return (await res.json()) as Record<string, unknown>;
      };
      const doc = { ...pipeline, id: `restart-${backend}`, script: { ...pipeline.script, latencyMs: 400 } };
      const created = await post('/v1/workflows', { document: doc });
      expect(created).toMatchObject({ valid: true });
      const started = await post('/v1/runs', { workflowId: created.id, input: { topic: 'tides' } });
      const runId = started.runId;
      if (typeof runId !== 'string') throw new Error(`run not started: ${JSON.stringify(started)}`);

      // Watch the run live; kill the engine while the second model call is in flight.
      const seen: TraceEvent[] = [];
      let socket: Client = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      const killPoint = new Promise<void>((resolve) => {
        socket.on('event', (e) => {
          seen.push(e);
          if (e.type === 'node.started' && e.nodeId === 'outliner') setTimeout(resolve, 150);
        });
      });
      await new Promise<SubscribeReply>((resolve) => socket.emit('subscribe', { runId, afterSeq: 0 }, resolve));
      await killPoint;
      await kill(first.child);
      socket.disconnect();
      const lastSeen = seen.at(-1)?.seq ?? 0;
      expect(seen.map((e) => e.type)).not.toContain('run.completed');

      const second = await startEngineProcess(env);
      children.push(second.child);
      expect(second.output()).toMatch(/Recovered runs after a restart: 1 resumed/);

      // Resubscribe from the last seq seen: the missed events, then live ones, until the run ends.
      socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      const done = new Promise<void>((resolve) => {
        socket.on('event', (e) => {
          seen.push(e);
          if (e.type === 'run.completed' || e.type === 'run.failed') resolve();
        });
      });
      const reply = await new Promise<SubscribeReply>((resolve) =>
        socket.emit('subscribe', { runId, afterSeq: lastSeen }, resolve),
      );
      expect(reply.ok).toBe(true);
      await done;
      socket.disconnect();

      expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));
      expect(seen.at(-1)?.type).toBe('run.completed');
      const finished = seen.flatMap((e) => (e.type === 'node.finished' ? [e.nodeId] : []));
      // researcher ran before the kill and is not run again; outliner (in flight) starts again; each node finishes once.
      expect(finished).toEqual(['start', 'researcher', 'outliner', 'writer', 'end']);
      expect(seen.filter((e) => e.type === 'run.started')).toHaveLength(1);
      expect(seen.filter((e) => e.type === 'node.started' && e.nodeId === 'researcher')).toHaveLength(1);

      const run = (await (await fetch(`${url}/v1/runs/${runId}`)).json()) as Record<string, unknown>;
      expect(run).toMatchObject({ status: 'completed', lastSeq: seen.length });
      expect(typeof (run.output as Record<string, unknown>).draft).toBe('string');
      await kill(second.child);
    }, 120_000);
  });
}
