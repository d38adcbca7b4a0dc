import { describe, expect, it } from 'vitest';
import { createDraftErrorsStore } from './draft-errors-store.js';

describe('draft errors', () => {
  it('keeps one message per field until the field is fixed', () => {
    const store = createDraftErrorsStore();
    store.getState().set('settings.models', 'JSON: Unexpected end');
    store.getState().set('channel-default:x', 'not JSON');
    const before = store.getState().errors;
    store.getState().set('settings.models', 'JSON: Unexpected end');
    expect(store.getState().errors).toBe(before);
    store.getState().set('settings.models', undefined);
    expect([...store.getState().errors]).toEqual([['channel-default:x', 'not JSON']]);
    store.getState().clear();
    expect(store.getState().errors.size).toBe(0);
  });
});
