import { z } from '@hono/zod-openapi';
import {
  PendingInterrupt as WirePendingInterrupt,
  Run as WireRun,
  RunHandle as WireRunHandle,
  RunStatus as WireRunStatus,
} from '@flowcraft/schema';
import { INT32_MAX, Id, JsonObject, PageQuery, named, page } from './common.js';

export const RunStatus = named(WireRunStatus, 'RunStatus');
export type RunStatus = WireRunStatus;

export const RunIdParams = z.object({ runId: Id });

const nodeIds = z.array(z.string().min(1)).max(1000);

export const StartRunBody = z
  .object({
    workflowId: Id,
    version: z
      .number()
      .int()
      .min(1)
      .max(INT32_MAX)
      .optional()
      .openapi({ description: 'Workflow version to run; default the latest.' }),
    threadId: Id.optional().openapi({ description: 'Continue this thread; default a new thread.' }),
    checkpointId: z.string().min(1).max(200).optional().openapi({
      description: 'Continue (fork) the thread from this checkpoint instead of its latest one. Needs `threadId`.',
    }),
    input: JsonObject.default({}).openapi({ description: 'Values for the start node.' }),
    interruptBefore: nodeIds.optional().openapi({ description: 'Canvas node ids to pause before (breakpoints).' }),
    interruptAfter: nodeIds.optional().openapi({ description: 'Canvas node ids to pause after.' }),
    metadata: z.record(z.string(), z.string().max(1000)).optional(),
  })
  .strict()
  .refine((body) => body.checkpointId === undefined || body.threadId !== undefined, {
    message: 'checkpointId needs threadId',
    path: ['checkpointId'],
  })
  .openapi('StartRunBody');
export type StartRunBody = z.infer<typeof StartRunBody>;

/** Returned at once when a run is accepted; it then executes in the background. */
export const RunHandle = named(WireRunHandle, 'RunHandle');
export type RunHandle = WireRunHandle;

export const ResumeRunBody = z
  .object({
    value: z.unknown().optional().openapi({ description: 'Answer to the single pending interrupt.' }),
    answers: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'Answers by interrupt id, when several interrupts are pending.' }),
  })
  .strict()
  .refine((body) => (body.value !== undefined) !== (body.answers !== undefined), {
    message: 'give exactly one of "value" or "answers"',
  })
  .openapi('ResumeRunBody');
export type ResumeRunBody = z.infer<typeof ResumeRunBody>;

export const CancelRunBody = z
  .object({ reason: z.string().max(500).optional() })
  .strict()
  .openapi('CancelRunBody');
export type CancelRunBody = z.infer<typeof CancelRunBody>;

export const PendingInterrupt = named(WirePendingInterrupt, 'PendingInterrupt');

export const Run = named(WireRun, 'Run');
export type Run = WireRun;

const statusList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : value,
  z.array(RunStatus).min(1),
);

export const ListRunsQuery = PageQuery.extend({
  workflowId: Id.optional(),
  threadId: Id.optional(),
  status: statusList.optional().openapi({
    description: `Comma-separated statuses: ${RunStatus.options.join(', ')}.`,
    type: 'string',
    example: 'running,queued',
  }),
});
export type ListRunsQuery = z.infer<typeof ListRunsQuery>;

export const RunPage = page(Run).openapi('RunPage');
