import type { BaseMessage } from '@langchain/core/messages';
import type { ModelScript, ScriptedReply, ScriptedRule } from '@flowcraft/schema';
import type { ScriptCursor, ScriptedReplySource } from './script-cursor.js';

export interface SelectedReply {
  reply: ScriptedReply;
  source: ScriptedReplySource;
}

/** Text of the last human message, or of the last message when there is none. */
export function lastHumanText(messages: readonly BaseMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m !== undefined && m.getType() === 'human') return m.text;
  }
  return messages.at(-1)?.text ?? '';
}

function ruleMatches(rule: ScriptedRule, nodeId: string, text: string): boolean {
  if (rule.node !== undefined && rule.node !== nodeId) return false;
  if (rule.whenContains !== undefined && !text.toLowerCase().includes(rule.whenContains.toLowerCase())) return false;
  return true;
}

/**
 * Picks the reply for one call from `nodeId`, following the lookup order documented on
 * `ModelScript`: node replies (in order, last repeats), first matching rule, default, echo.
 */
export function selectReply(
  script: ModelScript,
  cursor: ScriptCursor,
  nodeId: string,
  messages: readonly BaseMessage[],
): SelectedReply {
  const nodeReplies = script.nodes?.[nodeId];
  if (nodeReplies !== undefined && nodeReplies.length > 0) {
    const reply = nodeReplies[cursor.takeReplyIndex(nodeId, nodeReplies.length)];
    if (reply !== undefined) return { reply, source: 'node' };
  }
  const text = lastHumanText(messages);
  const rule = script.rules?.find((r) => ruleMatches(r, nodeId, text));
  if (rule !== undefined) return { reply: rule.reply, source: 'rule' };
  if (script.default !== undefined) return { reply: script.default, source: 'default' };
  return { reply: { content: text }, source: 'echo' };
}
