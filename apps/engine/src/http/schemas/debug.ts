import { z } from '@hono/zod-openapi';
import { StateDiff as WireStateDiff, TraceEvent } from '@flowcraft/schema';
import { INT32_MAX, Id, JsonObject, TokenUsageRef, named } from './common.js';

export const RunEventsQuery = z.object({
  afterSeq: z.coerce
    .number()
    .int()
    .min(0)
    .max(INT32_MAX)
    .default(0)
    .openapi({ description: 'Return events with a larger seq (0: from the start).' }),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export type RunEventsQuery = z.infer<typeof RunEventsQuery>;

export const RunEventsPage = z
  .object({
    items: z.array(named(TraceEvent, 'TraceEvent')),
    /** Seq of the run's last stored event: fetch again with `afterSeq` = the last item's seq while it is smaller. */
    lastSeq: z.number().int().min(0),
  })
  .openapi('RunEventsPage');
export type RunEventsPage = z.infer<typeof RunEventsPage>;

export const CompareParams = z.object({ runId: Id, otherRunId: Id });

const NodeSummary = z.object({
  /** Times the node finished in the run (loops and retries run a node more than once). */
  runs: z.number().int().min(0),
  durationMs: z.number().min(0),
  tokens: TokenUsageRef,
  /** The node's last state update. */
  update: JsonObject,
});

export const RunSummary = z
  .object({
    runId: Id,
    status: z.string(),
    durationMs: z.number().min(0),
    tokens: TokenUsageRef,
    /** Canvas node ids in the order they finished. */
    path: z.array(z.string()),
    nodes: z.record(z.string(), NodeSummary),
    output: JsonObject.nullable(),
  })
  .openapi('RunSummary');
export type RunSummary = z.infer<typeof RunSummary>;

export const RunComparison = z.object({ a: RunSummary, b: RunSummary }).openapi('RunComparison');
export type RunComparison = z.infer<typeof RunComparison>;

export const UpdateStateBody = z
  .object({
    checkpointId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'Checkpoint to edit; default the latest.' }),
    values: JsonObject.openapi({
      description:
        'New values by channel, applied through the channels’ reducers (as if the node `asNode` wrote them).',
    }),
    asNode: z.string().min(1).max(200).optional().openapi({
      description: 'Canvas node id the edit is written as; decides what runs next. Default: the node that wrote last.',
    }),
    ns: z.string().min(1).max(1000).optional().openapi({
      description:
        "A sub-workflow call's checkpoint namespace: the edit is made to the child's state at its checkpoint (`asNode` by path, `review › write`); continuing the paused run goes on from it. Only while the thread is paused inside that call (409 otherwise: rerun from the calling node instead).",
    }),
  })
  .strict()
  .openapi('UpdateStateBody');
export type UpdateStateBody = z.infer<typeof UpdateStateBody>;

export const RerunBody = z
  .object({
    nodeId: z.string().min(1).max(200),
    checkpointId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'Look for the node at or before this checkpoint; default the latest.' }),
  })
  .strict()
  .openapi('RerunBody');
export type RerunBody = z.infer<typeof RerunBody>;

export const StateDiff = named(WireStateDiff, 'StateDiff');
export type StateDiff = WireStateDiff;
