import { Suspense, lazy, useEffect } from 'react';
import { useRoute } from './controllers/navigation.js';
import { useUi } from './stores/app-stores.js';
import { WorkflowsPage } from './workflows/WorkflowsPage.js';
import { Toasts } from './ui/Toasts.js';
import { DialogHost } from './ui/DialogHost.js';

/** The editor (React Flow, canvas, debugger) is a chunk of its own: the list page does not wait for it. */
const EditorPage = lazy(() => import('./pages/EditorPage.js').then((m) => ({ default: m.EditorPage })));

export function App() {
  const route = useRoute();
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <>
      {route.page === 'editor' ? (
        <Suspense fallback={<div className="page" data-testid="editor-loading" />}>
          <EditorPage key={route.workflowId} workflowId={route.workflowId} version={route.version} />
        </Suspense>
      ) : (
        <WorkflowsPage />
      )}
      <Toasts />
      <DialogHost />
    </>
  );
}
