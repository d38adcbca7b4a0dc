import { InvalidDocumentError, Problem, ProblemCode, validateWorkflow } from '@flowcraft/schema';
import type { ValidationResult, WorkflowDocument } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { compile, createRunServices } from '@flowcraft/engine';
import type { Compiled } from '@flowcraft/engine';
import { MemorySaver } from '@langchain/langgraph';
import { describeDoc, firstDifference } from './json.js';
import { exampleChildren as children } from './seeds.js';

/** The three allowed ends of validate → compile. */
export type PipelineOutcome =
  | { kind: 'invalid'; problems: Problem[] }
  | { kind: 'compiled'; compiled: Compiled; document: WorkflowDocument }
  /** Validation said ok, compile threw InvalidDocumentError (allowed, but worth reporting). */
  | { kind: 'compileRejected'; problems: Problem[] };

/** A broken property, with the document that broke it. */
export class PropertyViolation extends Error {
  constructor(message: string, doc: unknown, cause?: unknown) {
    super(
      `${message}\n  document: ${describeDoc(doc)}${cause instanceof Error && cause.stack ? `\n  cause: ${cause.stack}` : ''}`,
    );
    this.name = 'PropertyViolation';
  }
}

function describeProblem(p: unknown): string {
  return describeDoc(p, 400);
}

/** What is wrong with a problem list (empty when it is well formed). */
export function problemDefects(problems: unknown): string[] {
  if (!Array.isArray(problems)) return [`problems is not an array: ${describeProblem(problems)}`];
  const defects: string[] = [];
  problems.forEach((p: unknown, i) => {
    const where = `problems[${i}] ${describeProblem(p)}`;
    if (p === null || typeof p !== 'object') {
      defects.push(`${where}: not an object`);
      return;
    }
    const rec = p as Record<string, unknown>;
    const path = rec['path'];
    if (!Array.isArray(path)) defects.push(`${where}: path is not an array`);
    else {
      path.forEach((seg: unknown, j) => {
        const okSegment = typeof seg === 'string' || (typeof seg === 'number' && Number.isInteger(seg) && seg >= 0);
        if (!okSegment) defects.push(`${where}: path[${j}] is ${typeof seg} ${String(seg)}, not a string or an index`);
      });
    }
    if (!ProblemCode.safeParse(rec['code']).success)
      defects.push(`${where}: code ${String(rec['code'])} is not a ProblemCode`);
    const message = rec['message'];
    if (typeof message !== 'string' || message.trim().length === 0) defects.push(`${where}: empty message`);
    const severity = rec['severity'];
    if (severity !== undefined && severity !== 'error' && severity !== 'warning')
      defects.push(`${where}: severity ${String(severity)}`);
    if (!Problem.safeParse(p).success) defects.push(`${where}: does not parse as Problem`);
  });
  return defects;
}

function assertProblems(
  problems: unknown,
  doc: unknown,
  context: string,
  opts: { needError: boolean },
): asserts problems is Problem[] {
  const defects = problemDefects(problems);
  if (defects.length > 0)
    throw new PropertyViolation(`${context}: malformed problems:\n    ${defects.slice(0, 10).join('\n    ')}`, doc);
  const list = problems as Problem[];
  if (opts.needError && !list.some((p) => (p.severity ?? 'error') === 'error')) {
    throw new PropertyViolation(`${context}: ok:false but no error-severity problem (${list.length} problem(s))`, doc);
  }
}

/** The validation result must be one of the two documented shapes. */
export function checkValidation(result: ValidationResult, doc: unknown): void {
  if (result === null || typeof result !== 'object')
    throw new PropertyViolation('validateWorkflow returned a non-object', doc);
  if (result.ok === false) {
    if (!Array.isArray(result.problems) || result.problems.length === 0)
      throw new PropertyViolation('ok:false with no problems', doc);
    assertProblems(result.problems, doc, 'validateWorkflow ok:false', { needError: true });
    return;
  }
  if (result.ok !== true)
    throw new PropertyViolation(`validateWorkflow returned ok=${String((result as { ok: unknown }).ok)}`, doc);
  if (result.document === null || typeof result.document !== 'object')
    throw new PropertyViolation('ok:true without a document', doc);
  assertProblems(result.problems, doc, 'validateWorkflow ok:true', { needError: false });
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0)
    throw new PropertyViolation(`ok:true with error problems: ${errors.map((p) => p.message).join('; ')}`, doc);
}

function compileDoc(doc: unknown) {
  return compile(doc, createBuiltinRegistry(), createRunServices({ env: {} }), {
    checkpointer: new MemorySaver(),
    children,
  });
}

/**
 * validateWorkflow, then compile: ends as `invalid` (and compile agrees, throwing
 * InvalidDocumentError with the same problems), `compiled`, or `compileRejected`. Anything
 * else throws PropertyViolation.
 */
export function runPipeline(doc: unknown): PipelineOutcome {
  let validation: ValidationResult;
  try {
    validation = validateWorkflow(doc, createBuiltinRegistry());
  } catch (err) {
    throw new PropertyViolation('validateWorkflow threw (it promises never to)', doc, err);
  }
  checkValidation(validation, doc);

  let compiled: Compiled;
  try {
    compiled = compileDoc(doc);
  } catch (err) {
    if (!(err instanceof InvalidDocumentError)) {
      throw new PropertyViolation(
        `compile threw ${err instanceof Error ? err.constructor.name : typeof err} (not InvalidDocumentError) after validation ok=${String(validation.ok)}`,
        doc,
        err,
      );
    }
    if (!Array.isArray(err.problems) || err.problems.length === 0)
      throw new PropertyViolation('InvalidDocumentError without problems', doc, err);
    assertProblems(err.problems, doc, 'InvalidDocumentError from compile', { needError: true });
    if (!validation.ok) {
      const diff = firstDifference(err.problems, validation.problems);
      if (diff !== undefined)
        throw new PropertyViolation(`compile reported other problems than validateWorkflow: ${diff}`, doc);
      return { kind: 'invalid', problems: validation.problems };
    }
    return { kind: 'compileRejected', problems: err.problems };
  }
  if (!validation.ok) throw new PropertyViolation('compile accepted a document that validateWorkflow rejected', doc);
  const graph: unknown = compiled.graph;
  const invoke = graph !== null && typeof graph === 'object' ? (graph as { invoke?: unknown }).invoke : undefined;
  if (typeof invoke !== 'function')
    throw new PropertyViolation('compile returned no graph with an invoke function', doc);
  return { kind: 'compiled', compiled, document: validation.document };
}
