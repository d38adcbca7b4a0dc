import type { z } from 'zod';
import type { ExpressionLimitsInput } from '../sdk/expression-limits.js';
import type { ModelFactory } from '../sdk/services.js';
import type { EvaluationSubject } from './subject.js';

/** What an evaluator returns; `score` defaults to 1 when passing, 0 when failing. */
export interface Verdict {
  pass: boolean;
  score?: number;
  reason: string;
}

/** Injected services: models (LLM judges), the expression budget, cancellation. */
export interface EvaluatorContext {
  models?: ModelFactory;
  expressionLimits?: ExpressionLimitsInput;
  signal?: AbortSignal;
}

export interface EvaluatorSpec<S extends z.ZodType> {
  /** Name a `custom` assertion refers to (`evaluator`), kebab-case, optionally `scope/name`. */
  name: string;
  description: string;
  /** The assertion's `config`, validated before `evaluate` sees it. */
  config: S;
  /** Short text for result tables; default the evaluator's name. */
  label?: (config: z.infer<S>) => string;
  evaluate: (subject: EvaluationSubject, config: z.infer<S>, ctx: EvaluatorContext) => Verdict | Promise<Verdict>;
}

export interface Evaluator<S extends z.ZodType = z.ZodType> extends EvaluatorSpec<S> {
  readonly kind: 'evaluator';
}

/**
 * Declare a custom evaluator: a name, a zod config and a pure `evaluate` over the finished run
 * (I/O only through `ctx`). Register it in an `EvaluatorRegistry`; test cases use it as
 * `{ "type": "custom", "evaluator": "<name>", "config": {…} }`.
 */
export function defineEvaluator<S extends z.ZodType>(spec: EvaluatorSpec<S>): Evaluator<S> {
  if (!/^[a-z][a-z0-9-]*(\/[a-z0-9-]+)?$/.test(spec.name))
    throw new Error(`Evaluator name "${spec.name}" must be lower-case kebab-case (optionally "scope/name")`);
  return { ...spec, kind: 'evaluator' };
}

export function isEvaluator(value: unknown): value is Evaluator {
  return (
    value !== null &&
    typeof value === 'object' &&
    Reflect.get(value, 'kind') === 'evaluator' &&
    typeof Reflect.get(value, 'name') === 'string' &&
    typeof Reflect.get(value, 'evaluate') === 'function'
  );
}

/** Custom evaluators by name; refuses duplicates. */
export class EvaluatorRegistry {
  private readonly byName = new Map<string, Evaluator>();

  constructor(evaluators: Evaluator[] = []) {
    for (const e of evaluators) this.register(e);
  }

  register(evaluator: Evaluator): void {
    if (this.byName.has(evaluator.name)) throw new Error(`Evaluator "${evaluator.name}" is already registered`);
    this.byName.set(evaluator.name, evaluator);
  }

  get(name: string): Evaluator | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
