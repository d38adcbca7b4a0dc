import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TOAST_MS, createUiStore } from './ui-store.js';

describe('toasts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows one toast at a time and lets each expire', () => {
    const ui = createUiStore();
    ui.getState().toast('success', 'Saved version 2');
    ui.getState().toast('error', 'Save failed');
    expect(ui.getState().toasts.map((t) => t.text)).toEqual(['Save failed']);
    vi.advanceTimersByTime(TOAST_MS.error - 1);
    expect(ui.getState().toasts).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(ui.getState().toasts).toEqual([]);
  });
});
