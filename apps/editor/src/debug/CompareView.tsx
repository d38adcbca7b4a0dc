import { useMemo } from 'react';
import { runsStore, useDocument, useRuns } from '../stores/app-stores.js';
import { formatMs } from '../model/node-summary.js';
import type { RunSummary } from '../api/debug-api.js';
import { compareRows, divergence, totalTokens } from '../model/compare.js';
import { pretty } from './diff-present.js';
import { ScrollPre } from '../ui/ScrollPre.js';

function cost(s: RunSummary): string {
  return s.tokens.costUsd !== undefined ? `$${s.tokens.costUsd.toFixed(4)}` : '—';
}

/** Two runs side by side: path taken, per-node outputs, tokens, cost and time. */
export function CompareView() {
  const comparison = useRuns((s) => s.comparison);
  const comparing = useRuns((s) => s.comparing);
  const error = useRuns((s) => s.error);
  const nodes = useDocument((s) => s.doc.nodes);
  const rows = useMemo(() => (comparison ? compareRows(comparison) : []), [comparison]);
  const labelOf = (id: string) => nodes.find((n) => n.id === id)?.label || id;
  if (comparing) return <div className="faint small">Comparing…</div>;
  if (!comparison)
    return (
      <div className="empty small">{error ?? 'Pick two runs in the runs list (Debug tab) and press Compare.'}</div>
    );
  const { a, b } = comparison;
  const split = divergence(a.path, b.path);
  const Side = ({ s, label }: { s: RunSummary; label: string }) => (
    <div className="compare-side stack" data-testid={`compare-${label}`} data-run-id={s.runId}>
      <div className="row">
        <strong>{label.toUpperCase()}</strong>
        <span className={`pill ${s.status}`}>{s.status}</span>
        <span className="faint small mono truncate">{s.runId}</span>
      </div>
      <div className="small" data-testid="compare-totals">
        {formatMs(s.durationMs)} · {totalTokens(s)} tokens ({s.tokens.input} in / {s.tokens.output} out) · {cost(s)}
      </div>
      <ol className="path" data-testid="compare-path">
        {s.path.map((n, i) => (
          <li key={i} className={split >= 0 && i >= split ? 'diverged' : ''}>
            {labelOf(n)}
          </li>
        ))}
      </ol>
    </div>
  );
  return (
    <div className="compare stack" data-testid="compare">
      <div className="row">
        <span className="small grow">{split < 0 ? 'Same path' : `Paths differ from step ${split + 1}`}</span>
        <button type="button" className="btn ghost small" onClick={() => runsStore.getState().closeComparison()}>
          ✕
        </button>
      </div>
      <div className="compare-grid">
        <Side s={a} label="a" />
        <Side s={b} label="b" />
      </div>
      <table className="compare-table" data-testid="compare-nodes">
        <thead>
          <tr>
            <th>node</th>
            <th>A</th>
            <th>B</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.nodeId}
              className={r.differs ? 'differs' : ''}
              data-testid="compare-node"
              data-node-id={r.nodeId}
              data-differs={r.differs}
            >
              <td>{labelOf(r.nodeId)}</td>
              {[r.a, r.b].map((n, i) => (
                <td key={i}>
                  {n ? (
                    <>
                      <div className="faint small">
                        {n.runs}× · {formatMs(n.durationMs)} · {n.tokens.input + n.tokens.output} tok
                      </div>
                      <ScrollPre className="json-view compact">{pretty(n.update)}</ScrollPre>
                    </>
                  ) : (
                    <span className="faint small">did not run</span>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
