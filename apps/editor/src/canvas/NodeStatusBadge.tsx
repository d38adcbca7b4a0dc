import type { NodeStatus } from '../run/run-state.js';
import { NODE_STATUS_WORDS } from '../run/status-words.js';

export function NodeStatusBadge({ status }: { status: NodeStatus }) {
  return (
    <span className={`pill ${status}`} data-testid="node-status">
      {(status === 'running' || status === 'retrying') && <span className="spinner" />}
      {NODE_STATUS_WORDS[status]}
    </span>
  );
}
