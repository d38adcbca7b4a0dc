import { PATH_SEPARATOR } from '../compile/subworkflows.js';
import { isRecord } from '@flowcraft/schema';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { RunSink } from '../compile/run-sink.js';
import { FALLBACK_EVENT } from '../models/routed-chat-model.js';
import { costOf, type PriceTable } from '../models/prices.js';
import type { RunBudget } from './budget.js';

interface CallInfo {
  threadId: string;
  graphNode: string;
  taskId?: string;
  step: number;
  /** What the node asked for (`tier:fast`, `openai:gpt-4o`, `scripted:default`). */
  requested?: string;
  started: number;
  failedAttempts: number;
}

function str(meta: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = meta?.[key];
  return typeof v === 'string' ? v : undefined;
}

function num(meta: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = meta?.[key];
  return typeof v === 'number' ? v : undefined;
}

export interface ModelEventsOptions {
  /** The workflow's price overrides (`settings.models.prices`). */
  prices?: PriceTable;
  /** Receives every call's usage (the run's budget). */
  budget?: RunBudget;
  now?: () => number;
}

/**
 * Callback handler attached to every chat model a run's factory creates (not to the whole graph,
 * which would make every runnable emit callback events). Reports token chunks, each call's usage,
 * cost and answering model, and each failed attempt of the model router to the sink of the run
 * whose thread made the call. Asking for streaming makes models stream.
 */
export class ModelEvents extends BaseCallbackHandler {
  name = 'flowcraft_model_events';
  // Run inline: usage must be counted before the node reports that it finished.
  override awaitHandlers = true;
  private readonly sinks = new Map<string, { sink: RunSink; tokens: boolean }>();
  private readonly calls = new Map<string, CallInfo>();
  private readonly prices: PriceTable;
  private readonly budget: RunBudget | undefined;
  private readonly now: () => number;

  constructor(opts: ModelEventsOptions = {}) {
    super();
    this.prices = opts.prices ?? {};
    this.budget = opts.budget;
    this.now = opts.now ?? (() => performance.now());
  }

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

  override handleChatModelStart(
    _llm: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    extra?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    const threadId = str(metadata, 'thread_id');
    const node = str(metadata, 'langgraph_node');
    if (!threadId || !node) return;
    const params = isRecord(extra?.['invocation_params']) ? extra['invocation_params'] : undefined;
    const { graphNode, taskId } = graphPath(node, str(metadata, 'langgraph_checkpoint_ns'));
    this.calls.set(runId, {
      threadId,
      graphNode,
      taskId,
      step: num(metadata, 'langgraph_step') ?? 0,
      requested: str(params, 'model'),
      started: this.now(),
      failedAttempts: 0,
    });
  }

  override handleLLMNewToken(token: string, _idx: unknown, runId: string): void {
    const call = this.calls.get(runId);
    const target = call ? this.sinks.get(call.threadId) : undefined;
    if (!call || !target?.tokens || token === '') return;
    target.sink({ kind: 'token', graphNode: call.graphNode, taskId: call.taskId, step: call.step, text: token });
  }

  /** A failed attempt of the model router (fallback to the next model, Retry-After wait, or the final failure). */
  override handleCustomEvent(eventName: string, data: unknown, runId: string): void {
    if (eventName !== FALLBACK_EVENT || !isRecord(data)) return;
    const call = this.calls.get(runId);
    const target = call ? this.sinks.get(call.threadId) : undefined;
    if (!call || !target) return;
    call.failedAttempts++;
    const action = data['action'];
    const status = num(data, 'status');
    const retryAfterMs = num(data, 'retryAfterMs');
    const next = str(data, 'next');
    target.sink({
      kind: 'model_attempt',
      graphNode: call.graphNode,
      taskId: call.taskId,
      step: call.step,
      model: str(data, 'model') ?? '',
      code: str(data, 'code') ?? 'model_error',
      action: action === 'retry' || action === 'next' ? action : 'fail',
      message: str(data, 'message') ?? '',
      ...(next !== undefined ? { next } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const call = this.calls.get(runId);
    this.calls.delete(runId);
    const target = call ? this.sinks.get(call.threadId) : undefined;
    if (!call) return;
    const gen = output.generations[0]?.[0];
    const message = gen && 'message' in gen ? gen.message : undefined;
    const isAi = AIMessage.isInstance(message) || AIMessageChunk.isInstance(message);
    const usage = isAi ? message.usage_metadata : undefined;
    if (!usage) return;
    const meta = isAi ? message.response_metadata : undefined;
    // The model that answered: stamped by the router; a scripted model alone is what was asked for.
    const model = str(meta, 'flowcraft_model') ?? call.requested;
    const cached = usage.input_token_details?.cache_read;
    const cacheWrite = usage.input_token_details?.cache_creation;
    const cost =
      model === undefined
        ? undefined
        : costOf(model, { input: usage.input_tokens, output: usage.output_tokens, cached, cacheWrite }, this.prices)
            .usd;
    this.budget?.add(usage.input_tokens + usage.output_tokens, cost);
    if (!target) return;
    target.sink({
      kind: 'usage',
      graphNode: call.graphNode,
      taskId: call.taskId,
      step: call.step,
      input: usage.input_tokens,
      output: usage.output_tokens,
      ...(cached ? { cached } : {}),
      ...(cacheWrite ? { cacheWrite } : {}),
      ...(model !== undefined ? { model } : {}),
      ...(call.requested !== undefined && call.requested !== model ? { requested: call.requested } : {}),
      ...(cost !== undefined ? { costUsd: cost } : {}),
      durationMs: Math.round((this.now() - call.started) * 100) / 100,
      ...(call.failedAttempts > 0 ? { failedAttempts: call.failedAttempts } : {}),
    });
  }

  override handleLLMError(_err: unknown, runId: string): void {
    this.calls.delete(runId);
  }
}

/**
 * Stops model calls once the run's budget is spent: a separate handler because it must raise
 * (LangChain then fails the call with this error; it also prints one console line for it).
 */
export class BudgetCallback extends BaseCallbackHandler {
  name = 'flowcraft_budget';
  override awaitHandlers = true;
  override raiseError = true;

  constructor(private readonly budget: RunBudget) {
    super();
  }

  override async handleChatModelStart(
    _llm: Serialized,
    _messages: BaseMessage[][],
    _runId: string,
    _parentRunId?: string,
    _extra?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    const threadId = str(metadata, 'thread_id');
    const graphNode = str(metadata, 'langgraph_node');
    if (!threadId) return;
    await this.budget.check(threadId, graphNode?.replace(/^__error_handler__/, ''));
  }
}

/**
 * The graph node a model call runs in, qualified by the subworkflow nodes around it (`call › draft`,
 * from the checkpoint namespace `call:<task>|draft:<task>`), and the id of its task.
 */
export function graphPath(node: string, ns: string | undefined): { graphNode: string; taskId?: string } {
  const levels = (ns ?? '').split('|').filter((l) => l !== '');
  const taskId = levels.at(-1)?.split(':')[1];
  if (levels.length <= 1) return { graphNode: node, ...(taskId ? { taskId } : {}) };
  const names = levels.map((l) => l.split(':')[0] ?? '');
  return { graphNode: names.join(PATH_SEPARATOR), ...(taskId ? { taskId } : {}) };
}
