import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';

export interface UsageRecord {
  /** LangGraph node name and task id the call ran in. */
  node: string;
  taskId?: string;
  input: number;
  output: number;
  cached?: number;
}

function metaString(meta: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = meta?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** Collects token usage of every chat-model call, attributed to the graph node (and task) that made it. */
export class UsageCollector extends BaseCallbackHandler {
  name = 'flowcraft_usage';
  // Run inline, so a call's usage is counted before its task's result is streamed.
  override awaitHandlers = true;
  private readonly calls = new Map<string, { node: string; taskId?: string }>();

  constructor(private readonly onUsage: (u: UsageRecord) => void) {
    super();
  }

  override handleChatModelStart(_llm: Serialized, _messages: BaseMessage[][], runId: string, _parentRunId?: string, _extra?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>): void {
    const node = metaString(metadata, 'langgraph_node');
    if (!node) return;
    this.calls.set(runId, { node, taskId: metaString(metadata, 'langgraph_checkpoint_ns')?.split(':')[1] });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const call = this.calls.get(runId);
    this.calls.delete(runId);
    if (!call) return;
    const gen = output.generations[0]?.[0];
    const message = gen && 'message' in gen ? gen.message : undefined;
    const usage = AIMessage.isInstance(message) || AIMessageChunk.isInstance(message) ? message.usage_metadata : undefined;
    if (!usage) return;
    const cached = usage.input_token_details?.cache_read;
    this.onUsage({ ...call, input: usage.input_tokens, output: usage.output_tokens, ...(cached ? { cached } : {}) });
  }

  override handleLLMError(_err: unknown, runId: string): void {
    this.calls.delete(runId);
  }
}
