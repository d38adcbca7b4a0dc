import { describe, expect, it } from 'vitest';
import { WorkflowDocument } from '@flowcraft/schema';
import type { RunInputField } from '../run/run-inputs.js';
import { chatMode, replyText } from './chat-mode.js';

const field = (channel: string, type: RunInputField['type'], required = true): RunInputField => ({
  channel,
  label: channel,
  description: undefined,
  required,
  type,
  initial: '',
});

const doc = WorkflowDocument.parse({
  id: 'w',
  name: 'W',
  nodes: [],
  state: { input: { type: 'string' }, answer: { type: 'string' }, chat: { type: 'messages', reducer: 'messages' } },
});

describe('playground chat mode', () => {
  it('chats through the one text input (or the one required one)', () => {
    expect(chatMode([field('input', 'string')])).toEqual({ channel: 'input', label: 'input' });
    expect(chatMode([field('q', 'string'), field('hint', 'string', false)])).toEqual({ channel: 'q', label: 'q' });
    expect(chatMode([field('a', 'string'), field('b', 'string')])).toBeUndefined();
    expect(chatMode([field('n', 'number')])).toBeUndefined();
  });

  it('answers with the last text channel that is not an input, else the last message', () => {
    expect(replyText({ input: 'hi', answer: 'hello!', other: null }, doc, ['input'])).toBe('hello!');
    const chat = [
      { lc: 1, type: 'constructor', id: ['HumanMessage'], kwargs: { content: 'hi' } },
      {
        lc: 1,
        type: 'constructor',
        id: ['AIMessage'],
        kwargs: { content: [{ type: 'text', text: 'from the model' }] },
      },
    ];
    expect(replyText({ input: 'hi', chat }, doc, ['input'])).toBe('from the model');
    expect(replyText({ input: 'hi' }, doc, ['input'])).toBeUndefined();
  });
});
