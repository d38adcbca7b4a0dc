import { TraceEvent, isRecord } from '@flowcraft/schema';
import type { NewRunEvent, RunEvent } from './index.js';

/** A trace event as a `run_events` row: `type` and `nodeId` in columns, the rest of the body in `payload`. */
export function toStoredEvent(event: TraceEvent): NewRunEvent {
  const { runId: _runId, seq: _seq, ts, type, ...rest } = event;
  const nodeId = 'nodeId' in rest && typeof rest.nodeId === 'string' ? rest.nodeId : null;
  return { type, nodeId, payload: rest, ts: new Date(ts) };
}

/** The trace event a stored row holds. */
export function fromStoredEvent(row: RunEvent): TraceEvent {
  const payload = isRecord(row.payload) ? row.payload : {};
  return TraceEvent.parse({
    ...payload,
    type: row.type,
    ...(row.nodeId === null ? {} : { nodeId: row.nodeId }),
    runId: row.runId,
    seq: row.seq,
    ts: row.ts.toISOString(),
  });
}
