import type { RunnableConfig } from '@langchain/core/runnables';
import { getCheckpointId } from '@langchain/langgraph-checkpoint';

/** Where a checkpoint lives: thread, namespace and (optionally) its id, read from `config.configurable`. */
export interface CheckpointKey {
  threadId: string | undefined;
  checkpointNs: string;
  checkpointId: string | undefined;
}

function asString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new Error(`Invalid "${name}" in config.configurable: expected a string`);
}

export function checkpointKey(config: RunnableConfig): CheckpointKey {
  const c = config.configurable ?? {};
  const id = getCheckpointId(config);
  return {
    threadId: asString(c.thread_id, 'thread_id'),
    checkpointNs: asString(c.checkpoint_ns, 'checkpoint_ns') ?? '',
    checkpointId: asString(id, 'checkpoint_id'),
  };
}

/** The namespace filter of `list`: undefined (any namespace) unless the config names one ('' included). */
export function listNamespace(config: RunnableConfig): string | undefined {
  const ns: unknown = config.configurable?.checkpoint_ns;
  return typeof ns === 'string' ? ns : undefined;
}

export function requireThreadId(key: CheckpointKey, op: string): string {
  if (key.threadId === undefined) {
    throw new Error(
      `Failed to ${op}: config.configurable is missing "thread_id" (pass { configurable: { thread_id } }).`,
    );
  }
  return key.threadId;
}

export function tupleConfig(threadId: string, checkpointNs: string, checkpointId: string): RunnableConfig {
  return { configurable: { thread_id: threadId, checkpoint_ns: checkpointNs, checkpoint_id: checkpointId } };
}
