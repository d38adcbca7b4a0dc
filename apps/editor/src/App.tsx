import { useEffect } from 'react';
import { useRoute } from './controllers/navigation.js';
import { useUi } from './stores/app-stores.js';
import { WorkflowsPage } from './workflows/WorkflowsPage.js';
import { EditorPage } from './pages/EditorPage.js';
import { Toasts } from './ui/Toasts.js';
import { DialogHost } from './ui/DialogHost.js';

export function App() {
  const route = useRoute();
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <>
      {route.page === 'editor' ? (
        <EditorPage key={route.workflowId} workflowId={route.workflowId} version={route.version} />
      ) : (
        <WorkflowsPage />
      )}
      <Toasts />
      <DialogHost />
    </>
  );
}
