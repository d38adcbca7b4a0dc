import { z } from 'zod';

export const ScriptedToolCall = z
  .object({ name: z.string().min(1), args: z.record(z.string(), z.unknown()).default({}), id: z.string().optional() })
  .strict();
export type ScriptedToolCall = z.infer<typeof ScriptedToolCall>;

export const ScriptedUsage = z.object({ input: z.number().int().min(0), output: z.number().int().min(0) }).strict();

/** One reply of the scripted model. */
export const ScriptedReply = z
  .object({
    content: z.string().optional(),
    toolCalls: z.array(ScriptedToolCall).optional(),
    /** Returned when the caller asked for structured output. */
    structured: z.record(z.string(), z.unknown()).optional(),
    usage: ScriptedUsage.optional(),
    /** Throw instead of answering (tests retries and error branches). */
    error: z.object({ message: z.string(), status: z.number().int().optional() }).strict().optional(),
    delayMs: z.number().int().min(0).optional(),
    /** Pause between streamed words, in ms: the answer arrives over time, as a provider's does. */
    streamIntervalMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();
export type ScriptedReply = z.infer<typeof ScriptedReply>;

export const ScriptedRule = z
  .object({
    node: z.string().optional(),
    /** Matches when the last user/human message contains this text (case-insensitive). */
    whenContains: z.string().optional(),
    reply: ScriptedReply,
  })
  .strict();
export type ScriptedRule = z.infer<typeof ScriptedRule>;

/**
 * Script for the `scripted:*` model. Lookup order for a call from node N:
 * 1. `nodes[N]` replies, consumed in order (the last one repeats);
 * 2. the first matching `rules` entry;
 * 3. `default`; otherwise an echo of the last user message.
 */
export const ModelScript = z
  .object({
    latencyMs: z.number().int().min(0).optional(),
    /** Pause between streamed words of every reply that sets none (ms); none by default. */
    streamIntervalMs: z.number().int().min(0).max(60_000).optional(),
    nodes: z.record(z.string(), z.array(ScriptedReply)).optional(),
    rules: z.array(ScriptedRule).optional(),
    default: ScriptedReply.optional(),
  })
  .strict();
export type ModelScript = z.infer<typeof ModelScript>;
