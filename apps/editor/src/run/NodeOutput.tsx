import type { NodeRun } from '../model/run-state.js';
import { JsonView } from './JsonView.js';
import { ScrollPre } from '../ui/ScrollPre.js';
import { formatMs, formatUsd } from '../model/node-summary.js';

const ACTION: Record<string, string> = { retry: 'retried', next: 'fell back', fail: 'gave up' };

/** What one node did: model and cost, streamed text, channel writes, chosen branches, failed model attempts, error. */
export function NodeOutput({ nodeRun }: { nodeRun: NodeRun }) {
  const requested = nodeRun.calls.find((c) => c.requested !== undefined && c.requested !== c.model)?.requested;
  return (
    <div className="node-output-detail" data-testid="node-output">
      {nodeRun.model && (
        <div className="small" data-testid="node-output-model">
          Model <code>{nodeRun.model}</code>
          {nodeRun.model.startsWith('scripted:') && <span className="faint"> (scripted, offline)</span>}
          {requested && <span className="faint"> · asked for {requested}</span>}
        </div>
      )}
      {nodeRun.tokens && (
        <div className="faint small" data-testid="node-output-usage">
          {nodeRun.tokens.input} in / {nodeRun.tokens.output} out tokens
          {nodeRun.tokens.cached ? ` (${nodeRun.tokens.cached} cached)` : ''}
          {nodeRun.tokens.costUsd !== undefined ? ` · ${formatUsd(nodeRun.tokens.costUsd)}` : ''} · {nodeRun.attempts}{' '}
          attempt(s)
        </div>
      )}
      {nodeRun.calls.length > 1 && (
        <table className="calls small" data-testid="node-calls">
          <thead>
            <tr>
              <th>model</th>
              <th>tokens</th>
              <th>cost</th>
              <th>time</th>
            </tr>
          </thead>
          <tbody>
            {nodeRun.calls.map((c, i) => (
              <tr key={i}>
                <td className="truncate">{c.model ?? '?'}</td>
                <td>
                  {c.input}/{c.output}
                </td>
                <td>{c.costUsd === null ? 'unpriced' : formatUsd(c.costUsd)}</td>
                <td>{formatMs(c.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nodeRun.failedAttempts.length > 0 && (
        <div className="failed-attempts" data-testid="node-failed-attempts">
          <div className="field-label">Failed model calls</div>
          <ul>
            {nodeRun.failedAttempts.map((f, i) => (
              <li key={i} className="small" data-testid="node-failed-attempt">
                <code>{f.model}</code> {f.code}
                {f.status !== undefined ? ` (HTTP ${f.status})` : ''} — {ACTION[f.action] ?? f.action}
                {f.next ? ` to ${f.next}` : ''}
                {f.retryAfterMs !== undefined ? ` after ${formatMs(f.retryAfterMs)}` : ''}
                {f.message && <div className="faint">{f.message}</div>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {nodeRun.text && (
        <>
          <div className="field-label">Streamed</div>
          <ScrollPre className="stream" testId="node-stream">
            {nodeRun.text}
          </ScrollPre>
        </>
      )}
      {nodeRun.next && nodeRun.next.length > 0 && <div className="small">Took: {nodeRun.next.join(', ')}</div>}
      {nodeRun.update !== undefined && (
        <>
          <div className="field-label">Wrote</div>
          <JsonView value={nodeRun.update} />
        </>
      )}
      {nodeRun.error && (
        <div className="run-error">
          <strong>{nodeRun.error.code}</strong>: {nodeRun.error.message}
        </div>
      )}
      {nodeRun.progress.length > 0 && (
        <details>
          <summary className="small">{nodeRun.progress.length} progress event(s)</summary>
          <JsonView value={nodeRun.progress} />
        </details>
      )}
    </div>
  );
}
