import type { Context } from 'hono';
import type { z } from 'zod';
import { FlowError } from '@flowcraft/schema';
import { RequestValidationError, requestIssues } from '../http/problem-response.js';
import type { HttpDeps } from '../http/deps.js';

/** The deps the Agent Server API needs; absent ones switch it off (routes answer 404). */
export type AgentServerDeps = HttpDeps & Required<Pick<HttpDeps, 'eventLog' | 'threadRecords'>>;

/** The JSON body (an empty body is `{}`), parsed by `schema`; a mismatch is one 400 with every issue. */
export async function body<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      throw new FlowError('invalid_request', 'The request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new RequestValidationError(requestIssues('body', parsed.error.issues));
  return parsed.data;
}

export function notFound(what: string): never {
  throw new FlowError('not_found', what);
}

export function unsupported(what: string): never {
  throw new FlowError(
    'invalid_request',
    `${what} is not supported by this engine (see the README, "Use LangGraph clients and MCP").`,
  );
}
