import { z } from 'zod';

/**
 * Request bodies of the LangGraph Agent Server API as the official SDK (`@langchain/langgraph-sdk`
 * 1.x) sends them (snake_case). Only this adapter reads them, so they live beside it; unknown fields
 * are ignored (the SDK sends more than the engine uses), nulls count as absent.
 */
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const JsonRecord = z.record(z.string(), z.unknown());
const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'must be an id of letters, digits, "-" or "_"');

export const StreamMode = z.enum([
  'values',
  'updates',
  'messages',
  'messages-tuple',
  'custom',
  'debug',
  'events',
  'tasks',
  'checkpoints',
  'tools',
]);
export type StreamMode = z.infer<typeof StreamMode>;

/** `checkpoint` objects as the SDK sends them (`{thread_id, checkpoint_ns, checkpoint_id}`). */
export const CheckpointRef = z.object({
  thread_id: opt(z.string()),
  checkpoint_ns: opt(z.string()),
  checkpoint_id: opt(z.string().min(1).max(200)),
});
export type CheckpointRef = z.infer<typeof CheckpointRef>;

const NodeList = z.union([z.literal('*'), z.array(z.string().min(1).max(200)).max(1000)]);

export const RunCreateBody = z.object({
  assistant_id: z.string().min(1).max(200),
  input: opt(z.union([JsonRecord, z.null()])),
  command: opt(
    z.object({
      resume: z.unknown().optional(),
      update: z.unknown().optional(),
      goto: z.unknown().optional(),
    }),
  ),
  config: opt(JsonRecord),
  context: opt(JsonRecord),
  metadata: opt(JsonRecord),
  stream_mode: opt(z.union([StreamMode, z.array(StreamMode)])),
  stream_subgraphs: opt(z.boolean()),
  stream_resumable: opt(z.boolean()),
  interrupt_before: opt(NodeList),
  interrupt_after: opt(NodeList),
  checkpoint: opt(CheckpointRef),
  checkpoint_id: opt(z.string().min(1).max(200)),
  multitask_strategy: opt(z.enum(['reject', 'interrupt', 'rollback', 'enqueue'])),
  if_not_exists: opt(z.enum(['create', 'reject'])),
  on_disconnect: opt(z.enum(['cancel', 'continue'])),
  on_completion: opt(z.enum(['delete', 'keep'])),
  after_seconds: opt(z.number().min(0)),
});
export type RunCreateBody = z.infer<typeof RunCreateBody>;

export const ThreadCreateBody = z.object({
  thread_id: opt(Id),
  metadata: opt(JsonRecord),
  if_exists: opt(z.enum(['raise', 'do_nothing'])),
});

export const ThreadPatchBody = z.object({ metadata: opt(JsonRecord) });

export const ThreadSearchBody = z.object({
  metadata: opt(JsonRecord),
  ids: opt(z.array(z.string()).max(1000)),
  status: opt(z.enum(['idle', 'busy', 'interrupted', 'error'])),
  limit: opt(z.number().int().min(1).max(1000)),
  offset: opt(z.number().int().min(0).max(1_000_000)),
});

export const AssistantSearchBody = z.object({
  graph_id: opt(z.string()),
  name: opt(z.string()),
  metadata: opt(JsonRecord),
  limit: opt(z.number().int().min(1).max(1000)),
  offset: opt(z.number().int().min(0).max(1_000_000)),
});

export const HistoryBody = z.object({
  limit: opt(z.number().int().min(1).max(1000)),
  before: opt(z.union([z.string().min(1).max(200), z.object({ configurable: CheckpointRef }), CheckpointRef])),
  metadata: opt(JsonRecord),
  checkpoint: opt(CheckpointRef),
});

export const UpdateStateBody = z.object({
  values: opt(z.union([JsonRecord, z.array(z.unknown())])),
  as_node: opt(z.string().min(1).max(200)),
  checkpoint: opt(CheckpointRef),
  checkpoint_id: opt(z.string().min(1).max(200)),
});

export const StateCheckpointBody = z.object({ checkpoint: CheckpointRef, subgraphs: opt(z.boolean()) });
