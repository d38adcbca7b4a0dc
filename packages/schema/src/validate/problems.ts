import type { Problem, ProblemCode } from '../problem.js';
import type { JsonPath } from './types.js';

export interface ProblemRefs {
  nodeId?: string;
  edgeId?: string;
}

/** Build an error problem. */
export function error(code: ProblemCode, path: JsonPath, message: string, refs: ProblemRefs = {}): Problem {
  return withRefs({ path, code, message, severity: 'error' }, refs);
}

/** Build a warning problem (does not make the document invalid). */
export function warning(code: ProblemCode, path: JsonPath, message: string, refs: ProblemRefs = {}): Problem {
  return withRefs({ path, code, message, severity: 'warning' }, refs);
}

function withRefs(problem: Problem, refs: ProblemRefs): Problem {
  if (refs.nodeId !== undefined) problem.nodeId = refs.nodeId;
  if (refs.edgeId !== undefined) problem.edgeId = refs.edgeId;
  return problem;
}

/** Convert a zod issue path (which may hold symbols) to a JSON path. */
export function toJsonPath(path: readonly PropertyKey[]): JsonPath {
  return path.map((p) => (typeof p === 'symbol' ? String(p) : p));
}

/** Message text of an unknown thrown value. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return 'unknown error';
  }
}
