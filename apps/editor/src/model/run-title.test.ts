import { describe, expect, it } from 'vitest';
import { runTitle } from './run-title.js';
import { STATUS_WORDS, statusWord } from './status-words.js';

describe('words a person understands', () => {
  it('names a run by workflow, start time and first input', () => {
    const title = runTitle(
      {
        createdAt: '2026-12-04T14:02:00Z',
        input: { input: '  I was charged\ntwice this month, and the refund never came back ' },
      },
      'Support triage',
      'en-GB',
    );
    expect(title).toMatch(/^Support triage · 4 Dec, \d\d:02 · “I was charged twice this month, and the…”$/);
    expect(runTitle({ createdAt: 'nope', input: {} }, 'W')).toBe('W');
  });

  it('says the same word for a status everywhere', () => {
    expect(STATUS_WORDS.interrupted).toBe('Waiting for you');
    expect(statusWord('interrupted')).toBe('Waiting for you');
    expect(statusWord('idle')).toBe('Not run');
    expect(statusWord('something-new')).toBe('something-new');
  });
});
