import { Suspense, lazy, useEffect } from 'react';
import { useRoute } from './controllers/navigation.js';
import { useUi } from './stores/app-stores.js';
import { WorkflowsPage } from './workflows/WorkflowsPage.js';
import { Toasts } from './ui/Toasts.js';
import { DialogHost } from './ui/DialogHost.js';

/** The editor (React Flow, canvas, debugger) is a chunk of its own: the list page does not wait for it. */
const loadEditor = () => import('./pages/EditorPage.js').then((m) => ({ default: m.EditorPage }));
// Opened on a workflow: fetch the editor chunk at once, beside React's first render.
const early = typeof location !== 'undefined' && location.hash.startsWith('#/w/') ? loadEditor() : undefined;
const EditorPage = lazy(() => early ?? loadEditor());

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
