import type { AssertionTarget } from '@flowcraft/schema';
import type { EvaluationSubject } from './subject.js';

/** The value a value assertion reads: `target` (output or final state), then a dotted `path` into it. */
export function readTarget(
  subject: EvaluationSubject,
  target: AssertionTarget,
  path: string | undefined,
): { found: boolean; value: unknown; where: string } {
  let value: unknown = target === 'output' ? subject.output : subject.state;
  const where = path ? `${target}.${path}` : target;
  if (!path) return { found: value !== null && value !== undefined, value, where };
  for (const key of path.split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else if (value !== null && typeof value === 'object' && Object.hasOwn(value, key)) value = Reflect.get(value, key);
    else return { found: false, value: undefined, where };
  }
  return { found: value !== undefined, value, where };
}

/** A value shown in a reason: JSON, cut at 200 characters. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The value as JSON sees it (class instances and null-prototype objects become plain objects), for comparisons. */
export function plain(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return value;
  }
}
