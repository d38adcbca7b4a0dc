import { useEffect, useRef } from 'react';
import type { TraceEvent } from '@flowcraft/schema';
import { stopScrubbing } from '../controllers/debug-controller.js';
import { scrubStore, useScrub } from '../stores/app-stores.js';
import { checkpointPositions } from '../stores/scrub-store.js';

function describe(e: TraceEvent): string {
  switch (e.type) {
    case 'node.started':
      return `${e.nodeId} started (step ${e.step}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''})`;
    case 'node.finished':
      return `${e.nodeId} finished in ${Math.round(e.durationMs)} ms${e.next?.length ? ` → ${e.next.join(', ')}` : ''}`;
    case 'node.failed':
      return `${e.nodeId} failed: ${e.error.message}${e.willRetry ? ' (retrying)' : ''}`;
    case 'node.progress':
      return `${e.nodeId}: ${e.kind}`;
    case 'model.token':
      return `${e.nodeId} ▸ ${JSON.stringify(e.text)}`;
    case 'checkpoint.saved':
      return `${e.calledBy ? `${e.calledBy} › ` : ''}checkpoint step ${e.step}${e.next.length ? ` → ${e.next.join(', ')}` : ''}`;
    case 'run.interrupted':
      return e.paused ? `paused → ${e.paused.next.join(', ')}` : `waiting for ${e.interrupts.length} answer(s)`;
    case 'run.started':
      return `run started${e.fromCheckpointId ? ' from a checkpoint' : ''}`;
    case 'run.completed':
      return 'run completed';
    case 'run.failed':
      return `run failed: ${e.error.message}`;
    case 'run.cancelled':
      return 'run cancelled';
  }
}

/** A recorded run, event by event: the canvas and the timeline follow the position. */
export function EventScrubber() {
  const runId = useScrub((s) => s.runId);
  const events = useScrub((s) => s.events);
  const position = useScrub((s) => s.position);
  const loading = useScrub((s) => s.loading);
  const error = useScrub((s) => s.error);
  const current = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // A block body: newer Chromium returns a promise here, which must not become the cleanup.
    void current.current?.scrollIntoView({ block: 'nearest' });
  }, [position]);
  if (!runId)
    return <div className="empty small">Open a finished run from the runs list (Debug tab) to scrub through it.</div>;
  const stops = checkpointPositions(events);
  const s = scrubStore.getState();
  return (
    <div
      className="scrubber stack"
      data-testid="scrubber"
      data-run-id={runId}
      data-position={position}
      data-total={events.length}
    >
      <div className="row wrap">
        <button
          type="button"
          className="btn small"
          data-testid="scrub-start"
          disabled={position === 0}
          onClick={() => s.seek(0)}
          title="Before the first event"
        >
          ⏮
        </button>
        <button
          type="button"
          className="btn small"
          data-testid="scrub-prev-checkpoint"
          disabled={!stops.some((p) => p < position)}
          onClick={() => s.jumpCheckpoint(-1)}
          title="Previous checkpoint"
        >
          ◀◀ cp
        </button>
        <button
          type="button"
          className="btn small"
          data-testid="scrub-prev"
          disabled={position === 0}
          onClick={() => s.seek(position - 1)}
          title="Previous event"
        >
          ◀
        </button>
        <input
          type="range"
          className="grow"
          min={0}
          max={events.length}
          value={position}
          data-testid="scrub-range"
          onChange={(e) => s.seek(Number(e.target.value))}
          aria-label="Event position"
        />
        <button
          type="button"
          className="btn small"
          data-testid="scrub-next"
          disabled={position >= events.length}
          onClick={() => s.seek(position + 1)}
          title="Next event"
        >
          ▶
        </button>
        <button
          type="button"
          className="btn small"
          data-testid="scrub-next-checkpoint"
          disabled={!stops.some((p) => p > position)}
          onClick={() => s.jumpCheckpoint(1)}
          title="Next checkpoint"
        >
          cp ▶▶
        </button>
        <span className="small mono" data-testid="scrub-position">
          {position}/{events.length}
        </span>
        <button
          type="button"
          className="btn ghost small"
          data-testid="scrub-exit"
          onClick={stopScrubbing}
          title="Leave the recording"
        >
          ✕
        </button>
      </div>
      {loading && <div className="faint small">Loading events…</div>}
      {error && <div className="problem-text">{error}</div>}
      <ol className="event-list">
        {events.map((e, i) => (
          <li
            key={e.seq}
            ref={i === position - 1 ? current : undefined}
            className={`event-row type-${e.type.replace('.', '-')}${i < position ? ' applied' : ''}${i === position - 1 ? ' current' : ''}`}
            data-testid="event-row"
            data-seq={e.seq}
            data-type={e.type}
          >
            <button type="button" className="event-seek" onClick={() => s.seek(i + 1)}>
              <span className="mono faint">{e.seq}</span> <span className="mono">{e.type}</span>{' '}
              <span className="small">{describe(e)}</span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
