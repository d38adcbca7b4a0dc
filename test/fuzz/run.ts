import { exampleChildren } from './seeds.js';
import { MemorySaver } from '@langchain/langgraph';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { FetchLike } from '@flowcraft/node-types';
import { compile, createRunServices, executeRun } from '@flowcraft/engine';
import type { RunOutcome } from '@flowcraft/engine';
import type { Channel, WorkflowDocument } from '@flowcraft/schema';

/** No network in tests: every HTTP call gets a small JSON answer. */
export const stubFetch: FetchLike = async () =>
  new Response(JSON.stringify({ ok: true, fuzz: 1 }), { status: 200, headers: { 'content-type': 'application/json' } });

function sampleValue(channel: Channel | undefined): unknown {
  switch (channel?.type) {
    case 'number':
      return 3;
    case 'boolean':
      return true;
    case 'list':
      return ['a', 'b'];
    case 'messages':
      return [];
    case 'json':
      return { a: 1, items: [1, 2] };
    default:
      return 'hello';
  }
}

/** Run input: a value of the right type for every channel the start node asks for. */
export function runInput(doc: WorkflowDocument): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const node of doc.nodes) {
    if (node.type !== 'start') continue;
    const inputs = node.config['inputs'];
    if (!Array.isArray(inputs)) continue;
    for (const item of inputs) {
      const channel: unknown =
        item !== null && typeof item === 'object' ? (item as Record<string, unknown>)['channel'] : undefined;
      if (typeof channel === 'string') input[channel] = sampleValue(doc.state[channel]);
    }
  }
  return input;
}

export type RunResult = { ended: true; outcome: RunOutcome; ms: number } | { ended: false; ms: number };

/**
 * Compile `raw` (valid; `doc` is its parsed form) with the document's script and a stubbed fetch and run it once, aborting
 * after `abortMs`. Resolves `ended: false` when the run has not settled `graceMs` after that.
 */
export async function runOnce(
  raw: unknown,
  doc: WorkflowDocument,
  abortMs: number,
  graceMs: number,
): Promise<RunResult> {
  const services = createRunServices({ script: doc.script, env: {}, fetch: stubFetch });
  const compiled = compile(raw, createBuiltinRegistry(), services, {
    checkpointer: new MemorySaver(),
    children: exampleChildren,
  });
  const started = performance.now();
  const controller = new AbortController();
  const abortTimer = setTimeout(() => controller.abort(new Error('fuzz time budget')), abortMs);
  let hangTimer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<'hung'>((resolve) => {
    hangTimer = setTimeout(() => resolve('hung'), abortMs + graceMs);
  });
  try {
    const run = executeRun({
      compiled,
      threadId: 'fuzz',
      input: runInput(doc),
      signal: controller.signal,
      onEvent: () => undefined,
    });
    const result = await Promise.race([run, hang]);
    const ms = performance.now() - started;
    if (result === 'hung') {
      // Let the stray run finish (or fail) quietly in the background.
      run.catch(() => undefined);
      return { ended: false, ms };
    }
    return { ended: true, outcome: result, ms };
  } finally {
    clearTimeout(abortTimer);
    clearTimeout(hangTimer);
    controller.abort(new Error('fuzz run over'));
  }
}

/** The timeout the compiler gives a node: its own `timeoutMs`, else the workflow's (0 = none). */
export function effectiveTimeoutMs(doc: WorkflowDocument, nodeId: string): number | undefined {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return undefined;
  const own = node.config['timeoutMs'];
  return typeof own === 'number' ? own : doc.settings.timeoutMs;
}
