import equal from 'fast-deep-equal';
import type { z } from 'zod';
import type { ContainsAssertion, EqualsAssertion, RegexAssertion } from '@flowcraft/schema';
import { LinearRegExp } from '../sdk/linear-regexp.js';
import type { Verdict } from './define-evaluator.js';
import type { EvaluationSubject } from './subject.js';
import { plain, readTarget, show } from './value-path.js';

export function checkEquals(subject: EvaluationSubject, a: z.infer<typeof EqualsAssertion>): Verdict {
  const got = readTarget(subject, a.target, a.path);
  if (equal(plain(got.value), plain(a.value))) return { pass: true, reason: `${got.where} equals ${show(a.value)}` };
  return { pass: false, reason: `${got.where}: expected ${show(a.value)}, got ${show(got.value)}` };
}

export function checkContains(subject: EvaluationSubject, a: z.infer<typeof ContainsAssertion>): Verdict {
  const got = readTarget(subject, a.target, a.path);
  if (typeof got.value === 'string') {
    if (typeof a.value !== 'string')
      return { pass: false, reason: `${got.where} is text; "contains" needs a text value, got ${show(a.value)}` };
    const hay = a.ignoreCase ? got.value.toLowerCase() : got.value;
    const needle = a.ignoreCase ? a.value.toLowerCase() : a.value;
    return hay.includes(needle)
      ? { pass: true, reason: `${got.where} contains ${show(a.value)}` }
      : { pass: false, reason: `${got.where} does not contain ${show(a.value)}: got ${show(got.value)}` };
  }
  if (Array.isArray(got.value)) {
    return got.value.some((item) => equal(plain(item), plain(a.value)))
      ? { pass: true, reason: `${got.where} has an element equal to ${show(a.value)}` }
      : { pass: false, reason: `${got.where} has no element equal to ${show(a.value)}: got ${show(got.value)}` };
  }
  return { pass: false, reason: `${got.where} is neither text nor a list: got ${show(got.value)}` };
}

export function checkRegex(subject: EvaluationSubject, a: z.infer<typeof RegexAssertion>): Verdict {
  const got = readTarget(subject, a.target, a.path);
  if (typeof got.value !== 'string') return { pass: false, reason: `${got.where} is not text: got ${show(got.value)}` };
  let re: LinearRegExp;
  try {
    const inline = (a.flags ?? '').replace(/u/g, '');
    re = new LinearRegExp(inline ? `(?${inline})${a.pattern}` : a.pattern);
  } catch (err) {
    return {
      pass: false,
      reason: `pattern /${a.pattern}/ cannot be used: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  return re.exec(got.value)
    ? { pass: true, reason: `${got.where} matches /${a.pattern}/` }
    : { pass: false, reason: `${got.where} does not match /${a.pattern}/: got ${show(got.value)}` };
}
