import { uiStore, useUi } from '../stores/app-stores.js';

export function ThemeToggle() {
  const theme = useUi((s) => s.theme);
  return (
    <button
      type="button"
      className="btn ghost small"
      data-testid="theme-toggle"
      title="Switch between dark and light"
      onClick={() => uiStore.getState().setTheme(theme === 'dark' ? 'light' : 'dark')}
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
