import type { ThreadState, TraceEvent } from '@flowcraft/schema';
import { checkpointConfig, lgMetadata, toLgState } from './mappers.js';
import type { StreamMode } from './wire.js';

/** One SSE event as the SDK decodes it: `event:` name and single-line JSON `data:`. */
export interface SsePart {
  event: string;
  data: unknown;
}

export interface ProjectionOptions {
  modes: ReadonlySet<StreamMode>;
  runId: string;
  threadId: string;
  /** The thread's state at a checkpoint (for `values`, `checkpoints` and `debug`). */
  readState: (checkpointId: string) => Promise<ThreadState | undefined>;
}

const publicOf = (update: unknown): Record<string, unknown> => {
  if (update === null || typeof update !== 'object' || Array.isArray(update)) return {};
  return Object.fromEntries(Object.entries(update).filter(([k]) => !k.startsWith('__')));
};

/**
 * Our trace events → the Agent Server stream modes, for one run. Stateful (the step of each
 * running node, streamed message ids and text, the last values), so every event of the run passes
 * through `project` in seq order; with `emit` false it only keeps its state (resuming a stream).
 *
 * | trace event        | modes |
 * | ------------------ | ----- |
 * | `node.started`     | `tasks`, `debug` (task), `events` (on_chain_start) |
 * | `model.token`      | `messages-tuple` (`messages` with `[chunk, metadata]`), `messages` (partial), `events` (on_chat_model_stream) |
 * | `node.finished`    | `updates` `{node: update}`, `tasks`, `debug` (task_result), `messages/complete`, `events` (on_chain_end) |
 * | `node.progress`    | `custom` |
 * | `checkpoint.saved` | `values` (state read at the checkpoint), `checkpoints`, `debug` (checkpoint) |
 * | `run.interrupted`  | `updates` and `values` with `__interrupt__` |
 * | `run.failed`       | `error` |
 */
export class StreamProjection {
  private readonly steps = new Map<string, number>();
  /** Open streamed messages by node: id and text so far. */
  private readonly messages = new Map<string, { id: string; text: string }>();
  private lastValues: Record<string, unknown> = {};
  private readonly modes: ReadonlySet<StreamMode>;

  constructor(private readonly opts: ProjectionOptions) {
    this.modes = opts.modes;
  }

  private has(mode: StreamMode): boolean {
    return this.modes.has(mode);
  }

  private taskId(nodeId: string, step: number): string {
    return `${this.opts.runId}:${nodeId}:${step}`;
  }

  private tokenMetadata(nodeId: string) {
    const step = this.steps.get(nodeId) ?? 0;
    return {
      run_id: this.opts.runId,
      thread_id: this.opts.threadId,
      langgraph_node: nodeId,
      langgraph_step: step,
      langgraph_triggers: [],
      langgraph_path: ['__pregel_pull', nodeId],
      langgraph_checkpoint_ns: `${nodeId}:${this.taskId(nodeId, step)}`,
      tags: [],
      ls_provider: 'flowcraft',
    };
  }

  async project(event: TraceEvent, emit = true): Promise<SsePart[]> {
    const out: SsePart[] = [];
    const now = event.ts;
    switch (event.type) {
      case 'node.started': {
        this.steps.set(event.nodeId, event.step);
        const id = this.taskId(event.nodeId, event.step);
        const task = { id, name: event.nodeId, input: null, triggers: [`branch:to:${event.nodeId}`] };
        if (this.has('tasks')) out.push({ event: 'tasks', data: task });
        if (this.has('debug'))
          out.push({ event: 'debug', data: { type: 'task', timestamp: now, step: event.step, payload: task } });
        if (this.has('events'))
          out.push({
            event: 'events',
            data: {
              event: 'on_chain_start',
              name: event.nodeId,
              run_id: id,
              data: {},
              metadata: this.tokenMetadata(event.nodeId),
              tags: [],
            },
          });
        break;
      }
      case 'model.token': {
        let open = this.messages.get(event.nodeId);
        const first = open === undefined;
        if (open === undefined) {
          open = { id: `msg-${this.taskId(event.nodeId, this.steps.get(event.nodeId) ?? 0)}`, text: '' };
          this.messages.set(event.nodeId, open);
        }
        open.text += event.text;
        const chunk = {
          type: 'AIMessageChunk',
          id: open.id,
          content: event.text,
          additional_kwargs: {},
          response_metadata: {},
          tool_calls: [],
          tool_call_chunks: [],
          invalid_tool_calls: [],
        };
        const metadata = this.tokenMetadata(event.nodeId);
        if (this.has('messages-tuple')) out.push({ event: 'messages', data: [chunk, metadata] });
        if (this.has('messages')) {
          if (first) out.push({ event: 'messages/metadata', data: { [open.id]: { metadata } } });
          out.push({
            event: 'messages/partial',
            data: [{ type: 'ai', id: open.id, content: open.text, tool_calls: [] }],
          });
        }
        if (this.has('events'))
          out.push({
            event: 'events',
            data: {
              event: 'on_chat_model_stream',
              name: event.nodeId,
              run_id: open.id,
              data: { chunk },
              metadata,
              tags: [],
            },
          });
        break;
      }
      case 'node.finished': {
        const update = publicOf(event.update);
        const id = this.taskId(event.nodeId, event.step);
        if (this.has('updates')) out.push({ event: 'updates', data: { [event.nodeId]: update } });
        const result = { id, name: event.nodeId, error: null, result: Object.entries(update), interrupts: [] };
        if (this.has('tasks')) out.push({ event: 'tasks', data: result });
        if (this.has('debug'))
          out.push({
            event: 'debug',
            data: { type: 'task_result', timestamp: now, step: event.step, payload: result },
          });
        const open = this.messages.get(event.nodeId);
        if (open) {
          this.messages.delete(event.nodeId);
          if (this.has('messages'))
            out.push({
              event: 'messages/complete',
              data: [{ type: 'ai', id: open.id, content: open.text, tool_calls: [] }],
            });
        }
        if (this.has('events'))
          out.push({
            event: 'events',
            data: {
              event: 'on_chain_end',
              name: event.nodeId,
              run_id: id,
              data: { output: update },
              metadata: this.tokenMetadata(event.nodeId),
              tags: [],
            },
          });
        break;
      }
      case 'node.failed': {
        if (event.willRetry) break;
        const step = event.step ?? this.steps.get(event.nodeId) ?? 0;
        const result = {
          id: this.taskId(event.nodeId, step),
          name: event.nodeId,
          error: event.error.message,
          result: [],
          interrupts: [],
        };
        if (this.has('tasks')) out.push({ event: 'tasks', data: result });
        if (this.has('debug'))
          out.push({ event: 'debug', data: { type: 'task_result', timestamp: now, step, payload: result } });
        break;
      }
      case 'node.progress':
        if (this.has('custom'))
          out.push({ event: 'custom', data: { kind: event.kind, node: event.nodeId, ...event.data } });
        break;
      case 'checkpoint.saved': {
        // A sub-workflow's own checkpoints (`ns`) are not the thread's: LangGraph streams only the top graph's.
        if (!emit || event.step < 0 || event.ns !== undefined) break;
        if (!this.has('values') && !this.has('checkpoints') && !this.has('debug')) break;
        const state = await this.opts.readState(event.checkpointId);
        if (state === undefined) break;
        this.lastValues = state.values;
        if (this.has('values')) out.push({ event: 'values', data: state.values });
        const lg = toLgState(state);
        const payload = {
          config: checkpointConfig(this.opts.threadId, state.checkpointId),
          parent_config:
            state.parentCheckpointId === null ? null : checkpointConfig(this.opts.threadId, state.parentCheckpointId),
          values: state.values,
          metadata: lgMetadata(state),
          next: state.next,
          tasks: lg.tasks,
        };
        if (this.has('checkpoints')) out.push({ event: 'checkpoints', data: payload });
        if (this.has('debug'))
          out.push({ event: 'debug', data: { type: 'checkpoint', timestamp: now, step: state.step, payload } });
        break;
      }
      case 'run.interrupted': {
        const interrupts = event.interrupts.map((i) => ({ id: i.id, value: i.value }));
        if (this.has('updates')) out.push({ event: 'updates', data: { __interrupt__: interrupts } });
        if (this.has('values') && interrupts.length > 0)
          out.push({ event: 'values', data: { ...this.lastValues, __interrupt__: interrupts } });
        break;
      }
      case 'run.failed':
        out.push({ event: 'error', data: { error: event.error.code, message: event.error.message } });
        break;
      default:
        break;
    }
    return emit ? out : [];
  }
}
