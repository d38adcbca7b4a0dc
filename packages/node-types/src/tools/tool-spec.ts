import { z } from 'zod';
import { DEFAULT_HTTP_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES, HttpMethod, HttpResponseType } from './http-request.js';

/** Tool names as chat-model providers accept them. */
export const ToolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'Use 1 to 64 letters, digits, "_" or "-"');

const HttpUrl = z.url({ protocol: /^https?$/, error: 'Expected an absolute http(s) URL' });

export const CalculatorToolSpec = z.object({
  kind: z.literal('calculator'),
  name: ToolName.default('calculator'),
  description: z
    .string()
    .min(1)
    .default(
      'Evaluates a math expression (mathjs syntax): arithmetic, functions such as sqrt, sin, log, round, ' +
        'units such as "2 inch to cm", complex numbers and matrices. Returns the result.',
    ),
});
export type CalculatorToolSpec = z.infer<typeof CalculatorToolSpec>;

/**
 * The model passes `{ path?, query?, body? }`; the configuration fixes everything else.
 * The final URL must fall under one of `allowedUrlPrefixes` (by default: under `baseUrl`).
 * Redirects are not followed, so they cannot lead outside the allowlist.
 */
export const HttpToolSpec = z.object({
  kind: z.literal('http'),
  name: ToolName,
  description: z.string().min(1),
  method: HttpMethod.default('GET'),
  baseUrl: HttpUrl,
  headers: z.record(z.string(), z.string()).default({}),
  allowedUrlPrefixes: z
    .array(HttpUrl)
    .default([])
    .describe('URLs the model may reach (same origin, path under the prefix). Empty: only under baseUrl.'),
  timeoutMs: z.number().int().positive().max(600_000).default(DEFAULT_HTTP_TIMEOUT_MS),
  responseType: HttpResponseType.default('auto'),
  maxResponseBytes: z.number().int().positive().default(DEFAULT_MAX_RESPONSE_BYTES),
});
export type HttpToolSpec = z.infer<typeof HttpToolSpec>;

/** The model's arguments arrive in the code as `input`. */
export const CodeToolSpec = z.object({
  kind: z.literal('code'),
  name: ToolName,
  description: z.string().min(1),
  /** Body of `async function (input) { ... }` run in the QuickJS sandbox. */
  code: z.string().min(1),
  argsSchema: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('JSON Schema (type "object") of the arguments the model passes; default: any object'),
  timeoutMs: z.number().int().min(1).max(60_000).default(1000),
  memoryMb: z.number().int().min(1).max(512).default(32),
});
export type CodeToolSpec = z.infer<typeof CodeToolSpec>;

export const ToolSpec = z.discriminatedUnion('kind', [CalculatorToolSpec, HttpToolSpec, CodeToolSpec]);
export type ToolSpec = z.infer<typeof ToolSpec>;
