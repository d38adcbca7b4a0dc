import { isRecord } from '@flowcraft/schema';
import { Annotation, messagesStateReducer } from '@langchain/langgraph';
import type { BaseChannel } from '@langchain/langgraph';
import type { Channel } from '@flowcraft/schema';

type Reducer = (a: unknown, b: unknown) => unknown;

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

const reducers: Record<Channel['reducer'], Reducer> = {
  replace: (_a, b) => b,
  append: (a, b) => [...asList(a), ...asList(b)],
  merge: (a, b) => (isRecord(a) && isRecord(b) ? { ...a, ...b } : b),
  sum: (a, b) => (typeof a === 'number' ? a : 0) + (typeof b === 'number' ? b : 0),
  messages: (a, b) =>
    messagesStateReducer(
      asList(a) as Parameters<typeof messagesStateReducer>[0],
      asList(b) as Parameters<typeof messagesStateReducer>[1],
    ),
};

/** Value of a channel before anything wrote it. */
export function channelDefault(ch: Channel): unknown {
  if (ch.default !== undefined) return structuredClone(ch.default);
  switch (ch.reducer) {
    case 'append':
    case 'messages':
      return [];
    case 'merge':
      return {};
    case 'sum':
      return 0;
    default:
      return ch.type === 'list' || ch.type === 'messages' ? [] : null;
  }
}

/** Turn the document's channels into a LangGraph state definition (one reducer channel each). */
export function buildStateDefinition(channels: Record<string, Channel>): Record<string, BaseChannel> {
  const def: Record<string, BaseChannel> = {};
  for (const [name, ch] of Object.entries(channels)) {
    def[name] = Annotation<unknown>({ reducer: reducers[ch.reducer], default: () => channelDefault(ch) });
  }
  return def;
}
