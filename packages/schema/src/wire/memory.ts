import { z } from 'zod';
import { JsonObject, Timestamp } from './common.js';

/** One long-term memory item (LangGraph store item). Namespaces are label lists; the API writes them joined by `.`. */
export const MemoryItem = z.object({
  namespace: z.array(z.string()),
  key: z.string(),
  value: JsonObject,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type MemoryItem = z.infer<typeof MemoryItem>;

/** A namespace as the API takes it: labels joined by `.` (labels contain no `.` and no `:`), e.g. `workflow.support.alice`. */
export const MemoryNamespaceText = z
  .string()
  .min(1)
  .max(1000)
  .regex(/^[^.:]+(\.[^.:]+)*$/, 'labels joined by "." (no empty label, no ":")');
