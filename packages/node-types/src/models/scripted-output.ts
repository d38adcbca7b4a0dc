import { AIMessageChunk, type BaseMessage, type ToolCall, type UsageMetadata } from '@langchain/core/messages';
import type { ScriptedReply } from '@flowcraft/schema';

/** Everything one scripted answer consists of, before it becomes a message or chunks. */
export interface ScriptedOutput {
  content: string;
  toolCalls: ToolCall[];
  usage: UsageMetadata;
  responseMetadata: { model_name: string; scripted: true; finish_reason: 'stop' | 'tool_calls' };
}

export interface BuildOutputInput {
  reply: ScriptedReply;
  /** Full model label, e.g. `scripted:demo`. */
  modelLabel: string;
  messages: readonly BaseMessage[];
  /** Tool a `structured` reply is delivered through (see `structuredTarget`). */
  structuredTool: string | undefined;
  newToolCallId: () => string;
}

/** Rough token estimate used when the script gives no usage: one token per four characters. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

function messageChars(m: BaseMessage): number {
  const calls = 'tool_calls' in m && Array.isArray(m.tool_calls) ? JSON.stringify(m.tool_calls).length : 0;
  return m.text.length + calls;
}

export function buildOutput(input: BuildOutputInput): ScriptedOutput {
  const { reply } = input;
  const toolCalls: ToolCall[] = (reply.toolCalls ?? []).map((c) => ({
    type: 'tool_call',
    name: c.name,
    args: c.args,
    id: c.id ?? input.newToolCallId(),
  }));
  let content = reply.content ?? '';
  if (reply.structured !== undefined) {
    if (input.structuredTool !== undefined) {
      toolCalls.push({
        type: 'tool_call',
        name: input.structuredTool,
        args: reply.structured,
        id: input.newToolCallId(),
      });
    } else if (reply.content === undefined) {
      // No tool to carry it (e.g. JSON mode or a plain call): answer with the JSON text.
      content = JSON.stringify(reply.structured);
    }
  }
  const outChars = content.length + (toolCalls.length > 0 ? JSON.stringify(toolCalls.map((c) => c.args)).length : 0);
  const inputTokens = reply.usage?.input ?? estimateTokens(input.messages.reduce((n, m) => n + messageChars(m), 0));
  const outputTokens = reply.usage?.output ?? estimateTokens(outChars);
  return {
    content,
    toolCalls,
    usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
    responseMetadata: {
      model_name: input.modelLabel,
      scripted: true,
      finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
    },
  };
}

/**
 * The whole answer as one message. An `AIMessageChunk` (still an AI message for
 * `AIMessage.isInstance`) so it matches what streaming aggregates to and what
 * `BaseChatModel.withStructuredOutput`'s parser requires.
 */
export function toMessage(out: ScriptedOutput): AIMessageChunk {
  return new AIMessageChunk({
    content: out.content,
    tool_calls: out.toolCalls,
    usage_metadata: out.usage,
    response_metadata: { ...out.responseMetadata },
  });
}

/** Splits text into word pieces (each word with its trailing whitespace); joining them gives the text back. */
export function splitWords(text: string): string[] {
  return text.length === 0 ? [] : text.split(/(?<=\s)(?=\S)/);
}

/**
 * The answer as streamed chunks: one per word, then a final chunk carrying tool-call chunks,
 * usage and response metadata (so each appears once when chunks are concatenated).
 */
export function toChunks(out: ScriptedOutput): AIMessageChunk[] {
  const words = splitWords(out.content).map((w) => new AIMessageChunk({ content: w }));
  const last = new AIMessageChunk({
    content: '',
    tool_call_chunks: out.toolCalls.map((c) => ({
      type: 'tool_call_chunk',
      name: c.name,
      args: JSON.stringify(c.args),
      id: c.id,
    })),
    usage_metadata: out.usage,
    response_metadata: { ...out.responseMetadata },
  });
  return [...words, last];
}
