import type { CallbackManagerForLLMRun, Callbacks } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
  type LangSmithParams,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { FlowError } from '@flowcraft/schema';
import { sleep } from '@flowcraft/node-types';
import { processScrubber } from '../secrets/known-secrets.js';
import type { Scrubber } from '../secrets/scrubber.js';
import { runInScope, type CallScope } from './call-scope.js';
import { toProviderError } from './provider-error.js';
import { callsTool, forcedTool, plainTextInsteadOfStructured, replyText } from './structured-reply.js';

export interface RoutedCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

/** One model of a chain: its spec and the LangChain model (created lazily). */
export interface Candidate {
  spec: string;
  model: () => BaseChatModel;
}

/** A failed attempt, as recorded in `response_metadata.flowcraft_attempts` and error details. */
export interface FailedAttempt {
  model: string;
  code: string;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  message: string;
}

export interface RoutedChatModelFields {
  /** What the node asked for, e.g. `tier:fast` or `openai:gpt-4o`. */
  requested: string;
  candidates: Candidate[];
  nodeId?: string;
  /** No progress for this long (whole call, or the gap between stream chunks) fails the attempt; 0 = none. */
  callTimeoutMs?: number;
  /** A 429 asking to wait at most this long is waited out and the same model retried. */
  maxRetryAfterMs?: number;
  rateLimitRetries?: number;
  /** Scrubs credentials from provider errors; default: the process's env credentials and known secrets. */
  scrubber?: () => Scrubber;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  callbacks?: Callbacks;
}

/** Name of the custom callback event sent for every failed attempt. */
export const FALLBACK_EVENT = 'flowcraft_model_attempt_failed';

function isFunctionDict(t: BindToolsInput): t is { type: 'function'; function: { name: string } } {
  if (t === null || typeof t !== 'object' || !('type' in t) || t.type !== 'function' || !('function' in t))
    return false;
  const fn: unknown = t.function;
  return fn !== null && typeof fn === 'object' && 'name' in fn && typeof fn.name === 'string';
}

/**
 * Providers answer `_generate` with an AIMessage; a chat model's declared output (and what
 * LangChain's tool-calling structured-output parser accepts) is an AIMessageChunk.
 */
function asChunk(m: BaseMessage): BaseMessage {
  if (AIMessageChunk.isInstance(m) || !AIMessage.isInstance(m)) return m;
  return new AIMessageChunk({
    content: m.content,
    id: m.id,
    name: m.name,
    additional_kwargs: m.additional_kwargs,
    response_metadata: m.response_metadata,
    tool_calls: m.tool_calls,
    invalid_tool_calls: m.invalid_tool_calls,
    usage_metadata: m.usage_metadata,
  });
}

class CallTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no progress for ${ms} ms`);
  }
}

/**
 * One attempt's plumbing: an abort controller linked to the caller's signal, an idle timer that
 * aborts after `timeoutMs` without progress, and the fetch scope the provider client runs in.
 */
class Attempt {
  readonly controller = new AbortController();
  readonly scope: CallScope;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private rejectTimeout: ((e: Error) => void) | undefined;
  readonly timedOut: Promise<never>;
  fired = false;

  constructor(
    private readonly outer: AbortSignal | undefined,
    private readonly timeoutMs: number,
  ) {
    this.scope = { signal: this.controller.signal };
    this.timedOut = new Promise<never>((_, reject) => (this.rejectTimeout = reject));
    this.timedOut.catch(() => undefined);
    if (outer) {
      if (outer.aborted) this.controller.abort(outer.reason);
      else outer.addEventListener('abort', this.onOuterAbort, { once: true });
    }
    this.touch();
  }

  private readonly onOuterAbort = () => this.controller.abort(this.outer?.reason);

  /** Restarts the idle timer. */
  touch(): void {
    if (this.timeoutMs <= 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      const err = new CallTimeout(this.timeoutMs);
      this.controller.abort(err);
      this.rejectTimeout?.(err);
    }, this.timeoutMs);
  }

  pause(): void {
    clearTimeout(this.timer);
  }

  /** Runs `fn` inside the fetch scope, losing the race to the timeout. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return Promise.race([runInScope(this.scope, fn), this.timedOut]);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }
}

/**
 * A chat model over a chain of provider models: calls the first; on a retryable failure
 * (timeout, 429, 5xx, connection reset) waits out a short Retry-After or moves to the next;
 * never falls back on validation or auth errors, on cancellation, or once tokens have streamed.
 *
 * Provider models are driven through their `_generate` / `_streamResponseChunks` with this
 * model's run manager, so callbacks (tokens, usage) fire once, for this model. The model that
 * answered is recorded as `response_metadata.flowcraft_model` (and failed attempts as
 * `flowcraft_attempts`); errors are FlowErrors with credentials scrubbed.
 */
export class RoutedChatModel extends BaseChatModel<RoutedCallOptions> {
  readonly requested: string;
  readonly candidates: readonly Candidate[];
  readonly nodeId: string | undefined;
  private readonly callTimeoutMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly rateLimitRetries: number;
  private readonly scrubber: () => Scrubber;
  private readonly sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  static override lc_name(): string {
    return 'RoutedChatModel';
  }

  constructor(fields: RoutedChatModelFields) {
    super({ callbacks: fields.callbacks });
    if (fields.candidates.length === 0)
      throw new FlowError('model_error', `No model for "${fields.requested}"`, { nodeId: fields.nodeId });
    this.requested = fields.requested;
    this.candidates = fields.candidates;
    this.nodeId = fields.nodeId;
    this.callTimeoutMs = fields.callTimeoutMs ?? 0;
    this.maxRetryAfterMs = fields.maxRetryAfterMs ?? 30_000;
    this.rateLimitRetries = fields.rateLimitRetries ?? 1;
    this.scrubber = fields.scrubber ?? (() => processScrubber());
    this.sleepFn = fields.sleep ?? sleep;
    this.now = fields.now ?? Date.now;
  }

  /** The specs tried, in order. */
  get chain(): string[] {
    return this.candidates.map((c) => c.spec);
  }

  _llmType(): string {
    return 'flowcraft-routed';
  }

  override getLsParams(options: this['ParsedCallOptions']): LangSmithParams {
    const first = this.candidates[0]?.spec ?? '';
    const i = first.indexOf(':');
    return { ...super.getLsParams(options), ls_provider: first.slice(0, i), ls_model_name: first.slice(i + 1) };
  }

  override invocationParams(): Record<string, unknown> {
    return { model: this.requested, chain: this.chain };
  }

  /**
   * Tools travel as call options to whichever provider answers (each converts them). A single
   * OpenAI-style function dict with no options is what `withStructuredOutput` binds: force it.
   */
  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<RoutedCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, RoutedCallOptions> {
    const only = tools.length === 1 ? tools[0] : undefined;
    const force =
      kwargs === undefined && only !== undefined && isFunctionDict(only) ? { tool_choice: only.function.name } : {};
    return this.withConfig({ tools, ...force, ...kwargs });
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const failed: FailedAttempt[] = [];
    for (let i = 0; i < this.candidates.length; i++) {
      const c = this.candidates[i]!;
      for (let waits = 0; ; waits++) {
        const attempt = new Attempt(options.signal, this.callTimeoutMs);
        try {
          const model = c.model();
          const result = await attempt.run(() =>
            model._generate(messages, { ...options, signal: attempt.controller.signal }, runManager),
          );
          const first = result.generations[0]?.message;
          this.checkStructured(c, options, first !== undefined && callsTool(first, this.tool(options) ?? ''), () =>
            first === undefined ? '' : replyText(first),
          );
          for (const g of result.generations) {
            g.message = asChunk(g.message);
            g.message.response_metadata = { ...g.message.response_metadata, ...this.stamp(c, failed) };
          }
          result.llmOutput = { ...result.llmOutput, flowcraft_model: c.spec };
          return result;
        } catch (err) {
          const next = await this.onFailure(err, c, attempt, options, failed, waits, i, runManager);
          if (next === 'retry') continue;
          break;
        } finally {
          attempt.dispose();
        }
      }
    }
    throw new FlowError('internal', 'unreachable: fallback chain ended without a result');
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const failed: FailedAttempt[] = [];
    for (let i = 0; i < this.candidates.length; i++) {
      const c = this.candidates[i]!;
      for (let waits = 0; ; waits++) {
        const attempt = new Attempt(options.signal, this.callTimeoutMs);
        let streamed = false;
        let it: AsyncIterator<ChatGenerationChunk> | undefined;
        try {
          const model = c.model();
          const gen = runInScope(attempt.scope, () =>
            model._streamResponseChunks(messages, { ...options, signal: attempt.controller.signal }, runManager),
          );
          const iterator = gen[Symbol.asyncIterator]();
          it = iterator;
          const tool = this.tool(options);
          let called = false;
          let text = '';
          for (;;) {
            const r = await attempt.run(() => iterator.next());
            if (r.done) break;
            streamed = true;
            if (tool !== undefined) {
              called ||= callsTool(r.value.message, tool);
              if (text.length < 1000) text += r.value.text;
            }
            // The consumer's time is not the provider's: the idle timer runs only while waiting on it.
            attempt.pause();
            yield r.value;
            attempt.touch();
          }
          this.checkStructured(c, options, called, () => text);
          yield new ChatGenerationChunk({
            text: '',
            message: new AIMessageChunk({ content: '', response_metadata: this.stamp(c, failed) }),
          });
          return;
        } catch (err) {
          if (streamed) throw this.normalize(err, c, attempt, options);
          const next = await this.onFailure(err, c, attempt, options, failed, waits, i, runManager);
          if (next === 'retry') continue;
          break;
        } finally {
          attempt.dispose();
          // Not awaited: after a timeout the provider's pending `next()` settles only once its fetch aborts.
          if (it?.return) void Promise.resolve(it.return()).catch(() => undefined);
        }
      }
    }
    throw new FlowError('internal', 'unreachable: fallback chain ended without a result');
  }

  private tool(options: this['ParsedCallOptions']): string | undefined {
    return forcedTool(options.tool_choice);
  }

  /** A structured-output call (forced tool) answered without that tool call fails with a clear error. */
  private checkStructured(
    c: Candidate,
    options: this['ParsedCallOptions'],
    called: boolean,
    reply: () => string,
  ): void {
    const tool = this.tool(options);
    if (tool === undefined || called) return;
    throw plainTextInsteadOfStructured({
      spec: c.spec,
      requested: this.requested,
      nodeId: this.nodeId,
      tool,
      reply: reply(),
      scrubber: this.scrubber(),
    });
  }

  private stamp(c: Candidate, failed: FailedAttempt[]): Record<string, unknown> {
    return {
      flowcraft_model: c.spec,
      flowcraft_requested: this.requested,
      ...(failed.length > 0 ? { flowcraft_attempts: [...failed] } : {}),
    };
  }

  private normalize(err: unknown, c: Candidate, attempt: Attempt, options: this['ParsedCallOptions']): unknown {
    // Cancellation by the caller (run cancelled, node timeout) is not a provider failure.
    if (options.signal?.aborted && !attempt.fired) return err;
    return toProviderError(err, {
      spec: c.spec,
      nodeId: this.nodeId,
      scope: attempt.scope,
      ...(attempt.fired ? { timeoutMs: this.callTimeoutMs } : {}),
      scrubber: this.scrubber(),
      now: this.now(),
    });
  }

  /** Records the failure; returns 'retry' (same model after a Retry-After wait) or 'next', or throws. */
  private async onFailure(
    err: unknown,
    c: Candidate,
    attempt: Attempt,
    options: this['ParsedCallOptions'],
    failed: FailedAttempt[],
    waits: number,
    index: number,
    runManager: CallbackManagerForLLMRun | undefined,
  ): Promise<'retry' | 'next'> {
    const e = this.normalize(err, c, attempt, options);
    if (!(e instanceof FlowError)) throw e;
    const details = e.details !== null && typeof e.details === 'object' ? e.details : {};
    const status = 'status' in details && typeof details.status === 'number' ? details.status : undefined;
    const retryAfterMs =
      'retryAfterMs' in details && typeof details.retryAfterMs === 'number' ? details.retryAfterMs : undefined;
    const record: FailedAttempt = {
      model: c.spec,
      code: e.code,
      retryable: e.retryable,
      message: e.message,
      ...(status !== undefined ? { status } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
    failed.push(record);
    const last = index === this.candidates.length - 1;
    const wait =
      e.code === 'rate_limited' &&
      retryAfterMs !== undefined &&
      retryAfterMs <= this.maxRetryAfterMs &&
      waits < this.rateLimitRetries;
    const action = wait ? 'retry' : e.retryable && !last ? 'next' : 'fail';
    await runManager?.handleCustomEvent(FALLBACK_EVENT, {
      ...record,
      action,
      ...(action === 'next' ? { next: this.candidates[index + 1]?.spec } : {}),
    });
    if (action === 'fail') {
      const attempts = [...failed];
      const tried =
        attempts.length > 1 ? ` (attempts: ${attempts.map((a) => `${a.model} ${a.status ?? a.code}`).join(', ')})` : '';
      throw new FlowError(e.code, `${e.message}${tried}`, {
        nodeId: e.nodeId ?? this.nodeId,
        retryable: e.retryable,
        details: { ...details, requested: this.requested, attempts },
      });
    }
    if (action === 'retry' && retryAfterMs !== undefined) await this.sleepFn(retryAfterMs, options.signal);
    return action;
  }
}
