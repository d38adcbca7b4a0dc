import type { BaseMessage } from '@langchain/core/messages';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import { FlowError } from '@flowcraft/schema';
import type { Scrubber } from '../secrets/scrubber.js';

const SNIPPET = 160;

/**
 * The tool a call must answer with: `withStructuredOutput` binds one function and RoutedChatModel
 * forces it through `tool_choice` (a name, or `{type: 'function', function: {name}}`).
 */
export function forcedTool(toolChoice: unknown): string | undefined {
  if (typeof toolChoice === 'string')
    return ['auto', 'none', 'any', 'required'].includes(toolChoice) ? undefined : toolChoice;
  if (toolChoice === null || typeof toolChoice !== 'object') return undefined;
  const fn: unknown = Reflect.get(toolChoice, 'function');
  const name: unknown =
    fn !== null && typeof fn === 'object' ? Reflect.get(fn, 'name') : Reflect.get(toolChoice, 'name');
  return typeof name === 'string' ? name : undefined;
}

function textOf(m: BaseMessage): string {
  const c = m.content;
  if (typeof c === 'string') return c;
  return c.map((p) => ('text' in p && typeof p.text === 'string' ? p.text : '')).join('');
}

/** True when `m` carries a call of `tool` (complete, or as stream chunks). */
export function callsTool(m: BaseMessage, tool: string): boolean {
  if (!AIMessage.isInstance(m) && !AIMessageChunk.isInstance(m)) return false;
  if (m.tool_calls?.some((c) => c.name === tool)) return true;
  return AIMessageChunk.isInstance(m) && (m.tool_call_chunks ?? []).some((c) => c.name === tool);
}

/**
 * A model that answered a structured-output request with plain text (a server without tool
 * calling, or one that ignores `tool_choice`): says which node, which model and what was expected,
 * instead of LangChain's "Input is not an AIMessageChunk" / "No tool calls found in the response".
 */
export function plainTextInsteadOfStructured(opts: {
  spec: string;
  requested: string;
  nodeId: string | undefined;
  tool: string;
  reply: string;
  scrubber: Scrubber;
}): FlowError {
  const text = opts.scrubber.scrub(opts.reply).replace(/\s+/g, ' ').trim();
  const began = text === '' ? 'an empty reply' : `"${text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text}"`;
  const via = opts.requested !== opts.spec ? ` (for ${opts.requested})` : '';
  const where = opts.nodeId !== undefined ? `Node "${opts.nodeId}": ` : '';
  return new FlowError(
    'model_error',
    `${where}${opts.spec}${via} answered with plain text, but structured output was expected: a call of the ` +
      `"${opts.tool}" tool with JSON matching the node's schema. The model or server may not support tool ` +
      `calling; choose a model that does. It answered ${began}`,
    {
      nodeId: opts.nodeId,
      retryable: false,
      details: {
        model: opts.spec,
        requested: opts.requested,
        expected: `tool call "${opts.tool}"`,
        reason: 'no_structured_output',
      },
    },
  );
}

export { textOf as replyText };
