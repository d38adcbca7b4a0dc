import type { NodeStatus } from '../model/run-state.js';
import { NODE_STATUS_WORDS } from '../model/status-words.js';

export function NodeStatusBadge({ status }: { status: NodeStatus }) {
  return (
    <span className={`pill ${status}`} data-testid="node-status">
      {(status === 'running' || status === 'retrying') && <span className="spinner" />}
      {NODE_STATUS_WORDS[status]}
    </span>
  );
}
