import { z } from 'zod';
import { JsonObject, ResourceId, Timestamp } from '../wire/common.js';
import { Assertion } from './assertion.js';

export const Tag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s,]+$/, 'tags have no spaces or commas');

/** Where a case came from (a finished run, a checkpoint, an edited fork, by hand, an import). */
export const TestCaseSource = z
  .object({
    kind: z.enum(['manual', 'run', 'checkpoint', 'fork', 'import']),
    runId: ResourceId.optional(),
    threadId: ResourceId.optional(),
    checkpointId: z.string().max(200).optional(),
  })
  .strict();
export type TestCaseSource = z.infer<typeof TestCaseSource>;

/**
 * The editable part of a test case — also one line of a JSONL dataset file.
 * A case starts a new run with `input`, or, with `from`, continues a stored thread from a checkpoint
 * (the state a debugger session saved, an edited fork); `resume` answers human pauses; `expected`
 * is the expected output (an `equals` over the output when no assertion is given).
 */
export const TestCaseBody = z
  .object({
    name: z.string().min(1).max(200),
    tags: z.array(Tag).max(32).default([]),
    input: JsonObject.default({}),
    from: z
      .object({ threadId: ResourceId, checkpointId: z.string().min(1).max(200) })
      .strict()
      .optional(),
    resume: z.unknown().optional(),
    expected: JsonObject.optional(),
    assertions: z.array(Assertion).max(50).default([]),
    source: TestCaseSource.default({ kind: 'manual' }),
  })
  .strict();
export type TestCaseBody = z.infer<typeof TestCaseBody>;
export type TestCaseBodyInput = z.input<typeof TestCaseBody>;

/** A stored case. */
export const TestCase = TestCaseBody.extend({
  id: ResourceId,
  datasetId: ResourceId,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type TestCase = z.infer<typeof TestCase>;
