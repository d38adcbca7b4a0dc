import { uiStore, useUi } from '../stores/app-stores.js';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" data-testid="toasts">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast ${t.kind}`}
          data-testid={`toast-${t.kind}`}
          role="status"
          onClick={() => uiStore.getState().dismiss(t.id)}
        >
          {t.text}
        </div>
      ))}
    </div>
  );
}
