import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { RunSink } from '../compile/run-sink.js';

interface CallInfo {
  threadId: string;
  graphNode: string;
  taskId?: string;
  step: number;
}

function str(meta: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = meta?.[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Callback handler attached to every chat model a run's factory creates (not to the whole graph,
 * which would make every runnable emit callback events). Reports token chunks and usage to the
 * sink of the run whose thread made the call. Asking for streaming makes models stream.
 */
export class ModelEvents extends BaseCallbackHandler {
  name = 'flowcraft_model_events';
  // Run inline: usage must be counted before the node reports that it finished.
  override awaitHandlers = true;
  private readonly sinks = new Map<string, { sink: RunSink; tokens: boolean }>();
  private readonly calls = new Map<string, CallInfo>();

  /** Models stream only while some run wants tokens. */
  get lc_prefer_streaming(): boolean {
    for (const s of this.sinks.values()) if (s.tokens) return true;
    return false;
  }

  listen(threadId: string, sink: RunSink, tokens: boolean): () => void {
    this.sinks.set(threadId, { sink, tokens });
    return () => {
      if (this.sinks.get(threadId)?.sink === sink) this.sinks.delete(threadId);
    };
  }

  override handleChatModelStart(_llm: Serialized, _messages: BaseMessage[][], runId: string, _parentRunId?: string, _extra?: Record<string, unknown>, _tags?: string[], metadata?: Record<string, unknown>): void {
    const threadId = str(metadata, 'thread_id');
    const graphNode = str(metadata, 'langgraph_node');
    if (!threadId || !graphNode) return;
    const step = metadata?.langgraph_step;
    this.calls.set(runId, { threadId, graphNode, taskId: str(metadata, 'langgraph_checkpoint_ns')?.split(':')[1], step: typeof step === 'number' ? step : 0 });
  }

  override handleLLMNewToken(token: string, _idx: unknown, runId: string): void {
    const call = this.calls.get(runId);
    const target = call ? this.sinks.get(call.threadId) : undefined;
    if (!call || !target?.tokens || token === '') return;
    target.sink({ kind: 'token', graphNode: call.graphNode, taskId: call.taskId, step: call.step, text: token });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const call = this.calls.get(runId);
    this.calls.delete(runId);
    const target = call ? this.sinks.get(call.threadId) : undefined;
    if (!call || !target) return;
    const gen = output.generations[0]?.[0];
    const message = gen && 'message' in gen ? gen.message : undefined;
    const usage = AIMessage.isInstance(message) || AIMessageChunk.isInstance(message) ? message.usage_metadata : undefined;
    if (!usage) return;
    const cached = usage.input_token_details?.cache_read;
    target.sink({ kind: 'usage', graphNode: call.graphNode, taskId: call.taskId, input: usage.input_tokens, output: usage.output_tokens, ...(cached ? { cached } : {}) });
  }

  override handleLLMError(_err: unknown, runId: string): void {
    this.calls.delete(runId);
  }
}
