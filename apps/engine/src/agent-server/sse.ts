import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Run } from '@flowcraft/schema';
import { followRunBatches } from '../realtime/follow-run.js';
import { continuesAfter } from './launch.js';
import { StreamProjection } from './projection.js';
import type { AgentServerDeps } from './request.js';
import type { StreamMode } from './wire.js';

/** Comment lines keep proxies and the SDK's idle detection from dropping a quiet stream. */
export const HEARTBEAT_MS = 5_000;

/** An SSE event id: `<seq>-<index>` (the index-th part projected from the trace event with that seq). */
export function parseEventId(id: string | undefined): { seq: number; index: number } | undefined {
  const m = id === undefined ? null : /^(\d{1,10})-(\d{1,6})$/.exec(id.trim());
  return m ? { seq: Number(m[1]), index: Number(m[2]) } : undefined;
}

/** One SSE event: `event:` line, single-line JSON `data:`, optional `id:` line, blank line. */
export function encodeSse(event: string, data: unknown, id?: string): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n${id === undefined ? '' : `id: ${id}\n`}\n`;
}

export function runPath(run: Pick<Run, 'id' | 'threadId'>): string {
  return `/threads/${encodeURIComponent(run.threadId)}/runs/${encodeURIComponent(run.id)}`;
}

export interface StreamRunOptions {
  run: Run;
  modes: StreamMode[];
  /** Events after this seq are streamed (a resumed run: its pause). */
  afterSeq: number;
  /** Resume after this SSE id (`Last-Event-ID`): no `metadata` event, nothing up to and including it. */
  resumeFrom?: { seq: number; index: number };
  /** `cancel`: the run is cancelled when the client goes away before it stops. */
  onDisconnect?: 'cancel' | 'continue';
  /**
   * Send `Location` (the rejoin URL, with the modes): the SDK then reconnects a dropped stream with
   * `Last-Event-ID`, and checks the run's status once more at every stream's end. Set for
   * `stream_resumable` runs and rejoins.
   */
  resumable?: boolean;
}

/**
 * The run's events as the SDK decodes them: `metadata {run_id, attempt}` first, then the requested
 * modes, an `id:` line per event for `Last-Event-ID` resume, `: heartbeat` comments, the
 * `Content-Location` (the run) header and, for resumable streams, `Location` (to rejoin).
 */
export function streamRun(c: Context, deps: AgentServerDeps, opts: StreamRunOptions): Response {
  const { run } = opts;
  const modes = new Set(opts.modes);
  const query = opts.modes.map((m) => `stream_mode=${encodeURIComponent(m)}`).join('&');
  c.header('Content-Location', runPath(run));
  if (opts.resumable) c.header('Location', `${runPath(run)}/stream${query === '' ? '' : `?${query}`}`);
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    let stopped = false;
    stream.onAbort(() => {
      abort.abort();
      if (!stopped && opts.onDisconnect === 'cancel')
        deps.runs.cancel(run.id, 'client disconnected').catch(() => undefined);
    });
    const heartbeat = setInterval(() => {
      stream.write(': heartbeat\n\n').catch(() => abort.abort());
    }, HEARTBEAT_MS);
    const projection = new StreamProjection({
      modes,
      runId: run.id,
      threadId: run.threadId,
      readState: (checkpointId) => deps.threads.getStateAt(run.threadId, checkpointId),
    });
    try {
      if (opts.resumeFrom === undefined) await stream.write(encodeSse('metadata', { run_id: run.id, attempt: 1 }));
      const from = opts.resumeFrom;
      // Every event that arrived meanwhile goes out in one write.
      for await (const batch of followRunBatches({
        log: deps.eventLog,
        runId: run.id,
        // Resuming: replay silently from the start so the projection knows steps and open messages.
        afterSeq: from ? 0 : opts.afterSeq,
        continuesAfter: continuesAfter(deps, run.id),
        signal: abort.signal,
      })) {
        let text = '';
        for (const event of batch) {
          const emit = from === undefined || event.seq >= from.seq;
          const parts = await projection.project(event, emit);
          for (const [index, part] of parts.entries()) {
            if (from !== undefined && event.seq === from.seq && index <= from.index) continue;
            text += encodeSse(part.event, part.data, `${event.seq}-${index}`);
          }
        }
        if (text !== '') await stream.write(text);
      }
      stopped = true;
    } catch (err) {
      if (!abort.signal.aborted) {
        deps.logger?.error('agent-server stream failed', { runId: run.id, error: String(err) });
        await stream
          .write(encodeSse('error', { error: 'internal', message: 'The stream failed.' }))
          .catch(() => undefined);
      }
    } finally {
      clearInterval(heartbeat);
    }
  });
}
