import { z } from 'zod';
import { ResourceId, Timestamp } from '../wire/common.js';

/** A named set of test cases for one workflow. */
export const DatasetBody = z
  .object({
    workflowId: ResourceId,
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).default(''),
  })
  .strict();
export type DatasetBody = z.infer<typeof DatasetBody>;

export const Dataset = DatasetBody.extend({
  id: ResourceId,
  caseCount: z.number().int().min(0),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Dataset = z.infer<typeof Dataset>;
