import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { ModelScript, validateWorkflow } from '@flowcraft/schema';
import type { TraceEventBody, WorkflowDocument } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { executeRun } from '../execution/execute.js';
import { compileOffline } from '../evaluations/offline-workflow.js';
import { providerDefs } from '../models/providers.js';
import type { CliArgs } from './args.js';
import { formatEvent, formatProblem } from './format.js';
import { askHuman } from './ask-human.js';

async function readJson(
  path: string,
  what: string,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, message: `Cannot read ${what} ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return {
      ok: false,
      message: `${what} ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

function parseJsonArg(text: string, flag: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: `${flag} must be JSON, got: ${text}` };
  }
}

export type Out = (line: string) => void;

/** `validate` and `run` (loaded only when one of them is asked for, so `--help` stays fast). */
export async function runCommand(args: CliArgs & { file: string }, out: Out, err: Out): Promise<number> {
  const doc = await readJson(args.file, 'workflow');
  if (!doc.ok) {
    err(doc.message);
    return 2;
  }
  const registry = createBuiltinRegistry();
  try {
    // Models must name a provider this environment can reach (or a configured OpenAI-compatible endpoint).
    registry.modelProviders = providerDefs(process.env).map((d) => d.name);
  } catch (e) {
    err(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const validation = validateWorkflow(doc.value, registry);
  if (args.command === 'test') {
    const { testCommand } = await import('./test-command.js');
    return testCommand(validation, registry, args, out, err);
  }
  if (args.command === 'validate' || !validation.ok) {
    if (args.json) out(JSON.stringify({ ok: validation.ok, problems: validation.problems }));
    else if (validation.problems.length > 0) {
      err(`${args.file}: ${validation.problems.length} problem(s)`);
      validation.problems.forEach((p) => err(formatProblem(p)));
    } else
      out(
        `${args.file}: valid (${validation.document?.nodes.length ?? 0} nodes, ${validation.document?.edges.length ?? 0} edges)`,
      );
    return validation.ok ? 0 : 2;
  }
  return runWorkflow(validation.document, args, registry, out, err);
}

async function runWorkflow(
  document: WorkflowDocument,
  args: CliArgs,
  registry: ReturnType<typeof createBuiltinRegistry>,
  out: Out,
  err: Out,
): Promise<number> {
  let input: Record<string, unknown> = {};
  if (args.input) {
    const parsed = parseJsonArg(args.input, '--input');
    if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
      err('--input must be a JSON object, e.g. --input \'{"topic":"tides"}\'');
      return 2;
    }
    input = Object.fromEntries(Object.entries(parsed.value));
  }
  let resume: unknown;
  if (args.resume) {
    const parsed = parseJsonArg(args.resume, '--resume');
    resume = parsed.ok ? parsed.value : args.resume;
  }
  let script = document.script;
  if (args.script) {
    const s = await readJson(args.script, 'script');
    const parsed = s.ok ? ModelScript.safeParse(s.value) : undefined;
    if (!s.ok || !parsed?.success) {
      err(s.ok ? `script ${args.script} is invalid: ${parsed?.error?.message}` : s.message);
      return 2;
    }
    script = parsed.data;
  }
  // Sub-workflows, memory and bundled knowledge wired as `pnpm flow test` wires them.
  const { compiled } = await compileOffline(document, registry, {
    ...(args.file ? { file: args.file } : {}),
    ...(args.script ? { script } : {}),
  });
  const labels = new Map(document.nodes.map((n) => [n.id, n.label ? `${n.label} [${n.id}]` : n.id]));
  const label = (id: string) => labels.get(id) ?? id;
  const threadId = args.thread ?? randomUUID();
  const onEvent = (e: TraceEventBody) => {
    if (args.json) out(JSON.stringify(e));
    else if (!args.quiet) {
      const line = formatEvent(e, label);
      if (line) out(line);
    }
  };
  const t0 = performance.now();
  let outcome = await executeRun({ compiled, threadId, input, onEvent });
  while (outcome.status === 'interrupted') {
    const answers: Record<string, unknown> = {};
    for (const i of outcome.interrupts) {
      if (resume !== undefined) answers[i.id] = resume;
      else if (process.stdin.isTTY)
        // With --json the questions go to stderr: stdout carries only JSON lines.
        answers[i.id] = await askHuman(
          i,
          createInterface({ input: process.stdin, output: args.json ? process.stderr : process.stdout }),
          args.json ? err : out,
        );
      else {
        err(
          `The run paused at human node "${i.nodeId ?? '?'}": ${JSON.stringify(i.value)}\nAnswer with --resume '<json>' (e.g. '{"action":"approve"}').`,
        );
        return 1;
      }
    }
    outcome = await executeRun({ compiled, threadId, resumeById: answers, onEvent });
  }
  const ms = (performance.now() - t0).toFixed(0);
  if (outcome.status === 'completed') {
    if (args.json) out(JSON.stringify({ status: 'completed', output: outcome.output, tokens: outcome.tokens }));
    else {
      const cost = outcome.tokens.costUsd !== undefined ? `, $${outcome.tokens.costUsd.toFixed(6)}` : '';
      out(
        `\nCompleted in ${ms} ms (${outcome.tokens.input}+${outcome.tokens.output} tokens${cost}). Output:\n${JSON.stringify(outcome.output, null, 2)}`,
      );
    }
    return 0;
  }
  if (outcome.status === 'failed') {
    if (args.json) out(JSON.stringify({ status: 'failed', error: outcome.error }));
    err(
      `\nRun failed [${outcome.error.code}]${outcome.error.nodeId ? ` at node ${label(outcome.error.nodeId)}` : ''}: ${outcome.error.message}`,
    );
    return 1;
  }
  err('Run cancelled');
  return 1;
}
