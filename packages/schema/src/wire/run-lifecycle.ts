import { z } from 'zod';

/**
 * A run's lifecycle: `queued → running → interrupted | completed | failed | cancelled`, and back from
 * `interrupted` to `queued` on resume / step / continue. Shared by the engine (columns of the `runs`
 * table, the HTTP API) and the editor.
 */
export const RunStatus = z.enum(['queued', 'running', 'interrupted', 'completed', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

/** Statuses of a run that holds its thread (at most one per thread). */
export const ACTIVE_RUN_STATUSES = ['queued', 'running'] as const satisfies readonly RunStatus[];
/** Statuses a run never leaves. */
export const FINISHED_RUN_STATUSES = ['completed', 'failed', 'cancelled'] as const satisfies readonly RunStatus[];

export function isFinishedStatus(status: RunStatus): boolean {
  return (FINISHED_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

/** A `human` node (or any `interrupt()`) waiting for an answer, by interrupt id. */
export const PendingInterrupt = z.object({ id: z.string(), nodeId: z.string().optional(), value: z.unknown() });
export type PendingInterrupt = z.infer<typeof PendingInterrupt>;

/** Where a run paused by a breakpoint or a step stands: the nodes that run next and the checkpoint. */
export const PausedAt = z.object({ next: z.array(z.string()), checkpointId: z.string() });
export type PausedAt = z.infer<typeof PausedAt>;

/** Breakpoints of a debug run: canvas node ids to pause before / after. */
export const Breakpoints = z.object({ before: z.array(z.string()), after: z.array(z.string()) });
export type Breakpoints = z.infer<typeof Breakpoints>;
