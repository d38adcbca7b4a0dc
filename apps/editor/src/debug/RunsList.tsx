import { openRun } from '../controllers/debug-controller.js';
import { runsStore, uiStore, useDocument, useRun, useRuns, useScrub } from '../stores/app-stores.js';
import { formatMs } from '../model/node-summary.js';
import { runTitle } from '../model/run-title.js';
import { STATUS_WORDS } from '../model/status-words.js';

function durationOf(startedAt: string | null, finishedAt: string | null): number | undefined {
  if (!startedAt || !finishedAt) return undefined;
  return Date.parse(finishedAt) - Date.parse(startedAt);
}

/** The workflow's runs: open one in the debugger (recorded runs are scrubbed), pick two to compare. */
export function RunsList() {
  const runs = useRuns((s) => s.runs);
  const picked = useRuns((s) => s.picked);
  const loading = useRuns((s) => s.loading);
  const error = useRuns((s) => s.error);
  const comparing = useRuns((s) => s.comparing);
  const watched = useRun((s) => s.run?.runId);
  const scrubbing = useScrub((s) => s.runId);
  const workflowId = useDocument((s) => s.workflowId);
  const workflowName = useDocument((s) => s.doc.name);
  return (
    <section className="card debug-section stack" data-testid="runs-list">
      <div className="row">
        <h3 className="grow">Runs</h3>
        <button
          type="button"
          className="btn ghost small"
          data-testid="refresh-runs"
          disabled={!workflowId || loading}
          onClick={() => workflowId && void runsStore.getState().load(workflowId)}
        >
          ↻
        </button>
        <button
          type="button"
          className="btn small"
          data-testid="compare-runs"
          disabled={picked.length !== 2 || comparing}
          title="Pick two runs with the checkboxes"
          onClick={() => {
            uiStore.getState().setDockTab('compare');
            void runsStore.getState().compare();
          }}
        >
          Compare {picked.length}/2
        </button>
      </div>
      {error && <div className="problem-text">{error}</div>}
      {runs.length === 0 && !loading && <div className="faint small">No runs yet.</div>}
      <ul className="run-list">
        {runs.map((r) => (
          <li
            key={r.id}
            className={`run-item${r.id === watched ? ' current' : ''}`}
            data-testid="run-item"
            data-run-id={r.id}
            data-status={r.status}
          >
            <input
              type="checkbox"
              checked={picked.includes(r.id)}
              onChange={() => runsStore.getState().togglePick(r.id)}
              data-testid="pick-run"
              title="Compare"
              aria-label={`Pick run ${r.id} to compare`}
            />
            <button type="button" className="run-open" data-testid="open-run" onClick={() => void openRun(r)}>
              <span className={`pill ${r.status}`}>{STATUS_WORDS[r.status]}</span>
              <span className="small grow truncate" data-testid="run-title">
                {runTitle(r, workflowName)}
              </span>
              <span className="faint small">{formatMs(durationOf(r.startedAt, r.finishedAt))}</span>
              <span className="faint small">{r.tokens.input + r.tokens.output} tok</span>
              {r.forkedFrom && (
                <span className="faint small" title={`forked from ${r.forkedFrom.checkpointId}`}>
                  ↳
                </span>
              )}
              {scrubbing === r.id && <span className="pill">recorded</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
