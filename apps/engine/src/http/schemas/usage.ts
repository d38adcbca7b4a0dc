import { z } from '@hono/zod-openapi';
import { Id, Timestamp } from './common.js';

export const UsageDimension = z.enum(['day', 'workflow', 'run', 'node', 'model']);
export type UsageDimension = z.infer<typeof UsageDimension>;

const dimensionList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : value,
  z.array(UsageDimension).max(5),
);

export const UsageQuery = z.object({
  workflowId: Id.optional(),
  runId: Id.optional(),
  nodeId: z.string().min(1).max(200).optional(),
  from: Timestamp.optional().openapi({ description: 'Inclusive start (model call end time).' }),
  to: Timestamp.optional().openapi({ description: 'Exclusive end.' }),
  groupBy: dimensionList.optional().openapi({
    description: `Comma-separated: ${UsageDimension.options.join(', ')}. Days are UTC. None → one total row.`,
    type: 'string',
    example: 'day,workflow',
  }),
});
export type UsageQuery = z.infer<typeof UsageQuery>;

export const UsageRow = z
  .object({
    day: z.string().optional().openapi({ example: '2025-10-31' }),
    workflowId: z.string().optional(),
    runId: z.string().optional(),
    nodeId: z.string().optional(),
    model: z.string().optional().openapi({ description: 'The model that answered, e.g. `openai:gpt-4o-mini`.' }),
    calls: z.number().int().min(0),
    input: z.number().min(0),
    output: z.number().min(0),
    cached: z.number().min(0),
    cacheWrite: z.number().min(0),
    costUsd: z.number().min(0).openapi({ description: 'US dollars of the priced calls.' }),
    unpricedCalls: z
      .number()
      .int()
      .min(0)
      .openapi({ description: 'Calls of models without a price (not in costUsd).' }),
  })
  .openapi('UsageRow');
export type UsageRow = z.infer<typeof UsageRow>;

export const UsageReport = z
  .object({ groupBy: z.array(UsageDimension), rows: z.array(UsageRow) })
  .openapi('UsageReport');
