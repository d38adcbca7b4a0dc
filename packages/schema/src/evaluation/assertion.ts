import { z } from 'zod';

/**
 * What a value assertion reads: the run's `output` (what the end node returns) or its final `state`
 * (every channel at the last checkpoint). `path` is a dotted path into it (`answer`, `items.0.name`);
 * absent → the whole object.
 */
export const AssertionTarget = z.enum(['output', 'state']);
export type AssertionTarget = z.infer<typeof AssertionTarget>;

const Path = z.string().max(500).optional();
const valueBase = { target: AssertionTarget.default('output'), path: Path };
/** An optional label shown in results instead of the generated one. */
const label = { label: z.string().max(200).optional() };

export const EqualsAssertion = z
  .object({ type: z.literal('equals'), ...valueBase, value: z.unknown(), ...label })
  .strict();
/** Text containing a substring (case-insensitive with `ignoreCase`), or a list containing an equal element. */
export const ContainsAssertion = z
  .object({
    type: z.literal('contains'),
    ...valueBase,
    value: z.unknown(),
    ignoreCase: z.boolean().optional(),
    ...label,
  })
  .strict();
/** RE2 syntax (linear time: no backreferences or lookaround). */
export const RegexAssertion = z
  .object({
    type: z.literal('regex'),
    ...valueBase,
    pattern: z.string().min(1).max(2000),
    flags: z
      .string()
      .regex(/^[imsu]*$/)
      .optional(),
    ...label,
  })
  .strict();
export const JsonSchemaAssertion = z
  .object({ type: z.literal('json_schema'), ...valueBase, schema: z.record(z.string(), z.unknown()), ...label })
  .strict();
/** A JSONata expression over `{ output, state, run }` (`run`: status, durationMs, tokens, costUsd, modelCalls, path); passes when truthy. */
export const JsonataAssertion = z
  .object({ type: z.literal('jsonata'), expression: z.string().min(1).max(10_000), ...label })
  .strict();

/** The canvas node finished at least once in the run. */
export const NodeRanAssertion = z.object({ type: z.literal('node_ran'), nodeId: z.string().min(1), ...label }).strict();
/** The canvas node never started in the run. */
export const NodeNotRanAssertion = z
  .object({ type: z.literal('node_not_ran'), nodeId: z.string().min(1), ...label })
  .strict();
/** A routing node chose this port (its `next` in `node.finished` names it). */
export const BranchTakenAssertion = z
  .object({ type: z.literal('branch_taken'), nodeId: z.string().min(1), branch: z.string().min(1), ...label })
  .strict();

/** Limits: the run stays at or under each given bound. */
export const LimitsAssertion = z
  .object({
    type: z.literal('limits'),
    maxCostUsd: z.number().min(0).optional(),
    maxTokens: z.number().int().min(0).optional(),
    maxDurationMs: z.number().min(0).optional(),
    maxModelCalls: z.number().int().min(0).optional(),
    ...label,
  })
  .strict();

/** A model grades the value against a rubric with a score in [0, 1]; passes at `threshold` or above. */
export const LlmJudgeAssertion = z
  .object({
    type: z.literal('llm_judge'),
    ...valueBase,
    /** `provider:model`; `scripted:<name>` runs offline (the workflow's script, node id `__judge`). */
    model: z.string().min(1).max(200),
    rubric: z.string().min(1).max(20_000),
    threshold: z.number().min(0).max(1).default(0.7),
    ...label,
  })
  .strict();

/** A custom evaluator made with `defineEvaluator` (CLI: `--evaluators <module>`; engine: `wireEngine({ evaluators })`). */
export const CustomAssertion = z
  .object({
    type: z.literal('custom'),
    evaluator: z.string().min(1).max(200),
    config: z.record(z.string(), z.unknown()).default({}),
    ...label,
  })
  .strict();

export const Assertion = z.discriminatedUnion('type', [
  EqualsAssertion,
  ContainsAssertion,
  RegexAssertion,
  JsonSchemaAssertion,
  JsonataAssertion,
  NodeRanAssertion,
  NodeNotRanAssertion,
  BranchTakenAssertion,
  LimitsAssertion,
  LlmJudgeAssertion,
  CustomAssertion,
]);
export type Assertion = z.infer<typeof Assertion>;
export type AssertionInput = z.input<typeof Assertion>;
export type AssertionType = Assertion['type'];
export const ASSERTION_TYPES: readonly AssertionType[] = Assertion.options.map((o) => o.shape.type.value);
