import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ServerOptions, Socket } from 'socket.io';
import { storageErrorCode, storageErrorMessage } from '@flowcraft/schema';
import { apiKeyMatches, bearerToken } from '../http/auth/api-key.js';
import type { Logger } from '../http/deps.js';
import type { EventLog } from './event-log.js';
import { SubscribeMessage, UnsubscribeMessage, WatchThreadMessage, runRoom } from './messages.js';
import type { ClientToServerEvents, ServerToClientEvents, StreamFailure } from './messages.js';
import { RunStream } from './run-stream.js';

export interface RealtimeOptions {
  eventLog: EventLog;
  /** When set, the handshake must carry it: `auth: { token }` or `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Origins allowed to connect from a browser on another origin. */
  corsOrigins?: readonly string[];
  /** Events per log read during replay. */
  pageSize?: number;
  logger?: Pick<Logger, 'error'>;
  /** Checks every handshake request before Socket.IO accepts it (key-less engines: `Host` and `Origin`). */
  allowRequest?: ServerOptions['allowRequest'];
}

export type TraceServer = Server<ClientToServerEvents, ServerToClientEvents>;
type TraceSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface Realtime {
  io: TraceServer;
  /** Number of sockets subscribed to a run (members of its room). */
  subscribers(runId: string): number;
  /** Disconnects every client and stops all streams. */
  close(): Promise<void>;
}

/**
 * The trace stream: Socket.IO on the engine's HTTP server. A client emits `subscribe`
 * `{runId, afterSeq}` and receives `event` messages — the stored ones after `afterSeq`, then live
 * ones — each once and in seq order; the ack arrives after the replayed events.
 */
export function attachRealtime(httpServer: HttpServer, opts: RealtimeOptions): Realtime {
  const origins = opts.corsOrigins ?? [];
  const io: TraceServer = new Server(httpServer, {
    serveClient: false,
    ...(opts.allowRequest ? { allowRequest: opts.allowRequest } : {}),
    ...(origins.length > 0
      ? { cors: { origin: origins.includes('*') ? '*' : [...origins], allowedHeaders: ['Authorization'] } }
      : {}),
  });

  const apiKey = opts.apiKey;
  if (apiKey) {
    io.use((socket, next) => {
      const fromAuth: unknown = socket.handshake.auth['token'];
      const token = typeof fromAuth === 'string' ? fromAuth : bearerToken(socket.handshake.headers.authorization);
      if (apiKeyMatches(apiKey, token)) return next();
      next(
        Object.assign(new Error('unauthorized'), {
          data: { code: 'unauthorized', message: 'A valid API key is required (auth: { token }).' },
        }),
      );
    });
  }

  io.on('connection', (socket) => handleConnection(socket, opts));

  return {
    io,
    subscribers: (runId) => io.sockets.adapter.rooms.get(runRoom(runId))?.size ?? 0,
    close: async () => {
      io.disconnectSockets(true);
      await io.close();
    },
  };
}

function failure(code: StreamFailure['code'], message: string): StreamFailure {
  return { ok: false, code, message };
}

function handleConnection(socket: TraceSocket, opts: RealtimeOptions): void {
  const streams = new Map<string, RunStream>();

  const stop = (runId: string) => {
    streams.get(runId)?.close();
    streams.delete(runId);
    void socket.leave(runRoom(runId));
  };

  socket.on('subscribe', async (payload, ack) => {
    const reply = ack ?? (() => undefined);
    const parsed = SubscribeMessage.safeParse(payload);
    if (!parsed.success) {
      reply(
        failure(
          'invalid_request',
          `subscribe needs {runId, afterSeq}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'} ${i.message}`).join('; ')}`,
        ),
      );
      return;
    }
    const { runId, afterSeq } = parsed.data;
    stop(runId);
    let replayed = false;
    const stream = new RunStream({
      log: opts.eventLog,
      runId,
      afterSeq,
      pageSize: opts.pageSize,
      send: (event) => socket.emit('event', event),
      onError: (err) => {
        // A database error's text holds SQL and parameters: log its SQLSTATE only.
        const sqlstate = storageErrorCode(err);
        const error =
          sqlstate !== undefined ? storageErrorMessage(sqlstate) : err instanceof Error ? err.message : String(err);
        opts.logger?.error('trace stream failed', { runId, error });
        if (streams.get(runId) === stream) stop(runId);
        // Before the replay ends the failure goes to the ack; after, it needs its own message.
        if (replayed)
          socket.emit('stream.error', {
            runId,
            code: 'internal',
            message: "Reading the run's events failed; subscribe again with your last seq.",
          });
      },
    });
    streams.set(runId, stream);
    await socket.join(runRoom(runId));
    try {
      const { lastSeq } = await stream.start();
      replayed = true;
      reply({ ok: true, runId, lastSeq });
    } catch {
      reply(failure('internal', "Reading the run's events failed."));
    }
  });

  socket.on('unsubscribe', (payload, ack) => {
    const reply = ack ?? (() => undefined);
    const parsed = UnsubscribeMessage.safeParse(payload);
    if (!parsed.success) {
      reply(failure('invalid_request', 'unsubscribe needs {runId}'));
      return;
    }
    stop(parsed.data.runId);
    reply({ ok: true, runId: parsed.data.runId });
  });

  const watches = new Map<string, () => void>();
  const unwatch = (threadId: string) => {
    watches.get(threadId)?.();
    watches.delete(threadId);
  };
  const onThread = (event: 'watchThread' | 'unwatchThread') =>
    socket.on(event, (payload, ack) => {
      const reply = ack ?? (() => undefined);
      const parsed = WatchThreadMessage.safeParse(payload);
      if (!parsed.success) {
        reply(failure('invalid_request', `${event} needs {threadId}`));
        return;
      }
      const { threadId } = parsed.data;
      unwatch(threadId);
      if (event === 'watchThread')
        watches.set(
          threadId,
          opts.eventLog.watchThread(threadId, (run) => socket.emit('thread.run', run)),
        );
      reply({ ok: true, threadId });
    });
  onThread('watchThread');
  onThread('unwatchThread');

  socket.on('disconnect', () => {
    for (const runId of [...streams.keys()]) stop(runId);
    for (const threadId of [...watches.keys()]) unwatch(threadId);
  });
}
