import type { ModelScript } from '@flowcraft/schema';
import { sleep } from '@flowcraft/node-types';
import type { FetchLike, NodeServices } from '@flowcraft/node-types';
import { createModelFactory } from '../models/model-factory.js';
import type { EngineModelFactory } from '../models/model-factory.js';

export interface RunServices extends NodeServices {
  models: EngineModelFactory;
}

/** Services for one run: models (scripted from the document's script, or real providers), fetch, clock. */
export function createRunServices(opts: { script?: ModelScript; env?: Record<string, string | undefined>; fetch?: FetchLike } = {}): RunServices {
  return {
    models: createModelFactory({ script: opts.script, env: opts.env }),
    fetch: opts.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: () => Date.now(),
    sleep,
  };
}
