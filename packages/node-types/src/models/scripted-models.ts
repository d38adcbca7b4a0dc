import type { ModelScript } from '@flowcraft/schema';
import { FlowError } from '@flowcraft/schema';
import type { ModelFactory, ModelRequest } from '../sdk/services.js';
import { ScriptCursor, type ScriptedCall } from './script-cursor.js';
import { ScriptedChatModel } from './scripted-chat-model.js';

export const SCRIPTED_PREFIX = 'scripted:';

export interface ScriptedModels extends ModelFactory {
  chat(spec: string, req: ModelRequest): ScriptedChatModel;
  /** Every call made through this run's scripted models, in order. */
  readonly calls: ScriptedCall[];
}

/**
 * Model factory for one run with the scripted provider only. All models it creates share one
 * cursor, so a node's scripted replies advance across model instances and retries.
 */
export function createScriptedModels(script: ModelScript | undefined): ScriptedModels {
  const cursor = new ScriptCursor();
  const effective: ModelScript = script ?? {};
  return {
    calls: cursor.calls,
    chat(spec, req) {
      if (!spec.startsWith(SCRIPTED_PREFIX)) {
        throw new FlowError('model_error', `"${spec}" is not a scripted model; expected "scripted:<name>".`, {
          nodeId: req.nodeId,
        });
      }
      const name = spec.slice(SCRIPTED_PREFIX.length) || 'default';
      return new ScriptedChatModel({ script: effective, nodeId: req.nodeId, modelName: name, cursor });
    },
  };
}
