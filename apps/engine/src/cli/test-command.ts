import { readFile } from 'node:fs/promises';
import type { NodeTypeRegistry } from '@flowcraft/node-types';
import type { EvaluatorRegistry } from '@flowcraft/node-types/evaluators';
import { parseTestCasesJsonl, type CaseVerdict, type ValidationResult } from '@flowcraft/schema';
import { loadEvaluatorModules } from '../evaluations/load-evaluators.js';
import { runCaseOffline } from '../evaluations/offline-case.js';
import { forEachLimit } from '../evaluations/pool.js';
import type { CliArgs } from './args.js';
import { formatProblem } from './format.js';

type Out = (line: string) => void;

interface CaseLine {
  index: number;
  name: string;
  verdict: CaseVerdict;
  durationMs: number;
  tokens: number;
}

/**
 * `pnpm flow test <workflow.json> --dataset <cases.jsonl>`: every case runs in-process and is
 * judged; one line per case (in dataset order, as each finishes when `--json`), then
 * `N passed, M failed`. Exit 0 when all pass, 1 when any fails, 2 on invalid input.
 */
export async function testCommand(
  validation: ValidationResult,
  registry: NodeTypeRegistry,
  args: CliArgs & { file: string },
  out: Out,
  err: Out,
): Promise<number> {
  if (!validation.ok) {
    err(`${args.file}: ${validation.problems.length} problem(s)`);
    validation.problems.forEach((p) => err(formatProblem(p)));
    return 2;
  }
  if (!args.dataset) {
    err('flow test needs --dataset <cases.jsonl>');
    return 2;
  }
  const concurrency = args.concurrency === undefined ? 4 : Number(args.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 200) {
    err(`--concurrency must be an integer from 1 to 200, got ${args.concurrency}`);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(args.dataset, 'utf8');
  } catch (e) {
    err(`Cannot read dataset ${args.dataset}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const { cases, problems } = parseTestCasesJsonl(text);
  if (problems.length > 0 || cases.length === 0) {
    err(`${args.dataset}: ${problems.length > 0 ? `${problems.length} invalid line(s)` : 'no test cases'}`);
    for (const p of problems.slice(0, 20)) err(`  line ${p.line}: ${p.message}`);
    return 2;
  }
  let evaluators: EvaluatorRegistry | undefined;
  try {
    if (args.evaluators && args.evaluators.length > 0) evaluators = await loadEvaluatorModules(args.evaluators);
  } catch (e) {
    err(`--evaluators: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const document = validation.document;
  const lines: CaseLine[] = [];
  await forEachLimit(
    cases,
    concurrency,
    async (c, index) => {
      const t0 = performance.now();
      const { verdict, subject } = await runCaseOffline(document, registry, c, {
        threadId: `case-${index + 1}`,
        file: args.file,
        ...(evaluators ? { evaluators } : {}),
      });
      const line: CaseLine = {
        index,
        name: c.name,
        verdict,
        durationMs: performance.now() - t0,
        tokens: subject.tokens.input + subject.tokens.output,
      };
      lines.push(line);
      if (args.json)
        out(JSON.stringify({ case: c.name, index: index + 1, ...verdict, durationMs: Math.round(line.durationMs) }));
    },
    (e, c) => {
      const message = e instanceof Error ? e.message : String(e);
      const verdict: CaseVerdict = { pass: false, score: 0, reason: `could not run: ${message}`, results: [] };
      lines.push({ index: cases.indexOf(c), name: c.name, verdict, durationMs: 0, tokens: 0 });
      if (args.json) out(JSON.stringify({ case: c.name, index: cases.indexOf(c) + 1, ...verdict }));
    },
  );
  lines.sort((a, b) => a.index - b.index);
  const passed = lines.filter((l) => l.verdict.pass).length;
  const failed = lines.length - passed;
  if (args.json) out(JSON.stringify({ summary: true, passed, failed, total: lines.length }));
  else {
    for (const l of lines) {
      const mark = l.verdict.pass ? '✓' : '✗';
      const stats = `${Math.round(l.durationMs)} ms, ${l.tokens} tokens`;
      out(`${mark} ${l.name} (${stats})${l.verdict.pass ? '' : ` — ${l.verdict.reason}`}`);
    }
    out(`${passed} passed, ${failed} failed`);
  }
  return failed === 0 ? 0 : 1;
}
