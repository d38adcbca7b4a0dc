import { Command } from '@langchain/langgraph';
import { FlowError, checkStateValues, diffState, isRecord } from '@flowcraft/schema';
import type { TraceEvent } from '@flowcraft/schema';
import type { DebugService } from '../http/deps.js';
import type {
  RerunBody,
  RunComparison,
  RunEventsPage,
  RunEventsQuery,
  RunSummary,
  UpdateStateBody,
} from '../http/schemas/debug.js';
import type { Run, RunHandle, StateDiff, ThreadState } from '@flowcraft/schema';
import type { RunService } from '../lifecycle/run-service.js';
import type { Store } from '../store/index.js';
import { fromStoredEvent } from '../store/event-codec.js';
import type { StoreHttpRunService } from '../lifecycle/run-queries.js';
import type { StoreThreadService } from './thread-service.js';
import { PATH_SEPARATOR, nsPath } from '../compile/subworkflows.js';

const PAGE = 5000;

/** The debugger over the store: stepping, stored events, comparisons, edit-and-fork and rerun from a node. */
export class StoreDebugService implements DebugService {
  constructor(
    private readonly runs: RunService,
    private readonly httpRuns: StoreHttpRunService,
    private readonly threads: StoreThreadService,
    private readonly store: Store,
  ) {}

  async step(runId: string): Promise<Run | undefined> {
    if ((await this.store.runs.find(runId)) === undefined) return undefined;
    await this.runs.step(runId);
    return this.httpRuns.get(runId);
  }

  async continue(runId: string): Promise<Run | undefined> {
    if ((await this.store.runs.find(runId)) === undefined) return undefined;
    await this.runs.continue(runId);
    return this.httpRuns.get(runId);
  }

  async events(runId: string, query: RunEventsQuery): Promise<RunEventsPage | undefined> {
    const row = await this.store.runs.find(runId);
    if (row === undefined) return undefined;
    const rows = await this.store.runEvents.listAfter(runId, query.afterSeq, query.limit);
    return { items: rows.map(fromStoredEvent), lastSeq: row.lastEventSeq };
  }

  async compare(runId: string, otherRunId: string): Promise<RunComparison | undefined> {
    const [a, b] = await Promise.all([this.summary(runId), this.summary(otherRunId)]);
    return a && b ? { a, b } : undefined;
  }

  async updateState(threadId: string, body: UpdateStateBody): Promise<ThreadState | undefined> {
    const compiled = await this.threads.compiledFor(threadId);
    if (compiled === undefined) return undefined;
    const active = await this.store.runs.list({ threadId, status: ['queued', 'running'], limit: 1 });
    if (active.items.length > 0)
      throw new FlowError(
        'conflict',
        `Thread "${threadId}" has a run in progress (${active.items[0]?.id}); edit its state when it has stopped.`,
      );
    // A sub-workflow's checkpoint: the child's channels and node names (`review › write` → `write`).
    const ns = body.ns ?? '';
    const path = nsPath(ns);
    const document = path.length === 0 ? compiled.document : compiled.nestedDocs.get(path.join('|'));
    if (document === undefined) return undefined;
    const prefix = path.length === 0 ? '' : path.join(PATH_SEPARATOR) + PATH_SEPARATOR;
    const local = (id: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : undefined);
    const problems = checkStateValues(body.values, document.state);
    if (problems.length > 0) {
      throw new FlowError(
        'invalid_input',
        `The state edit does not fit the workflow's channels: ${problems.map((p) => p.message).join('; ')}`,
        { details: { problems } },
      );
    }
    const asNode = body.asNode === undefined ? undefined : local(body.asNode);
    if (body.asNode !== undefined && (!compiled.nodeMap.has(body.asNode) || asNode === undefined || asNode === ''))
      throw new FlowError('invalid_input', `"${body.asNode}" is not a node of this workflow`);
    if (ns !== '' && body.checkpointId === undefined)
      throw new FlowError('invalid_input', "Name the sub-workflow's checkpoint to edit (`checkpointId` with `ns`)");
    if (ns !== '') {
      // A call's checkpoints are read as of the parent's checkpoint that resumes it: an edit only
      // reaches a call the thread is still paused in. Elsewhere it would be stored and never used.
      const latest = await this.threads.getState(threadId);
      const call = ns.split('|')[0];
      if (!latest?.tasks.some((t) => t.checkpointNs === call))
        throw new FlowError(
          'conflict',
          `The sub-workflow call of namespace "${call}" is not paused on thread "${threadId}": edits inside a call apply only while the thread is paused in it. To change what a finished call did, rerun from the calling node or edit the parent's state before the call.`,
        );
    }
    const at =
      body.checkpointId !== undefined
        ? await this.threads.getStateAt(threadId, body.checkpointId, ns)
        : await this.threads.getState(threadId);
    if (at === undefined) return undefined;
    const config = {
      configurable: {
        thread_id: threadId,
        checkpoint_ns: ns,
        ...(body.checkpointId !== undefined ? { checkpoint_id: body.checkpointId } : {}),
      },
    };
    // Nodes that route with Command (routers, loops) have no edges LangGraph could follow after an edit
    // made as them: keep the flow going to the nodes that were next at this checkpoint.
    const next = at.next.filter((n) => compiled.nodeMap.has(n)).flatMap((n) => local(n) ?? []);
    const update =
      asNode !== undefined && next.length > 0 ? new Command({ update: body.values, goto: next }) : body.values;
    const saved = await compiled.graph.updateState(config, update, asNode);
    const id: unknown = saved.configurable?.checkpoint_id;
    if (typeof id !== 'string') throw new Error('updateState returned no checkpoint id');
    return this.threads.getStateAt(threadId, id, ns);
  }

  async diff(threadId: string, checkpointId: string): Promise<StateDiff | undefined> {
    const state = await this.threads.getStateAt(threadId, checkpointId);
    if (state === undefined) return undefined;
    const parent =
      state.parentCheckpointId === null ? undefined : await this.threads.getStateAt(threadId, state.parentCheckpointId);
    return {
      checkpointId,
      parentCheckpointId: state.parentCheckpointId,
      ran: parent?.next ?? [],
      next: state.next,
      changes: diffState(parent?.values ?? {}, state.values),
    };
  }

  async rerun(threadId: string, body: RerunBody): Promise<RunHandle | undefined> {
    const thread = await this.store.threads.find(threadId);
    if (thread === undefined) return undefined;
    const [latestRun] = (await this.store.runs.list({ threadId, limit: 1 })).items;
    const workflowId = latestRun?.workflowId ?? thread.workflowId;
    if (workflowId === null || latestRun === undefined)
      throw new FlowError('not_found', `Thread "${threadId}" has no runs to rerun from.`);
    // Walk back along the branch to the checkpoint where the node was about to run.
    let state =
      body.checkpointId === undefined
        ? await this.threads.getState(threadId)
        : await this.threads.getStateAt(threadId, body.checkpointId);
    if (state === undefined) return undefined;
    while (state !== undefined && !state.next.includes(body.nodeId)) {
      state =
        state.parentCheckpointId === null
          ? undefined
          : await this.threads.getStateAt(threadId, state.parentCheckpointId);
    }
    if (state === undefined)
      throw new FlowError('not_found', `Node "${body.nodeId}" has not run on this branch of thread "${threadId}".`);
    return this.runs.start({
      workflowId,
      version: latestRun.workflowVersion,
      threadId,
      checkpointId: state.checkpointId,
    });
  }

  private async summary(runId: string): Promise<RunSummary | undefined> {
    const run = await this.httpRuns.get(runId);
    if (run === undefined) return undefined;
    const events: TraceEvent[] = [];
    for (let after = 0; ; ) {
      const rows = await this.store.runEvents.listAfter(runId, after, PAGE);
      events.push(...rows.map(fromStoredEvent));
      if (rows.length < PAGE) break;
      after = rows.at(-1)?.seq ?? after;
    }
    const path: string[] = [];
    const nodes: RunSummary['nodes'] = {};
    let durationMs = 0;
    for (const e of events) {
      if (e.type === 'node.finished') {
        path.push(e.nodeId);
        const n = (nodes[e.nodeId] ??= { runs: 0, durationMs: 0, tokens: { input: 0, output: 0 }, update: {} });
        n.runs += 1;
        n.durationMs += e.durationMs;
        n.tokens = {
          input: n.tokens.input + (e.tokens?.input ?? 0),
          output: n.tokens.output + (e.tokens?.output ?? 0),
        };
        n.update = isRecord(e.update) ? e.update : {};
      }
    }
    // Wall time from the first to the last event (a stepped or resumed run includes its pauses).
    const first = events[0];
    const last = events.at(-1);
    if (first && last) durationMs = Date.parse(last.ts) - Date.parse(first.ts);
    return { runId, status: run.status, durationMs, tokens: run.tokens, path, nodes, output: run.output };
  }
}
