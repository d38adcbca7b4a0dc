import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ServerOptions, Socket } from 'socket.io';
import { storageErrorCode, storageErrorMessage } from '@flowcraft/schema';
import type { Principal } from '../access/principal.js';
import { SESSION_COOKIE, cookieValue, presentedToken } from '../http/auth/credentials.js';
import { SOCKET_EVENTS, roleAllows } from '../http/auth/permissions.js';
import { type Authenticator, resolvePrincipal } from '../http/auth/resolve-principal.js';
import type { Logger } from '../http/deps.js';
import type { EventLog } from './event-log.js';
import type { ExperimentWatch } from '../http/deps.js';
import {
  SubscribeMessage,
  UnsubscribeMessage,
  WatchExperimentMessage,
  WatchThreadMessage,
  runRoom,
} from './messages.js';
import type { ClientToServerEvents, ServerToClientEvents, StreamFailure } from './messages.js';
import { RunStream } from './run-stream.js';

export interface RealtimeOptions {
  eventLog: EventLog;
  /** Experiment progress (`watchExperiment`); absent → refused as not found. */
  experiments?: ExperimentWatch;
  /**
   * Who may connect: AUTH_MODE none lets everyone in (loopback); otherwise the handshake carries a key
   * (`auth: { token }`, `Authorization: Bearer`, `x-api-key`) or the session cookie, and each
   * subscription is checked against `SOCKET_EVENTS` in the permission table. Absent → none.
   */
  auth?: Authenticator;
  /** Shorthand for `auth: { mode: 'apikey', apiKey }`. */
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

  const auth: Authenticator = opts.auth ?? (opts.apiKey ? { mode: 'apikey', apiKey: opts.apiKey } : { mode: 'none' });
  const principals = new WeakMap<TraceSocket, Principal>();
  io.use((socket, next) => {
    const fromAuth: unknown = socket.handshake.auth['token'];
    const headers = socket.handshake.headers;
    const xApiKey = headers['x-api-key'];
    const token =
      typeof fromAuth === 'string' && fromAuth !== ''
        ? fromAuth
        : presentedToken(headers.authorization, typeof xApiKey === 'string' ? xApiKey : undefined);
    resolvePrincipal(auth, token, cookieValue(headers.cookie, SESSION_COOKIE)).then(
      (resolved) => {
        if (resolved.ok && resolved.principal) {
          principals.set(socket, resolved.principal);
          return next();
        }
        next(
          Object.assign(new Error('unauthorized'), {
            data: {
              code: 'unauthorized',
              message: resolved.ok
                ? 'Credentials are required (auth: { token } or the session cookie).'
                : resolved.reason,
            },
          }),
        );
      },
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
  });

  io.on('connection', (socket) => {
    const principal = principals.get(socket);
    handleConnection(socket, opts, (event) => {
      const access = SOCKET_EVENTS[event] ?? 'admin';
      return principal !== undefined && roleAllows(principal.role, access);
    });
  });

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

function handleConnection(socket: TraceSocket, opts: RealtimeOptions, allowed: (event: string) => boolean): void {
  const refuse = (event: string, reply: (r: StreamFailure) => void): boolean => {
    if (allowed(event)) return false;
    reply(failure('forbidden', `Your role may not ${event} (see the permission table).`));
    return true;
  };
  const streams = new Map<string, RunStream>();

  const stop = (runId: string) => {
    streams.get(runId)?.close();
    streams.delete(runId);
    void socket.leave(runRoom(runId));
  };

  socket.on('subscribe', async (payload, ack) => {
    const reply = ack ?? (() => undefined);
    if (refuse('subscribe', reply)) return;
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
    if (refuse('unsubscribe', reply)) return;
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
      if (refuse(event, reply)) return;
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

  const experiments = new Map<string, () => void>();
  const unwatchExperiment = (experimentId: string) => {
    experiments.get(experimentId)?.();
    experiments.delete(experimentId);
  };
  const onExperiment = (event: 'watchExperiment' | 'unwatchExperiment') =>
    socket.on(event, async (payload, ack) => {
      const reply = ack ?? (() => undefined);
      if (refuse(event, reply)) return;
      const parsed = WatchExperimentMessage.safeParse(payload);
      if (!parsed.success) {
        reply(failure('invalid_request', `${event} needs {experimentId}`));
        return;
      }
      const { experimentId } = parsed.data;
      unwatchExperiment(experimentId);
      if (event === 'watchExperiment') {
        try {
          const stop = await opts.experiments?.watch(experimentId, (progress) =>
            socket.emit('experiment.progress', progress),
          );
          if (!stop) {
            reply(failure('not_found', `Experiment ${experimentId} not found`));
            return;
          }
          if (socket.disconnected) stop();
          else experiments.set(experimentId, stop);
        } catch (err) {
          opts.logger?.error('Watching an experiment failed', {
            error: err instanceof Error ? err.message : String(err),
          });
          reply(failure('internal', 'Reading the experiment failed; watch it again.'));
          return;
        }
      }
      reply({ ok: true, experimentId });
    });
  onExperiment('watchExperiment');
  onExperiment('unwatchExperiment');

  socket.on('disconnect', () => {
    for (const runId of [...streams.keys()]) stop(runId);
    for (const threadId of [...watches.keys()]) unwatch(threadId);
    for (const experimentId of [...experiments.keys()]) unwatchExperiment(experimentId);
  });
}
