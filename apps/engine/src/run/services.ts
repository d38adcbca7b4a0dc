import type { ModelScript } from '@flowcraft/schema';
import { sleep } from '@flowcraft/node-types';
import type { FetchLike, NodeServices } from '@flowcraft/node-types';
import { createModelFactory } from '../models/model-factory.js';
import type { EngineModelFactory } from '../models/model-factory.js';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ModelEvents } from './model-events.js';

export interface RunServices extends NodeServices {
  models: EngineModelFactory;
  /** Token and usage callbacks, attached to every model this run creates. */
  modelEvents: ModelEvents;
}

/** Attach a handler to a model's own callbacks (kept through bindTools / withStructuredOutput). */
function withHandler(model: BaseChatModel, handler: ModelEvents): BaseChatModel {
  const cbs = model.callbacks;
  if (cbs === undefined) model.callbacks = [handler];
  else if (Array.isArray(cbs)) model.callbacks = [...cbs, handler];
  else cbs.addHandler(handler, false);
  return model;
}

/** Services for one run: models (scripted from the document's script, or real providers), fetch, clock. */
export function createRunServices(opts: { script?: ModelScript; env?: Record<string, string | undefined>; fetch?: FetchLike } = {}): RunServices {
  const models = createModelFactory({ script: opts.script, env: opts.env });
  const modelEvents = new ModelEvents();
  const cache = new Map<string, BaseChatModel>();
  return {
    models: {
      calls: models.calls,
      // One model object per (spec, node): creating LangChain models is not free, and they hold no per-call state.
      chat: (spec, req) => {
        const key = `${spec}\u0000${req.nodeId}`;
        let m = cache.get(key);
        if (!m) {
          m = withHandler(models.chat(spec, req), modelEvents);
          cache.set(key, m);
        }
        return m;
      },
    },
    modelEvents,
    fetch: opts.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: () => Date.now(),
    sleep,
  };
}
