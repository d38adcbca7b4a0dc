import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { EvaluatorRegistry, isEvaluator } from '@flowcraft/node-types/evaluators';

/**
 * Custom evaluators from modules (paths or package names): every export made with
 * `defineEvaluator` is registered. Throws when a module exports none or two share a name.
 */
export async function loadEvaluatorModules(specs: readonly string[], cwd = process.cwd()): Promise<EvaluatorRegistry> {
  const registry = new EvaluatorRegistry();
  for (const spec of specs) {
    const target = spec.startsWith('.') || spec.startsWith('/') ? pathToFileURL(resolve(cwd, spec)).href : spec;
    const mod: Record<string, unknown> = await import(target);
    const found = Object.values(mod).filter(isEvaluator);
    if (found.length === 0) throw new Error(`${spec} exports no evaluator (made with defineEvaluator)`);
    for (const e of found) registry.register(e);
  }
  return registry;
}
