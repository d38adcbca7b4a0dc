import { ErrorCode } from '@flowcraft/schema';
import { z } from 'zod';
import { SandboxLimits } from './sandbox-limits.js';

/** Host → worker: one run. */
export const SandboxJob = z.object({
  id: z.number().int(),
  code: z.string(),
  inputJson: z.string().optional(),
  limits: SandboxLimits,
});
export type SandboxJob = z.infer<typeof SandboxJob>;

/** Worker → host: ready after loading, then one reply per job. */
export const SandboxReply = z.union([
  z.object({ ready: z.literal(true) }),
  z.object({
    id: z.number().int(),
    ok: z.literal(true),
    value: z.object({ result: z.unknown(), logs: z.array(z.string()) }),
  }),
  z.object({
    id: z.number().int(),
    ok: z.literal(false),
    error: z.object({ code: ErrorCode, message: z.string(), retryable: z.boolean(), details: z.unknown() }),
  }),
]);
export type SandboxReply = z.infer<typeof SandboxReply>;
