import type { RunStatus } from '../api/schemas.js';
import type { NodeStatus } from '../model/run-state.js';

/**
 * The one status vocabulary of the editor: the words a person reads for a run's and a node's status
 * (the run panel, the playground, the run lists). Data attributes keep the engine's status ids.
 */
export const STATUS_WORDS: Record<RunStatus, string> = {
  queued: 'Waiting to start',
  running: 'Running',
  interrupted: 'Waiting for you',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Stopped',
};

export const NODE_STATUS_WORDS: Record<NodeStatus | 'idle', string> = {
  idle: 'Not run',
  queued: 'Up next',
  running: 'Running',
  retrying: 'Retrying',
  done: 'Done',
  failed: 'Failed',
  interrupted: 'Waiting for you',
};

const ALL_WORDS: Record<string, string> = { ...NODE_STATUS_WORDS, ...STATUS_WORDS };

/** The word for any status id (unknown ones are shown as they are). */
export function statusWord(status: string): string {
  return ALL_WORDS[status] ?? status;
}
