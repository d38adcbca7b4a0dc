import { z } from 'zod';
import type { TraceEvent } from '@flowcraft/schema';

const RunId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'must be a run id');

/** `subscribe` payload: the run, and the last seq the client already has (0 for everything). */
export const SubscribeMessage = z.object({ runId: RunId, afterSeq: z.number().int().min(0).default(0) }).strict();
export type SubscribeMessage = z.infer<typeof SubscribeMessage>;

export const UnsubscribeMessage = z.object({ runId: RunId }).strict();
export type UnsubscribeMessage = z.infer<typeof UnsubscribeMessage>;

export interface StreamFailure {
  ok: false;
  code: 'invalid_request' | 'internal';
  message: string;
}

/** Ack of `subscribe`, sent after the replayed events: `lastSeq` is the last one sent. */
export type SubscribeReply = { ok: true; runId: string; lastSeq: number } | StreamFailure;
export type UnsubscribeReply = { ok: true; runId: string } | StreamFailure;

export interface ClientToServerEvents {
  subscribe: (payload: unknown, ack?: (reply: SubscribeReply) => void) => void;
  unsubscribe: (payload: unknown, ack?: (reply: UnsubscribeReply) => void) => void;
}

export interface ServerToClientEvents {
  /** One trace event of a subscribed run. */
  event: (event: TraceEvent) => void;
  /** A subscription ended because reading the log failed; subscribe again with the last seq. */
  'stream.error': (error: { runId: string; code: 'internal'; message: string }) => void;
}

/** Room of the sockets subscribed to a run. */
export function runRoom(runId: string): string {
  return `run:${runId}`;
}
