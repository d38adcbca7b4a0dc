import type { NodeTypeRegistry } from '@flowcraft/node-types';
import { type EvaluationSubject, type EvaluatorRegistry, evaluateCase } from '@flowcraft/node-types/evaluators';
import type { CaseVerdict, TestCaseBody, TraceEventBody, WorkflowDocument } from '@flowcraft/schema';
import { executeRun, type RunOutcome } from '../execution/execute.js';
import { compileOffline } from './offline-workflow.js';
import { publicState } from '../execution/to-plain.js';

export interface OfflineCaseResult {
  verdict: CaseVerdict;
  subject: EvaluationSubject;
}

/** Human pauses answered per case at most this many times (a loop of approvals ends the case). */
const MAX_RESUMES = 20;

/**
 * Runs one test case in-process (scripted models, in-memory checkpoints) and judges it — the
 * `pnpm flow test` path. A case that continues a stored checkpoint (`from`) needs the engine's
 * database and fails here with that reason.
 */
export async function runCaseOffline(
  document: WorkflowDocument,
  registry: NodeTypeRegistry,
  c: TestCaseBody,
  opts: {
    evaluators?: EvaluatorRegistry;
    threadId: string;
    env?: Record<string, string | undefined>;
    /** The workflow's file: sub-workflows and bundled knowledge beside it are wired as `pnpm flow run` does. */
    file?: string;
  },
): Promise<OfflineCaseResult> {
  // Each case gets its own memory store, knowledge, checkpoints and scripted cursor.
  const offline = await compileOffline(document, registry, {
    ...(opts.file ? { file: opts.file } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  const events: TraceEventBody[] = [];
  const t0 = performance.now();
  let outcome: RunOutcome;
  let state: Record<string, unknown> = {};
  if (c.from) {
    outcome = {
      status: 'failed',
      error: {
        code: 'invalid_input',
        message: 'this case continues a stored checkpoint; run it on the engine (POST /v1/evaluations)',
      },
      tokens: { input: 0, output: 0 },
    };
  } else {
    const { compiled } = offline;
    const onEvent = (e: TraceEventBody) => {
      if (e.type !== 'model.token') events.push(e);
    };
    const base = { compiled, threadId: opts.threadId, onEvent, streamTokens: false };
    outcome = await executeRun({ ...base, input: c.input });
    for (let i = 0; outcome.status === 'interrupted' && outcome.interrupts.length > 0 && i < MAX_RESUMES; i++) {
      if (c.resume === undefined) break;
      const answers = Object.fromEntries(outcome.interrupts.map((x) => [x.id, c.resume]));
      outcome = await executeRun({ ...base, resumeById: answers });
    }
    const snapshot = await compiled.graph.getState({ configurable: { thread_id: opts.threadId } });
    state = publicState(snapshot.values);
  }
  const subject: EvaluationSubject = {
    status: outcome.status,
    output: outcome.status === 'completed' ? outcome.output : null,
    state,
    events,
    durationMs: performance.now() - t0,
    tokens: outcome.tokens,
    error: outcome.status === 'failed' ? outcome.error : null,
    edges: document.edges,
  };
  // The judge gets its own scripted cursor: its replies never shift the workflow's.
  const judgeModels = offline.moreServices().models;
  const verdict = await evaluateCase(c, subject, { models: judgeModels }, opts.evaluators);
  return { verdict, subject };
}
