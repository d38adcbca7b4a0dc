import type { BindToolsInput, ToolChoice } from '@langchain/core/language_models/chat_models';
import { isLangChainTool } from '@langchain/core/utils/function_calling';
import { isRecord } from '../sdk/is-record.js';

/**
 * Name of a tool in any shape `bindTools` accepts: LangChain tools and tool-likes, OpenAI
 * `{type:'function', function:{name}}` definitions, or plain `{name}` objects (Anthropic style).
 */
export function toolName(tool: BindToolsInput): string | undefined {
  if (isLangChainTool(tool)) return tool.name;
  if (!isRecord(tool)) return undefined;
  const fn = tool['function'];
  if (isRecord(fn) && typeof fn['name'] === 'string') return fn['name'];
  const name = tool['name'];
  return typeof name === 'string' ? name : undefined;
}

export function toolNames(tools: readonly BindToolsInput[] | undefined): string[] {
  return (tools ?? []).flatMap((t) => {
    const name = toolName(t);
    return name === undefined ? [] : [name];
  });
}

const GENERIC_CHOICES = new Set(['auto', 'any', 'none', 'required']);

/** The tool a `tool_choice` forces, if it names one. */
export function forcedToolName(choice: ToolChoice | undefined): string | undefined {
  if (typeof choice === 'string') return GENERIC_CHOICES.has(choice) ? undefined : choice;
  if (!isRecord(choice)) return undefined;
  const fn = choice['function'];
  if (isRecord(fn) && typeof fn['name'] === 'string') return fn['name'];
  const name = choice['name'];
  return typeof name === 'string' ? name : undefined;
}

/**
 * The tool a `structured` reply is delivered through: the forced tool, else the single bound
 * tool (what `withStructuredOutput` binds). Undefined when tools are off or ambiguous.
 */
export function structuredTarget(names: readonly string[], choice: ToolChoice | undefined): string | undefined {
  if (choice === 'none') return undefined;
  const forced = forcedToolName(choice);
  if (forced !== undefined) return forced;
  return names.length === 1 ? names[0] : undefined;
}
