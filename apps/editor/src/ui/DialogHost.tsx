import { useEffect, useRef, useState } from 'react';
import { uiStore, useUi } from '../stores/app-stores.js';

/** The one modal dialog: confirm or prompt (see `confirmDialog` / `promptDialog`). */
export function DialogHost() {
  const dialog = useUi((s) => s.dialog);
  const [value, setValue] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const okRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    setValue(dialog?.input ?? '');
    requestAnimationFrame(() => (dialog?.input !== undefined ? inputRef.current?.select() : okRef.current?.focus()));
  }, [dialog]);
  if (!dialog) return null;
  const close = (result: string | false) => {
    uiStore.getState().openDialog(undefined);
    dialog.resolve(result);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog cancels it; Escape and Cancel do so by keyboard
    <div className="modal-backdrop" onMouseDown={() => close(false)}>
      <div
        className="modal"
        role="dialog"
        aria-label={dialog.title}
        data-testid="dialog"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <h2>{dialog.title}</h2>
        {dialog.message && <p className="muted">{dialog.message}</p>}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (dialog.input !== undefined && value.trim() === '') return;
            close(dialog.input !== undefined ? value.trim() : 'ok');
          }}
        >
          {dialog.input !== undefined && (
            <input
              ref={inputRef}
              className="input"
              data-testid="dialog-input"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && close(false)}
            />
          )}
          <div className="row modal-actions">
            <span className="spacer" />
            <button type="button" className="btn" data-testid="dialog-cancel" onClick={() => close(false)}>
              Cancel
            </button>
            <button
              ref={okRef}
              type="submit"
              className={`btn ${dialog.danger ? 'danger solid' : 'primary'}`}
              data-testid="dialog-confirm"
            >
              {dialog.confirmLabel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
