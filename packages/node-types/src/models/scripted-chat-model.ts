import type { Callbacks } from '@langchain/core/callbacks/manager';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
  type LangSmithParams,
  type ToolChoice,
} from '@langchain/core/language_models/chat_models';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { ModelScript } from '@flowcraft/schema';
import { sleep } from '../sdk/sleep.js';
import { structuredTarget, toolNames } from './bound-tools.js';
import type { ScriptCursor } from './script-cursor.js';
import { ScriptedModelError } from './scripted-model-error.js';
import { buildOutput, toChunks, toMessage, type ScriptedOutput } from './scripted-output.js';
import { selectReply } from './select-reply.js';
import { sampleToolArgs } from './schema-sample.js';

export interface ScriptedChatModelCallOptions extends BaseChatModelCallOptions {
  /** Tools for this call; overrides the ones bound with `bindTools` (like ChatOpenAI's option). */
  tools?: BindToolsInput[];
}

export interface ScriptedChatModelFields {
  script: ModelScript;
  /** Canvas node the model answers for; keys `script.nodes`. */
  nodeId: string;
  /** Name after `scripted:`; a leading `scripted:` is accepted and dropped. */
  modelName: string;
  /** Per-run counters and call log, shared by every model instance of the run. */
  cursor: ScriptCursor;
  /** Delay before each answer unless the reply sets `delayMs`; defaults to `script.latencyMs`. */
  latencyMs?: number;
  tools?: BindToolsInput[];
  /** Callback handlers (kept by `bindTools`, so run-level handlers still see bound calls). */
  callbacks?: Callbacks;
  toolChoice?: ToolChoice;
}

/**
 * Deterministic chat model driven by a `ModelScript`: plain answers, tool calls, structured
 * output (through the single bound tool, which is what `withStructuredOutput` binds), usage,
 * latency and provider-like errors, streamed word by word. Runs offline through exactly the
 * code path of a real provider.
 */
export class ScriptedChatModel extends BaseChatModel<ScriptedChatModelCallOptions> {
  readonly script: ModelScript;
  readonly nodeId: string;
  readonly modelName: string;
  readonly cursor: ScriptCursor;
  readonly latencyMs: number | undefined;
  readonly boundTools: BindToolsInput[];
  readonly toolChoice: ToolChoice | undefined;

  static override lc_name(): string {
    return 'ScriptedChatModel';
  }

  constructor(fields: ScriptedChatModelFields) {
    // Only BaseChatModel params go to super: lc_kwargs must not hold the script or the cursor.
    super({ callbacks: fields.callbacks });
    this.script = fields.script;
    this.nodeId = fields.nodeId;
    this.modelName = fields.modelName.replace(/^scripted:/, '');
    this.cursor = fields.cursor;
    this.latencyMs = fields.latencyMs;
    this.boundTools = fields.tools ?? [];
    this.toolChoice = fields.toolChoice;
  }

  /** `scripted:<name>`, as shown in the UI and the trace. */
  get modelLabel(): string {
    return `scripted:${this.modelName}`;
  }

  _llmType(): string {
    return 'scripted';
  }

  override getLsParams(options: this['ParsedCallOptions']): LangSmithParams {
    return { ...super.getLsParams(options), ls_provider: 'scripted', ls_model_name: this.modelName };
  }

  override invocationParams(options?: this['ParsedCallOptions']): Record<string, unknown> {
    return {
      model: this.modelLabel,
      tools: toolNames(options?.tools ?? this.boundTools),
      tool_choice: options?.tool_choice ?? this.toolChoice,
    };
  }

  /** A copy with these tools bound; shares the script and the per-run cursor. */
  override bindTools(tools: BindToolsInput[], kwargs?: Partial<ScriptedChatModelCallOptions>): ScriptedChatModel {
    return new ScriptedChatModel({
      script: this.script,
      nodeId: this.nodeId,
      modelName: this.modelName,
      cursor: this.cursor,
      latencyMs: this.latencyMs,
      tools,
      toolChoice: kwargs?.tool_choice ?? this.toolChoice,
      callbacks: this.callbacks,
    });
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const out = await this.answer(messages, options);
    const message = toMessage(out);
    // No llmOutput: usage travels as usage_metadata only, so this message equals the streamed one.
    return { generations: [{ text: out.content, message }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const out = await this.answer(messages, options);
    const interval = out.streamIntervalMs;
    let first = true;
    for (const message of toChunks(out)) {
      if (!first && interval > 0) await sleep(interval, options.signal);
      first = false;
      const chunk = new ChatGenerationChunk({ text: message.text, message });
      yield chunk;
      await runManager?.handleLLMNewToken(message.text, { prompt: 0, completion: 0 }, undefined, undefined, undefined, {
        chunk,
      });
    }
  }

  /** Picks the reply, records the call, waits, then throws or builds the answer. */
  private async answer(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
  ): Promise<ScriptedOutput & { streamIntervalMs: number }> {
    const tools = options.tools ?? this.boundTools;
    const names = toolNames(tools);
    const structuredTool = structuredTarget(names, options.tool_choice ?? this.toolChoice);
    const selected = selectReply(this.script, this.cursor, this.nodeId, messages);
    // Nothing scripted for a call that needs structured output: a schema-valid, labelled sample
    // (a router built from blank takes its first route) instead of an echo no parser accepts.
    const sample =
      selected.source === 'echo' && structuredTool !== undefined ? sampleToolArgs(tools, structuredTool) : undefined;
    const { reply, source } =
      sample === undefined ? selected : { reply: { structured: sample }, source: 'sample' as const };
    this.cursor.record({
      nodeId: this.nodeId,
      model: this.modelLabel,
      messages: messages.length,
      tools: names,
      source,
    });

    const delay = reply.delayMs ?? this.latencyMs ?? this.script.latencyMs ?? 0;
    if (delay > 0) await sleep(delay, options.signal);
    else options.signal?.throwIfAborted();

    if (reply.error !== undefined) {
      throw new ScriptedModelError(reply.error.message, { status: reply.error.status, nodeId: this.nodeId });
    }
    const out = buildOutput({
      reply,
      modelLabel: this.modelLabel,
      messages,
      structuredTool,
      newToolCallId: () => this.cursor.nextToolCallId(this.nodeId),
    });
    return { ...out, streamIntervalMs: reply.streamIntervalMs ?? this.script.streamIntervalMs ?? 0 };
  }
}
