import { useMemo } from 'react';
import { timelineStore, useDocument, useTimeline } from '../stores/app-stores.js';
import { canvasIds, pathTo } from '../model/timeline.js';

function time(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** A thread's checkpoints as a tree: branches (edits, replays) indented under their fork point. */
export function TimelineTree() {
  const timeline = useTimeline((s) => s.timeline);
  const selectedId = useTimeline((s) => s.selectedId);
  const loading = useTimeline((s) => s.loading);
  const error = useTimeline((s) => s.error);
  const more = useTimeline((s) => s.nextCursor !== null);
  const threadId = useTimeline((s) => s.threadId);
  const nodes = useDocument((s) => s.doc.nodes);
  const labelOf = (id: string) => nodes.find((n) => n.id === id)?.label || id;
  const onPath = useMemo(() => new Set(selectedId ? pathTo(timeline, selectedId) : []), [timeline, selectedId]);
  if (!threadId) return <div className="empty small">Run or open a run to see its checkpoints.</div>;
  return (
    <div className="timeline" data-testid="timeline" data-thread-id={threadId} data-branches={timeline.branchCount}>
      <div className="row timeline-head">
        <span className="small grow">
          {timeline.rows.length} checkpoints · {timeline.branchCount} branch{timeline.branchCount === 1 ? '' : 'es'}
        </span>
        <button
          type="button"
          className="btn ghost small"
          data-testid="timeline-refresh"
          disabled={loading}
          onClick={() => void timelineStore.getState().refresh()}
        >
          ↻
        </button>
      </div>
      {error && <div className="problem-text">{error}</div>}
      <div
        className="timeline-rows"
        role="listbox"
        aria-label="Checkpoints (arrow keys move)"
        tabIndex={0}
        onKeyDown={(e) => {
          if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
          e.preventDefault();
          const at = timeline.rows.findIndex((r) => r.id === selectedId);
          const next =
            timeline.rows[Math.max(0, Math.min(timeline.rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
          if (next) timelineStore.getState().select(next.id);
        }}
      >
        {timeline.rows.map((r) => {
          const c = r.checkpoint;
          const selected = r.id === selectedId;
          return (
            <div
              key={r.id}
              role="option"
              tabIndex={-1}
              aria-selected={selected}
              className={`timeline-row${selected ? ' selected' : ''}${onPath.has(r.id) ? ' on-path' : ''}${r.branchStart ? ' branch-start' : ''}`}
              style={{ paddingLeft: 6 + r.depth * 16 }}
              data-testid="checkpoint"
              data-checkpoint-id={r.id}
              data-source={c.source}
              data-step={c.step}
              data-depth={r.depth}
              data-lane={r.lane}
              data-ran={r.ran.join(',')}
              onClick={() => timelineStore.getState().select(r.id)}
              onKeyDown={(e) => e.key === 'Enter' && timelineStore.getState().select(r.id)}
            >
              {r.branchStart && (
                <span className="branch-mark" title="A new branch (edit, replay or rerun)">
                  ↳
                </span>
              )}
              <span className={`cp-dot source-${c.source}`} />
              <span className="cp-step mono">{c.step}</span>
              <span className={`pill source source-${c.source}`}>{c.source}</span>
              <span className="grow truncate small">
                {r.ran.length > 0
                  ? r.ran.map(labelOf).join(', ')
                  : c.source === 'input'
                    ? 'input'
                    : c.source === 'update'
                      ? 'edited state'
                      : ''}
              </span>
              {c.tasks.some((t) => t.checkpointNs) && (
                <span className="faint small" data-testid="cp-nested" title="A sub-workflow ran inside this step">
                  ⤵
                </span>
              )}
              {canvasIds(c.next).length > 0 && (
                <span className="faint small truncate cp-next">→ {canvasIds(c.next).map(labelOf).join(', ')}</span>
              )}
              <span className="faint small mono">{time(c.createdAt)}</span>
            </div>
          );
        })}
      </div>
      {more && (
        <button
          type="button"
          className="btn ghost small"
          data-testid="timeline-more"
          disabled={loading}
          onClick={() => void timelineStore.getState().loadMore()}
        >
          Older checkpoints…
        </button>
      )}
    </div>
  );
}
