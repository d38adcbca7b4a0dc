import { Ajv } from 'ajv';
import type { CodeOptions, ValidateFunction } from 'ajv';

type RegExpEngine = NonNullable<CodeOptions['regExp']>;
import type { z } from 'zod';
import type { JsonSchemaAssertion } from '@flowcraft/schema';
import { LinearRegExp } from '../sdk/linear-regexp.js';
import type { Verdict } from './define-evaluator.js';
import type { EvaluationSubject } from './subject.js';
import { readTarget, show } from './value-path.js';

/** `pattern` keywords run on the linear-time engine too, so a schema cannot stall the evaluation. */
const linear: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const re = new LinearRegExp(new RegExp(pattern, flags));
    return {
      test: (s: string) => {
        re.lastIndex = 0;
        return re.exec(s) !== null;
      },
    };
  },
  { code: 'linearRegExp' },
);

const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: linear } });
const cache = new Map<string, ValidateFunction>();

function compiled(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = cache.get(key);
  if (!fn) {
    fn = ajv.compile(schema);
    if (cache.size > 500) cache.clear();
    cache.set(key, fn);
  }
  return fn;
}

export function checkJsonSchema(subject: EvaluationSubject, a: z.infer<typeof JsonSchemaAssertion>): Verdict {
  const got = readTarget(subject, a.target, a.path);
  let validate: ValidateFunction;
  try {
    validate = compiled(a.schema);
  } catch (err) {
    return { pass: false, reason: `the JSON Schema is invalid: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (validate(got.value)) return { pass: true, reason: `${got.where} matches the JSON Schema` };
  const errors = (validate.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
    .join('; ');
  return { pass: false, reason: `${got.where} does not match the JSON Schema: ${errors} (got ${show(got.value)})` };
}
