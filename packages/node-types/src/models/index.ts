export {
  ScriptedChatModel,
  type ScriptedChatModelCallOptions,
  type ScriptedChatModelFields,
} from './scripted-chat-model.js';
export { createScriptedModels, SCRIPTED_PREFIX, type ScriptedModels } from './scripted-models.js';
export { ScriptCursor, type ScriptedCall, type ScriptedReplySource } from './script-cursor.js';
export { ScriptedModelError } from './scripted-model-error.js';
export { selectReply, lastHumanText, type SelectedReply } from './select-reply.js';
export { estimateTokens } from './scripted-output.js';
export type { ModelFactory, ModelRequest } from '../sdk/services.js';
