import type { NodeRun } from './run-state.js';
import { JsonView } from './JsonView.js';

/** What one node did: streamed text, channel writes, chosen branches, error. */
export function NodeOutput({ nodeRun }: { nodeRun: NodeRun }) {
  return (
    <div className="node-output-detail" data-testid="node-output">
      {nodeRun.tokens && (
        <div className="faint small">
          {nodeRun.tokens.input} in / {nodeRun.tokens.output} out tokens · {nodeRun.attempts} attempt(s)
        </div>
      )}
      {nodeRun.text && (
        <>
          <div className="field-label">Streamed</div>
          <pre className="stream" data-testid="node-stream">
            {nodeRun.text}
          </pre>
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
