import { useEffect, useState } from 'react';
import { errorMessage } from '../api/http.js';
import { getNestedHistory } from '../api/debug-api.js';
import type { ThreadState } from '../api/debug-api.js';
import { ChannelValues } from './ChannelValues.js';
import { useRun } from '../stores/app-stores.js';

type Load = { status: 'loading' } | { status: 'ready'; items: ThreadState[] } | { status: 'error'; message: string };

/**
 * The checkpoints a sub-workflow call saved inside this step (its `checkpoint_ns`), oldest first;
 * one selected shows the child's state there.
 */
export function NestedCheckpoints({ threadId, ns, label }: { threadId: string; ns: string; label: string }) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [selected, setSelected] = useState<string | undefined>(undefined);
  // The parent's checkpoint stays while a run steps inside the child: reload when the run moves on.
  const moved = useRun((s) => `${s.run?.status ?? ''}:${s.run?.paused?.next.join(',') ?? ''}`);
  useEffect(() => {
    void moved;
    let live = true;
    setLoad({ status: 'loading' });
    getNestedHistory(threadId, ns).then(
      (page) => live && setLoad({ status: 'ready', items: [...page.items].reverse() }),
      (err: unknown) => live && setLoad({ status: 'error', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [threadId, ns, moved]);
  const chosen = load.status === 'ready' ? load.items.find((i) => i.checkpointId === selected) : undefined;
  return (
    <div className="nested-checkpoints stack" data-testid="nested-checkpoints" data-ns={ns}>
      <div className="small">
        <span className="faint">inside</span> <strong>{label}</strong>
        {load.status === 'ready' && <span className="faint"> · {load.items.length} checkpoints</span>}
      </div>
      {load.status === 'loading' && <div className="faint small">Loading…</div>}
      {load.status === 'error' && <div className="problem-text">{load.message}</div>}
      {load.status === 'ready' &&
        load.items.map((c) => (
          <button
            type="button"
            key={c.checkpointId}
            className={`timeline-row nested${c.checkpointId === selected ? ' selected' : ''}`}
            data-testid="nested-checkpoint"
            data-checkpoint-id={c.checkpointId}
            data-step={c.step}
            data-next={c.next.join(',')}
            onClick={() => setSelected(c.checkpointId === selected ? undefined : c.checkpointId)}
          >
            <span className="cp-step mono">{c.step}</span>
            <span className="grow truncate small">
              {c.next.length > 0 ? `→ ${c.next.join(', ')}` : c.source === 'input' ? 'input' : 'end'}
            </span>
          </button>
        ))}
      {chosen && <ChannelValues values={chosen.values} compact />}
    </div>
  );
}
