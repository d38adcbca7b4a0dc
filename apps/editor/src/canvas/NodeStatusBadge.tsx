import type { NodeStatus } from '../model/run-state.js';

const TEXT: Record<NodeStatus, string> = {
  queued: 'queued',
  running: 'running',
  retrying: 'retrying',
  done: 'done',
  failed: 'failed',
  interrupted: 'waiting',
};

export function NodeStatusBadge({ status }: { status: NodeStatus }) {
  return (
    <span className={`pill ${status}`} data-testid="node-status">
      {(status === 'running' || status === 'retrying') && <span className="spinner" />}
      {TEXT[status]}
    </span>
  );
}
