import { useState } from 'react';
import { replayFrom, rerunNode } from '../controllers/debug-controller.js';
import { timelineStore, useDocument, useTimeline } from '../stores/app-stores.js';
import { ChannelValues } from './ChannelValues.js';
import { DiffView } from './DiffView.js';
import { StateEditor } from './StateEditor.js';
import { SaveCaseForm } from './SaveCaseForm.js';
import { NestedCheckpoints } from './NestedCheckpoints.js';
import { canvasIds, nextOnBranch, parentOf } from '../model/timeline.js';

type View = 'diff' | 'state' | 'edit' | 'case';

/** The selected checkpoint: what ran, what is next, its diff and full state; replay, rerun, edit. */
export function CheckpointDetail() {
  const selectedId = useTimeline((s) => s.selectedId);
  const row = useTimeline((s) => (s.selectedId ? s.timeline.byId.get(s.selectedId) : undefined));
  const timeline = useTimeline((s) => s.timeline);
  const threadId = useTimeline((s) => s.threadId);
  const entry = useTimeline((s) => (s.selectedId ? s.diffs[s.selectedId] : undefined));
  const nodes = useDocument((s) => s.doc.nodes);
  const [view, setView] = useState<View>('diff');
  if (!selectedId || !row) return <div className="empty small">Select a checkpoint.</div>;
  const c = row.checkpoint;
  const labelOf = (id: string) => nodes.find((n) => n.id === id)?.label || id;
  const ran = canvasIds(entry?.status === 'ready' ? entry.diff.ran : row.ran);
  const upcoming = canvasIds(c.next);
  const prev = parentOf(timeline, selectedId);
  const next = nextOnBranch(timeline, selectedId);
  return (
    <div className="checkpoint-detail stack" data-testid="checkpoint-detail" data-checkpoint-id={c.checkpointId}>
      <div className="row wrap">
        <button
          type="button"
          className="btn ghost small"
          data-testid="cp-prev"
          disabled={!prev}
          title="Parent checkpoint"
          onClick={() => prev && timelineStore.getState().select(prev)}
        >
          ◀
        </button>
        <button
          type="button"
          className="btn ghost small"
          data-testid="cp-next"
          disabled={!next}
          title="Next checkpoint on this branch"
          onClick={() => next && timelineStore.getState().select(next)}
        >
          ▶
        </button>
        <strong>step {c.step}</strong>
        <span className={`pill source source-${c.source}`}>{c.source}</span>
        <span className="faint small mono truncate grow" title={c.checkpointId}>
          {c.checkpointId}
        </span>
      </div>
      <div className="small">
        <span className="faint">ran:</span>{' '}
        <span data-testid="cp-ran">{ran.length > 0 ? ran.map(labelOf).join(', ') : '—'}</span> ·{' '}
        <span className="faint">next:</span>{' '}
        <span data-testid="cp-next-nodes">{upcoming.length > 0 ? upcoming.map(labelOf).join(', ') : 'end'}</span>
      </div>
      <div className="row wrap">
        <button
          type="button"
          className="btn small"
          data-testid="replay-from"
          onClick={() => void replayFrom(c.checkpointId)}
          title="Continue the thread from this checkpoint (a new branch)"
        >
          ⟲ Replay from here
        </button>
        {ran.map((n) => (
          <button
            type="button"
            key={n}
            className="btn small"
            data-testid="rerun-node"
            data-node-id={n}
            onClick={() => void rerunNode(n, c.checkpointId)}
            title="Continue from the checkpoint just before this node"
          >
            ↻ Rerun {labelOf(n)}
          </button>
        ))}
      </div>
      {threadId &&
        c.tasks.flatMap((t) =>
          t.checkpointNs ? (
            <NestedCheckpoints key={t.checkpointNs} threadId={threadId} ns={t.checkpointNs} label={labelOf(t.nodeId)} />
          ) : (
            []
          ),
        )}
      <nav className="subtabs row">
        {(['diff', 'state', 'edit', 'case'] as const).map((v) => (
          <button
            type="button"
            key={v}
            className={`subtab${view === v ? ' active' : ''}`}
            data-testid={`cp-view-${v}`}
            onClick={() => setView(v)}
          >
            {v === 'diff' ? 'Diff' : v === 'state' ? 'State' : v === 'edit' ? 'Edit & fork' : 'Save as test case'}
          </button>
        ))}
      </nav>
      {view === 'diff' &&
        (entry?.status === 'ready' ? (
          <DiffView changes={entry.diff.changes} />
        ) : entry?.status === 'error' ? (
          <div className="problem-text">{entry.message}</div>
        ) : (
          <div className="faint small">Loading diff…</div>
        ))}
      {view === 'state' && <ChannelValues values={c.values} />}
      {view === 'case' && <SaveCaseForm checkpointId={c.checkpointId} onDone={() => setView('diff')} />}
      {view === 'edit' && (
        <StateEditor
          key={c.checkpointId}
          checkpoint={c}
          ran={ran}
          onDone={() => {
            setView('diff');
          }}
        />
      )}
    </div>
  );
}
