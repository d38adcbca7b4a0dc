import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { EngineConfig } from '../config/config.js';
import { baseUrl, summarize } from '../config/summary.js';
import { createHttpApp } from '../http/app.js';
import type { HttpDeps } from '../http/deps.js';
import { socketRequestGuard } from '../http/guard/host-origin.js';
import type { EventLog } from '../realtime/event-log.js';
import { attachRealtime } from '../realtime/socket-server.js';
import type { ExperimentWatch } from '../http/deps.js';
import type { Realtime } from '../realtime/socket-server.js';
import type { RateLimits } from '../http/auth/access-control.js';
import { createLogger } from './logger.js';

export interface StartServerOptions {
  config: EngineConfig;
  deps: HttpDeps;
  eventLog: EventLog;
  /** Experiment progress for `watchExperiment` (Socket.IO); absent → none. */
  experiments?: ExperimentWatch;
  /**
   * Awaited during shutdown after new connections are refused and sockets are closed: finish or
   * checkpoint the runs in flight, then close the database.
   */
  drain?: () => Promise<void>;
  /** Prints the start-up summary. Default `console.log`. */
  print?: (text: string) => void;
  /** After this long, connections still open at shutdown are cut. Default 10 s. */
  shutdownGraceMs?: number;
  /** Shared rate limits (from the config's RATE_LIMIT_*); absent → none. */
  rateLimits?: RateLimits;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:4000` (with the real port when `PORT=0`). */
  url: string;
  port: number;
  server: Server;
  realtime: Realtime;
  /** Graceful shutdown; safe to call more than once (later calls await the first). */
  stop(): Promise<void>;
}

/** Start the engine's HTTP API and trace stream on one port, and print the summary. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const { config } = opts;
  const logger = opts.deps.logger ?? createLogger(config.logLevel);
  const deps: HttpDeps = { ...opts.deps, logger };
  const app = createHttpApp(deps, {
    apiKey: config.apiKey,
    corsOrigins: config.corsOrigins,
    bodyLimitBytes: config.bodyLimitBytes,
    jsonLimits: config.jsonLimits,
    allowedHosts: config.allowedHosts,
    editorDir: config.editorDir,
    authMode: config.authMode,
    trustProxy: config.trustProxy,
    sessionTtlSeconds: config.sessionTtlSeconds,
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
  });
  const server = createServer(getRequestListener(app.fetch));
  const realtime = attachRealtime(server, {
    eventLog: opts.eventLog,
    ...(opts.experiments ? { experiments: opts.experiments } : {}),
    auth: {
      mode: config.authMode,
      ...(config.apiKey ? { apiKey: config.apiKey } : {}),
      ...(deps.access ? { access: deps.access } : {}),
    },
    corsOrigins: config.corsOrigins,
    logger,
    ...(config.authMode !== 'none'
      ? {}
      : { allowRequest: socketRequestGuard({ allowedHosts: config.allowedHosts, corsOrigins: config.corsOrigins }) }),
  });

  try {
    await listen(server, config.port, config.host);
  } catch (err) {
    await realtime.close();
    throw err;
  }
  const { port } = addressOf(server);
  const url = baseUrl(config.host, port);
  (opts.print ?? console.log)(summarize(config, { url }));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= shutdown(server, realtime, opts.drain, opts.shutdownGraceMs ?? 10_000);
    return stopping;
  };
  return { url, port, server, realtime, stop };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function addressOf(server: Server): AddressInfo {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
  return address;
}

async function shutdown(
  server: Server,
  realtime: Realtime,
  drain: (() => Promise<void>) | undefined,
  graceMs: number,
): Promise<void> {
  // Stop accepting connections; the callback fires once every open connection has ended.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await realtime.close();
  try {
    await drain?.();
  } finally {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }
}
