import { uiStore, useUi } from '../stores/app-stores.js';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} data-testid={`toast-${t.kind}`} role="status">
          {t.text}
          <button
            type="button"
            className="toast-close"
            aria-label="Dismiss"
            onClick={() => uiStore.getState().dismiss(t.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
