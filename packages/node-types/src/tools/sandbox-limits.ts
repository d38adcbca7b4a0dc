import { z } from 'zod';
import { sandboxError } from './sandbox-errors.js';

export const SandboxLimits = z.object({
  timeoutMs: z.number().int().positive().max(60_000).default(1000),
  memoryBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(1024 * 1024 * 1024)
    .default(32 * 1024 * 1024),
  maxOutputBytes: z
    .number()
    .int()
    .positive()
    .max(16 * 1024 * 1024)
    .default(256 * 1024),
});
export type SandboxLimits = z.infer<typeof SandboxLimits>;

export type SandboxOptions = z.input<typeof SandboxLimits> & {
  signal?: AbortSignal;
  /** `worker` (default): a pooled worker thread; `inline`: this thread (blocks it while the code runs). */
  isolation?: 'worker' | 'inline';
};

export interface SandboxResult {
  /** The JSON value the code returned; `null` when it returned nothing. */
  result: unknown;
  logs: string[];
}

export function parseLimits(options: SandboxOptions): SandboxLimits {
  const { signal: _signal, isolation: _isolation, ...limits } = options;
  const parsed = SandboxLimits.safeParse(limits);
  if (!parsed.success) {
    throw sandboxError(
      `Invalid sandbox limits: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export function inputToJson(input: unknown): string | undefined {
  try {
    return input === undefined ? undefined : JSON.stringify(input);
  } catch (err) {
    throw sandboxError(`The input is not JSON-serializable: ${err instanceof Error ? err.message : String(err)}`);
  }
}
