import { z } from 'zod';
import { ModelScript } from './model-script.js';

/** Current version of the workflow document format. Bump with a named migration. */
export const SCHEMA_VERSION = 1 as const;

export const ChannelType = z.enum(['string', 'number', 'boolean', 'json', 'list', 'messages']);
export type ChannelType = z.infer<typeof ChannelType>;

export const ChannelReducer = z.enum(['replace', 'append', 'merge', 'sum', 'messages']);
export type ChannelReducer = z.infer<typeof ChannelReducer>;

/** Reducers that combine concurrent writes; `replace` does not. */
export const CONCURRENT_SAFE_REDUCERS: readonly ChannelReducer[] = ['append', 'merge', 'sum', 'messages'];

export const Channel = z
  .object({
    type: ChannelType,
    reducer: ChannelReducer.default('replace'),
    default: z.unknown().optional(),
    description: z.string().optional(),
  })
  .strict();
export type Channel = z.infer<typeof Channel>;

export const Position = z.object({ x: z.number(), y: z.number() }).strict();
export type Position = z.infer<typeof Position>;

export const WorkflowNode = z
  .object({
    id: z.string().min(1).max(200),
    type: z.string().min(1),
    typeVersion: z.number().int().min(1).default(1),
    label: z.string().max(500).default(''),
    position: Position.default({ x: 0, y: 0 }),
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type WorkflowNode = z.infer<typeof WorkflowNode>;

export const WorkflowEdge = z
  .object({
    id: z.string().min(1),
    source: z.string().min(1),
    sourceHandle: z.string().min(1).nullish(),
    target: z.string().min(1),
    targetHandle: z.string().min(1).nullish(),
    label: z.string().optional(),
  })
  .strict();
export type WorkflowEdge = z.infer<typeof WorkflowEdge>;

export const BoxSize = z
  .object({ width: z.number().min(40).max(10_000), height: z.number().min(30).max(10_000) })
  .strict();
export type BoxSize = z.infer<typeof BoxSize>;

/** A sticky note on the canvas (Markdown). Layout only: the compiler ignores notes. */
export const StickyNote = z
  .object({
    id: z.string().min(1).max(200),
    text: z.string().max(20_000).default(''),
    position: Position,
    size: BoxSize.default({ width: 240, height: 140 }),
    color: z.enum(['yellow', 'blue', 'green', 'pink', 'gray']).default('yellow'),
  })
  .strict();
export type StickyNote = z.infer<typeof StickyNote>;

/** A labelled frame around nodes; moving it moves its nodes. Layout only: the compiler ignores groups. */
export const NodeGroup = z
  .object({
    id: z.string().min(1).max(200),
    label: z.string().max(200).default(''),
    position: Position,
    size: BoxSize,
    nodes: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type NodeGroup = z.infer<typeof NodeGroup>;

/** Longest timeout or retry interval accepted: 24 hours (timers cannot exceed 2^31 - 1 ms). */
export const MAX_TIMEOUT_MS = 86_400_000;

export const RetrySettings = z
  .object({
    maxAttempts: z.number().int().min(1).max(20).default(1),
    initialIntervalMs: z.number().int().min(0).max(MAX_TIMEOUT_MS).default(500),
    backoffFactor: z.number().min(1).max(100).default(2),
    maxIntervalMs: z.number().int().min(0).max(MAX_TIMEOUT_MS).default(30_000),
    jitter: z.boolean().default(true),
  })
  .strict();
export type RetrySettings = z.infer<typeof RetrySettings>;

/** Price of one model in US dollars per million tokens. */
export const ModelPrice = z
  .object({
    input: z.number().min(0),
    output: z.number().min(0),
    /** Input tokens read from the provider's prompt cache; defaults to `input`. */
    cachedInput: z.number().min(0).optional(),
    /** Input tokens written to the prompt cache (Anthropic); defaults to `input`. */
    cacheWrite: z.number().min(0).optional(),
  })
  .strict();
export type ModelPrice = z.infer<typeof ModelPrice>;

const ModelSpecText = z.string().min(1).max(300);

/**
 * Model routing for a workflow: a node's model may be `tier:<name>`; a model that fails with a
 * retryable error (timeout, 429, 5xx, connection reset) is followed by its fallbacks in order.
 */
export const ModelRoutingSettings = z
  .object({
    /** `tier:<name>` resolves to this model, or to the first of a list whose others are its fallbacks. */
    tiers: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.union([ModelSpecText, z.array(ModelSpecText).min(1).max(8)]))
      .default({}),
    /** Fallback models per `provider:model`, tried in order after a retryable failure. */
    fallbacks: z.record(ModelSpecText, z.array(ModelSpecText).max(8)).default({}),
    /** Price overrides per `provider:model` or `provider:*`, in US dollars per million tokens. */
    prices: z.record(ModelSpecText, ModelPrice).default({}),
    /** Timeout of one model call in milliseconds (then the next fallback is tried); 0 = only the node timeout. */
    callTimeoutMs: z.number().int().min(0).max(MAX_TIMEOUT_MS).default(0),
    /** A 429 whose Retry-After is at most this long is waited out and the same model retried. */
    maxRetryAfterMs: z.number().int().min(0).max(MAX_TIMEOUT_MS).default(30_000),
    /** How often one model call is retried after such a wait. */
    rateLimitRetries: z.number().int().min(0).max(5).default(1),
  })
  .strict();
export type ModelRoutingSettings = z.infer<typeof ModelRoutingSettings>;
export type ModelRoutingSettingsInput = z.input<typeof ModelRoutingSettings>;

/**
 * Spending limits. `maxCostUsd` / `maxTokens` apply to one run (all its executions); `maxCostUsdPerDay`
 * to every run of the workflow in one UTC day. Checked before each model call against what was
 * already spent: the call that reaches a limit completes, the next one fails with `budget_exceeded`.
 */
export const BudgetSettings = z
  .object({
    maxCostUsd: z.number().positive().optional(),
    /** Input + output tokens. */
    maxTokens: z.number().int().positive().optional(),
    maxCostUsdPerDay: z.number().positive().optional(),
  })
  .strict();
export type BudgetSettings = z.infer<typeof BudgetSettings>;

export const WorkflowSettings = z
  .object({
    recursionLimit: z.number().int().min(1).max(10_000).default(100),
    defaultModel: z.string().default('scripted:default'),
    retry: RetrySettings.default(RetrySettings.parse({})),
    /** Per-node timeout in milliseconds; 0 disables it. */
    timeoutMs: z.number().int().min(0).max(MAX_TIMEOUT_MS).default(120_000),
    /** Model tiers, fallbacks, price overrides and call limits. */
    models: ModelRoutingSettings.optional(),
    /** Spending limits per run and per workflow and day. */
    budget: BudgetSettings.optional(),
  })
  .strict();
export type WorkflowSettings = z.infer<typeof WorkflowSettings>;

export const WorkflowDocument = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION).default(SCHEMA_VERSION),
    id: z.string().min(1),
    name: z.string().min(1).max(200),
    description: z.string().default(''),
    state: z.record(z.string(), Channel).default({}),
    nodes: z.array(WorkflowNode),
    edges: z.array(WorkflowEdge).default([]),
    settings: WorkflowSettings.default(WorkflowSettings.parse({})),
    /** Deterministic replies for the `scripted:*` model, so the workflow runs offline. */
    script: ModelScript.optional(),
    /** Canvas annotations, ignored by the compiler. */
    notes: z.array(StickyNote).optional(),
    groups: z.array(NodeGroup).optional(),
  })
  .strict();
export type WorkflowDocument = z.infer<typeof WorkflowDocument>;
export type WorkflowDocumentInput = z.input<typeof WorkflowDocument>;
