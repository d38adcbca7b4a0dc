import { describe, expect, it } from 'vitest';
import { stateCompletions } from './state-completion.js';

const options = [
  { name: 'triage', type: 'string', writtenBy: 'Triage', upstream: true },
  { name: 'input', type: 'string', writtenBy: 'Start', upstream: true },
  { name: 'tech_reply', type: 'string', writtenBy: 'Tech reply', upstream: false },
];

describe('{{ state. completion', () => {
  it('offers channels after `state.`, filtered by what is typed, upstream first as given', () => {
    expect(stateCompletions('Classify {{ state.', options)?.map((c) => c.name)).toEqual([
      'triage',
      'input',
      'tech_reply',
    ]);
    expect(stateCompletions('{{ state.t', options)).toEqual([
      { name: 'triage', detail: 'string · from Triage', sort: '0000' },
      { name: 'tech_reply', detail: 'string · written by Tech reply', sort: '0001' },
    ]);
    expect(stateCompletions('{{ estate.', options)).toBeUndefined();
    expect(stateCompletions('plain text', options)).toBeUndefined();
  });
});
