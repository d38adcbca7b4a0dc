import { z } from 'zod';
import type { ExperimentProgress, TraceEvent } from '@flowcraft/schema';
import type { ThreadRun } from './event-log.js';

const RunId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'must be a run id');

/** `subscribe` payload: the run, and the last seq the client already has (0 for everything). */
export const SubscribeMessage = z
  .object({ runId: RunId, afterSeq: z.number().int().min(0).max(2_147_483_647).default(0) })
  .strict();
export type SubscribeMessage = z.infer<typeof SubscribeMessage>;

const ThreadId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'must be a thread id');

/** `watchThread` payload: be told of every run that starts on the thread (then `subscribe` to it). */
export const WatchThreadMessage = z.object({ threadId: ThreadId }).strict();
export type WatchThreadMessage = z.infer<typeof WatchThreadMessage>;

/** `watchExperiment` / `unwatchExperiment` payload: an experiment's progress (counts and changed case results). */
export const WatchExperimentMessage = z
  .object({ experimentId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'must be an experiment id') })
  .strict();
export type WatchExperimentMessage = z.infer<typeof WatchExperimentMessage>;

export const UnsubscribeMessage = z.object({ runId: RunId }).strict();
export type UnsubscribeMessage = z.infer<typeof UnsubscribeMessage>;

export interface StreamFailure {
  ok: false;
  code: 'invalid_request' | 'forbidden' | 'not_found' | 'internal';
  message: string;
}

/** Ack of `subscribe`, sent after the replayed events: `lastSeq` is the last one sent. */
export type SubscribeReply = { ok: true; runId: string; lastSeq: number } | StreamFailure;
export type UnsubscribeReply = { ok: true; runId: string } | StreamFailure;
export type WatchThreadReply = { ok: true; threadId: string } | StreamFailure;
/** Ack of `watchExperiment`, sent after the first `experiment.progress` (the whole experiment). */
export type WatchExperimentReply = { ok: true; experimentId: string } | StreamFailure;

export interface ClientToServerEvents {
  subscribe: (payload: unknown, ack?: (reply: SubscribeReply) => void) => void;
  unsubscribe: (payload: unknown, ack?: (reply: UnsubscribeReply) => void) => void;
  watchThread: (payload: unknown, ack?: (reply: WatchThreadReply) => void) => void;
  unwatchThread: (payload: unknown, ack?: (reply: WatchThreadReply) => void) => void;
  watchExperiment: (payload: unknown, ack?: (reply: WatchExperimentReply) => void) => void;
  unwatchExperiment: (payload: unknown, ack?: (reply: WatchExperimentReply) => void) => void;
}

export interface ServerToClientEvents {
  /** One trace event of a subscribed run. */
  event: (event: TraceEvent) => void;
  /** A run started on a watched thread (forks and reruns included). */
  'thread.run': (run: ThreadRun) => void;
  /** Progress of a watched experiment: first everything, then what changed. */
  'experiment.progress': (progress: ExperimentProgress) => void;
  /** A subscription ended because reading the log failed; subscribe again with the last seq. */
  'stream.error': (error: { runId: string; code: 'internal'; message: string }) => void;
}

/** Room of the sockets subscribed to a run. */
export function runRoom(runId: string): string {
  return `run:${runId}`;
}
