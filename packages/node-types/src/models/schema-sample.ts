import { isRecord } from '@flowcraft/schema';
import type { BindToolsInput } from '@langchain/core/language_models/chat_models';
import { isLangChainTool } from '@langchain/core/utils/function_calling';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { toolName } from './bound-tools.js';

/** Text of a sampled string, so a reader of the trace sees it is not a real answer. */
export const SAMPLE_TEXT = 'scripted sample';

/**
 * A value that satisfies a JSON Schema (the subset tools and structured outputs use): its default or
 * const, the first enum value or union branch, every declared property of an object, the upper bound
 * of a small-bounded number (a router's confidence then clears any threshold), `minItems` sampled items.
 */
export function sampleFromSchema(schema: unknown, key = 'value', depth = 0): unknown {
  if (!isRecord(schema) || depth > 16) return null;
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const union = [schema.anyOf, schema.oneOf].find((u): u is unknown[] => Array.isArray(u) && u.length > 0);
  if (union) return sampleFromSchema(union.find((b) => !(isRecord(b) && b.type === 'null')) ?? union[0], key, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const props = isRecord(schema.properties) ? schema.properties : undefined;
  if (type === 'object' || (type === undefined && props)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(props ?? {})) out[k] = sampleFromSchema(v, k, depth + 1);
    return out;
  }
  if (type === 'array') {
    const n = typeof schema.minItems === 'number' ? schema.minItems : 0;
    return Array.from({ length: n }, () => sampleFromSchema(schema.items, key, depth + 1));
  }
  if (type === 'number' || type === 'integer') {
    // A small upper bound (a confidence's 1) over the lower one; zod's safe-integer bounds are not meant.
    const max = typeof schema.maximum === 'number' && Math.abs(schema.maximum) <= 1e6 ? schema.maximum : undefined;
    const bound = max ?? (typeof schema.minimum === 'number' ? schema.minimum : 0);
    return type === 'integer' ? Math.floor(bound) : bound;
  }
  if (type === 'boolean') return true;
  if (type === 'string') {
    const text = `${SAMPLE_TEXT} (${key})`;
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    return text.padEnd(min, '.');
  }
  return null;
}

/** JSON Schema of a bound tool's arguments, in any shape `bindTools` accepts. */
export function toolParameters(tool: BindToolsInput): unknown {
  if (isLangChainTool(tool)) return toJsonSchema(tool.schema);
  if (!isRecord(tool)) return undefined;
  const fn = tool.function;
  if (isRecord(fn)) return fn.parameters;
  return tool.parameters ?? tool.input_schema ?? tool.schema;
}

/** A schema-valid sample of the arguments of the tool named `name`, when it is bound. */
export function sampleToolArgs(tools: readonly BindToolsInput[], name: string): Record<string, unknown> | undefined {
  const tool = tools.find((t) => toolName(t) === name);
  if (tool === undefined) return undefined;
  const sample = sampleFromSchema(toolParameters(tool) ?? { type: 'object' });
  return isRecord(sample) ? sample : {};
}
