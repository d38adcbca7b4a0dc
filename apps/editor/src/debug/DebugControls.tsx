import { continueCurrent, stepCurrent } from '../controllers/debug-controller.js';
import { cancelCurrent } from '../controllers/run-controller.js';
import { breakpointsStore, timelineStore, useBreakpoints, useDocument, useRun } from '../stores/app-stores.js';
import { isActive } from '../model/run-state.js';

/** Breakpoints set on the canvas, and Step / Continue / Stop for the watched run. */
export function DebugControls() {
  const before = useBreakpoints((s) => s.before);
  const after = useBreakpoints((s) => s.after);
  const nodes = useDocument((s) => s.doc.nodes);
  const run = useRun((s) => s.run);
  const labelOf = (id: string) => nodes.find((n) => n.id === id)?.label || id;
  const paused = run?.paused;
  const live = run !== undefined && (isActive(run.status) || run.status === 'interrupted');
  const all = [
    ...before.map((id) => ({ id, where: 'before' as const })),
    ...after.map((id) => ({ id, where: 'after' as const })),
  ];
  return (
    <section className="card debug-section stack" data-testid="debug-controls">
      <div className="row">
        <h3 className="grow">Breakpoints</h3>
        {all.length > 0 && (
          <button
            type="button"
            className="btn ghost small"
            data-testid="clear-breakpoints"
            onClick={() => breakpointsStore.getState().clear()}
          >
            Clear
          </button>
        )}
      </div>
      {all.length === 0 ? (
        <div className="faint small">Click the dots beside a node (or right-click it) to pause before or after it.</div>
      ) : (
        <ul className="chip-list" data-testid="breakpoint-list">
          {all.map((b) => (
            <li
              key={`${b.where}:${b.id}`}
              className="chip"
              data-testid="breakpoint"
              data-node-id={b.id}
              data-where={b.where}
            >
              <span className="bp-mark on" /> {b.where} {labelOf(b.id)}
              <button
                type="button"
                className="chip-x"
                title="Remove"
                onClick={() => breakpointsStore.getState().set(b.id, b.where, false)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {run && (
        <div
          className="debug-run stack"
          data-testid="debug-run"
          data-status={run.status}
          data-run-id={run.runId}
          data-paused={paused ? 'true' : 'false'}
          data-paused-checkpoint={paused?.checkpointId ?? ''}
          data-paused-next={paused?.next.join(',') ?? ''}
        >
          <div className="row">
            <span className={`pill ${run.status}`} data-testid="debug-status">
              {paused ? 'paused' : run.status}
            </span>
            {paused && (
              <span className="small grow truncate" data-testid="paused-next">
                next: {paused.next.length > 0 ? paused.next.map(labelOf).join(', ') : 'end'}
              </span>
            )}
          </div>
          {paused && (
            <button
              type="button"
              className="link small left"
              data-testid="paused-checkpoint"
              onClick={() => timelineStore.getState().select(paused.checkpointId)}
            >
              at checkpoint {paused.checkpointId.slice(0, 13)}…
            </button>
          )}
          <div className="row">
            <button
              type="button"
              className="btn small primary"
              data-testid="debug-step"
              disabled={!paused}
              onClick={() => void stepCurrent()}
              title="Run one superstep, then pause"
            >
              ⤼ Step
            </button>
            <button
              type="button"
              className="btn small"
              data-testid="debug-continue"
              disabled={!paused}
              onClick={() => void continueCurrent()}
              title="Run to the next breakpoint"
            >
              ▶ Continue
            </button>
            <button
              type="button"
              className="btn small danger"
              data-testid="debug-stop"
              disabled={!live}
              onClick={() => void cancelCurrent()}
            >
              ■ Stop
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
