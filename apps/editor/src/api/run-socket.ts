import type { Socket } from 'socket.io-client';
import { z } from 'zod';
import { TraceEvent } from '@flowcraft/schema';

const SubscribeReply = z.union([
  z.object({ ok: z.literal(true), runId: z.string(), lastSeq: z.number() }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);

export interface RunSubscription {
  close(): void;
}

export interface SubscribeOptions {
  runId: string;
  /** Seq of the last event the caller already has; events after it are replayed, then live ones follow. */
  afterSeq: () => number;
  onEvent: (event: TraceEvent) => void;
  onError?: (message: string) => void;
}

let shared: Promise<Socket> | undefined;

/** The one connection, opened on first use; the client library is a chunk of its own (not on the initial page). */
export function socket(): Promise<Socket> {
  shared ??= import('socket.io-client').then(({ io }) =>
    io({ path: '/socket.io', transports: ['websocket', 'polling'] }),
  );
  return shared;
}

/**
 * Follow one run's trace events. On every (re)connect it subscribes again with the last seq it
 * has, so a dropped connection or a page reload continues exactly where it stopped.
 */
export function subscribeRun(opts: SubscribeOptions): RunSubscription {
  let closed = false;
  let attached: Socket | undefined;
  const onEvent = (raw: unknown) => {
    const parsed = TraceEvent.safeParse(raw);
    if (parsed.success && parsed.data.runId === opts.runId) opts.onEvent(parsed.data);
  };
  const subscribe = () => {
    attached?.emit('subscribe', { runId: opts.runId, afterSeq: opts.afterSeq() }, (reply: unknown) => {
      const parsed = SubscribeReply.safeParse(reply);
      if (parsed.success && !parsed.data.ok) opts.onError?.(parsed.data.message);
    });
  };
  const onStreamError = (raw: unknown) => {
    const parsed = z.object({ runId: z.string() }).safeParse(raw);
    if (parsed.success && parsed.data.runId === opts.runId) subscribe();
  };
  void socket().then(
    (s) => {
      if (closed) return;
      attached = s;
      s.on('event', onEvent);
      s.on('connect', subscribe);
      s.on('stream.error', onStreamError);
      if (s.connected) subscribe();
    },
    (err: unknown) => opts.onError?.(err instanceof Error ? err.message : String(err)),
  );
  return {
    close() {
      closed = true;
      const s = attached;
      if (!s) return;
      s.off('event', onEvent);
      s.off('connect', subscribe);
      s.off('stream.error', onStreamError);
      if (s.connected) s.emit('unsubscribe', { runId: opts.runId });
    },
  };
}
