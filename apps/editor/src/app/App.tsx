import { useEffect } from 'react';
import { useRoute } from './navigation.js';
import { useUi } from './stores.js';
import { WorkflowsPage } from '../workflows/WorkflowsPage.js';
import { EditorPage } from '../canvas/EditorPage.js';
import { RecoveryPage } from '../workflows/RecoveryPage.js';
import { Toasts } from '../ui/Toasts.js';
import { DialogHost } from '../ui/DialogHost.js';

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
      ) : route.page === 'recover' ? (
        <RecoveryPage key={route.workflowId} workflowId={route.workflowId} />
      ) : (
        <WorkflowsPage />
      )}
      <Toasts />
      <DialogHost />
    </>
  );
}
