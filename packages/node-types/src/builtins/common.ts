import { z } from 'zod';
import type { DeclaredPort } from '@flowcraft/schema';
import { MAX_TIMEOUT_MS, RetrySettings } from '@flowcraft/schema';

/** Per-node resilience settings; unset fields fall back to the workflow settings. */
export const policyFields = {
  retry: RetrySettings.partial().strict().optional(),
  timeoutMs: z.number().int().min(0).max(MAX_TIMEOUT_MS).optional(),
};

/** Channel name field. */
export const channelName = (description: string) => z.string().min(1).describe(description);

/** Model spec field: `provider:model`; empty means the workflow's default model. */
export const modelField = z
  .string()
  .default('')
  .describe('provider:model, e.g. openai:gpt-4o-mini or scripted:default; empty = workflow default');

export const IN: DeclaredPort = { id: 'in', label: 'in', multiple: true };
export const OUT: DeclaredPort = { id: 'out', label: 'next', multiple: true };
/** Optional failure branch: taken after the node's retries are exhausted. */
export const ERROR_OUT: DeclaredPort = { id: 'error', label: 'on error', multiple: true };

export function modelSpec(configured: string, fallback: string): string {
  return configured.trim() || fallback;
}

/** Text content of a chat-model reply. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        typeof part === 'string'
          ? part
          : part && typeof part === 'object' && 'text' in part && typeof part.text === 'string'
            ? part.text
            : '',
      )
      .join('');
  }
  return '';
}

/** Indexes of ids that repeat an earlier one. */
export function duplicateIds(ids: string[]): number[] {
  const seen = new Set<string>();
  const dups: number[] = [];
  ids.forEach((id, i) => {
    if (seen.has(id)) dups.push(i);
    seen.add(id);
  });
  return dups;
}
