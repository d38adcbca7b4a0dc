import { useReactFlow } from '@xyflow/react';
import { cancelCurrent } from '../controllers/run-controller.js';
import { runStore, useDocument, useRun } from '../stores/app-stores.js';
import { focusNode } from '../canvas/focus-node.js';
import type { FlowNode } from '../canvas/flow-types.js';
import { formatMs, formatUsd } from '../model/node-summary.js';
import { NodeStatusBadge } from '../canvas/NodeStatusBadge.js';
import { InterruptCard } from './InterruptCard.js';
import { JsonView } from './JsonView.js';
import { NodeOutput } from './NodeOutput.js';
import { RunInputForm } from './RunInputForm.js';
import { isActive } from '../model/run-state.js';
import { STATUS_WORDS } from '../model/status-words.js';

/** Run form, live run status, human steps, per-node results, final output or error. */
export function RunPanel() {
  const run = useRun((s) => s.run);
  const focused = useRun((s) => s.focusNode);
  const nodes = useDocument((s) => s.doc.nodes);
  const rf = useReactFlow<FlowNode>();
  const labelOf = (id: string) => nodes.find((n) => n.id === id)?.label || id;
  const visited = run ? nodes.filter((n) => run.nodes[n.id]) : [];
  // The run's total once it reported one, else the sum over nodes while it runs.
  let runCost = run?.tokens?.costUsd;
  if (run && runCost === undefined) {
    for (const n of Object.values(run.nodes))
      if (n.tokens?.costUsd !== undefined) runCost = Math.round(((runCost ?? 0) + n.tokens.costUsd) * 1e9) / 1e9;
  }
  return (
    <div className="run-panel stack">
      <RunInputForm />
      {run && (
        <section className="run-status card" data-testid="run-status" data-status={run.status} data-run-id={run.runId}>
          <div className="row">
            <span className={`pill ${run.status}`} data-testid="run-status-pill">
              {STATUS_WORDS[run.status]}
            </span>
            {run.durationMs !== undefined && <span className="faint small">{formatMs(run.durationMs)}</span>}
            {run.tokens && (
              <span className="faint small" data-testid="run-tokens">
                {run.tokens.input} in / {run.tokens.output} out tokens
              </span>
            )}
            {runCost !== undefined && (
              <span
                className="small run-cost"
                data-testid="run-cost"
                title="Cost of the priced model calls (price table, overridable in the workflow settings)"
              >
                {formatUsd(runCost)}
              </span>
            )}
            <span className="spacer" />
            {isActive(run.status) && (
              <button
                type="button"
                className="btn small danger"
                data-testid="cancel-run"
                onClick={() => void cancelCurrent()}
              >
                Stop
              </button>
            )}
          </div>
          {run.error && (
            <div className="run-error" data-testid="run-error">
              <strong>{run.error.code.replace(/_/g, ' ')}</strong>
              {run.error.nodeId && (
                <>
                  {' '}
                  in{' '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => run.error?.nodeId && focusNode(rf, run.error.nodeId, 'run')}
                  >
                    {labelOf(run.error.nodeId)}
                  </button>
                </>
              )}
              : {run.error.message}
            </div>
          )}
          {run.interrupts.map((i) => (
            <InterruptCard key={i.id} runId={run.runId} interrupt={i} />
          ))}
          {visited.length > 0 && (
            <ul className="node-runs" data-testid="node-runs">
              {visited.map((n) => {
                const r = run.nodes[n.id];
                if (!r) return null;
                return (
                  <li key={n.id}>
                    <button
                      type="button"
                      className={`node-run${focused === n.id ? ' active' : ''}`}
                      data-testid="node-run"
                      data-node-id={n.id}
                      onClick={() => {
                        runStore.getState().focus(focused === n.id ? undefined : n.id);
                        focusNode(rf, n.id, 'run');
                      }}
                    >
                      <NodeStatusBadge status={r.status} />
                      <span className="grow truncate">{n.label || n.id}</span>
                      {r.model && <span className="faint small truncate node-run-model">{r.model}</span>}
                      {r.tokens?.costUsd !== undefined && (
                        <span className="small" data-testid="node-run-cost">
                          {formatUsd(r.tokens.costUsd)}
                        </span>
                      )}
                      {r.failedAttempts.length > 0 && (
                        <span className="pill warn" title="Failed model calls (see the output)">
                          {r.failedAttempts.length}✕
                        </span>
                      )}
                      <span className="faint small">{formatMs(r.durationMs)}</span>
                    </button>
                    {focused === n.id && <NodeOutput nodeRun={r} />}
                  </li>
                );
              })}
            </ul>
          )}
          {run.status === 'completed' && (
            <div className="final-output" data-testid="run-output">
              <div className="field-label">Output</div>
              <JsonView value={run.output} />
            </div>
          )}
        </section>
      )}
    </div>
  );
}
