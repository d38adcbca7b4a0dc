import { describe, expect, it } from 'vitest';
import type { StateStorage } from 'zustand/middleware';
import { createRunInputsStore } from './run-inputs-store.js';

function storage(): StateStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('run inputs', () => {
  it('keeps drafts and named inputs per workflow, and reads them back in a new page', () => {
    const s = storage();
    const store = createRunInputsStore(s);
    store.getState().setDraft('w1', { input: 'typed so far' });
    store.getState().save('w1', 'refund', { input: 'I want a refund' });
    store.getState().save('w1', 'bug', { input: 'The app crashes' });
    store.getState().remove('w1', 'bug');
    const again = createRunInputsStore(s);
    expect(again.getState().drafts).toEqual({ w1: { input: 'typed so far' } });
    expect(again.getState().saved).toEqual({ w1: { refund: { input: 'I want a refund' } } });
  });
});
