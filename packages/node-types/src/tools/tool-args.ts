import { FlowError } from '@flowcraft/schema';
import { z } from 'zod';
import type { ToolSpec } from './tool-spec.js';

/** What the model passes to a calculator tool. */
export const CalculatorArgs = z.object({
  expression: z.string().min(1).describe('A mathjs expression, e.g. "12 * (3 + 4)", "sqrt(2)" or "2 inch to cm"'),
});
export type CalculatorArgs = z.infer<typeof CalculatorArgs>;

/** What the model passes to an HTTP tool; the base URL, method and headers come from the configuration. */
export const HttpToolArgs = z.object({
  path: z.string().optional().describe('Path under the base URL, e.g. "users/42" (may include "?a=b")'),
  query: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe('Query-string parameters'),
  body: z.unknown().optional().describe('Request body (JSON) for POST, PUT, PATCH or DELETE'),
});
export type HttpToolArgs = z.infer<typeof HttpToolArgs>;

/** A GET tool offers the model no `body` (a GET request has none); other methods describe theirs. */
const HttpGetArgs = HttpToolArgs.omit({ body: true });
const bodyArgs = new Map<string, typeof HttpToolArgs>();

/** The arguments an HTTP tool offers the model, from its configured method. */
export function httpArgsSchema(
  spec: Pick<Extract<ToolSpec, { kind: 'http' }>, 'method'>,
): typeof HttpGetArgs | typeof HttpToolArgs {
  if (spec.method === 'GET') return HttpGetArgs;
  let schema = bodyArgs.get(spec.method);
  if (schema === undefined) {
    schema = HttpToolArgs.extend({
      body: z.unknown().optional().describe(`Request body (JSON) of the ${spec.method} request`),
    });
    bodyArgs.set(spec.method, schema);
  }
  return schema;
}

/** Default arguments of a code tool: any JSON object, given to the code as `input`. */
export const CodeToolArgs = z.object({}).catchall(z.unknown());
export type CodeToolArgs = z.infer<typeof CodeToolArgs>;

type JsonSchema = z.core.JSONSchema.JSONSchema;

function isJsonSchemaObject(value: Record<string, unknown>): value is JsonSchema {
  return value.type === 'object' || value.properties !== undefined;
}

/** The zod object schema of a code tool's arguments, from its JSON Schema when one is configured. */
export function codeArgsSchema(spec: Extract<ToolSpec, { kind: 'code' }>): z.ZodObject {
  if (spec.argsSchema === undefined) return CodeToolArgs;
  if (!isJsonSchemaObject(spec.argsSchema)) {
    throw new FlowError('invalid_input', `Tool "${spec.name}": argsSchema must be a JSON Schema of type "object"`);
  }
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(spec.argsSchema);
  } catch (err) {
    throw new FlowError(
      'invalid_input',
      `Tool "${spec.name}": argsSchema is not a usable JSON Schema: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!(schema instanceof z.ZodObject)) {
    throw new FlowError('invalid_input', `Tool "${spec.name}": argsSchema must be a JSON Schema of type "object"`);
  }
  return schema;
}

/** The zod schema of the arguments the model passes to this tool. */
export function argsSchemaFor(spec: ToolSpec): z.ZodObject {
  if (spec.kind === 'calculator') return CalculatorArgs;
  if (spec.kind === 'http') return httpArgsSchema(spec);
  return codeArgsSchema(spec);
}

/** Validates a tool's arguments; FlowError('tool_error') naming every problem otherwise. */
export function parseToolArgs<T extends z.ZodType>(schema: T, args: unknown, toolName: string): z.infer<T> {
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    throw new FlowError('tool_error', `Invalid arguments for tool "${toolName}": ${problems}`, {
      retryable: false,
      details: { issues: parsed.error.issues },
    });
  }
  return parsed.data;
}
