import { Suspense, lazy, useEffect } from 'react';
import { EditorPage } from './pages/EditorPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { KnowledgePage } from './pages/KnowledgePage.js';
import { useRoute } from './controllers/navigation.js';
import { loadSession } from './controllers/session-controller.js';
import { useSession, useUi } from './stores/app-stores.js';
import { RecoveryPage } from './workflows/RecoveryPage.js';
import { WorkflowsPage } from './workflows/WorkflowsPage.js';
import { Toasts } from './ui/Toasts.js';
import { DialogHost } from './ui/DialogHost.js';

const EvaluationsPage = lazy(() => import('./pages/EvaluationsPage.js').then((m) => ({ default: m.EvaluationsPage })));

// The editor page is in the initial bundle on purpose: as a lazy chunk it made opening a 500-node workflow
// ~40% slower (bench/editor-canvas.ts: one more round trip before the canvas), and the whole page fits the
// 250 KiB budget (bench/editor-bundle.ts). Heavy parts stay lazy: Monaco, dagre, socket.io, Markdown.
// The account page (users, keys, audit) is rarely opened: a lazy chunk, outside the initial bundle's budget.
const AccountPage = lazy(() => import('./pages/AccountPage.js').then((m) => ({ default: m.AccountPage })));

export function App() {
  const route = useRoute();
  const theme = useUi((s) => s.theme);
  const session = useSession((s) => s.session);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    void loadSession().catch(() => undefined);
  }, []);
  if (session.status === 'loading') return null;
  if (session.status === 'signed-out')
    return (
      <>
        <LoginPage setup={session.setupRequired} />
        <Toasts />
      </>
    );
  return (
    <>
      {route.page === 'account' ? (
        <Suspense fallback={null}>
          <AccountPage />
        </Suspense>
      ) : route.page === 'editor' ? (
        <EditorPage
          key={`${route.workflowId}/${route.version ?? ''}/${route.runId ?? ''}`}
          workflowId={route.workflowId}
          version={route.version}
          {...(route.runId ? { runId: route.runId } : {})}
        />
      ) : route.page === 'evals' ? (
        <Suspense fallback={<div className="empty">Loading…</div>}>
          <EvaluationsPage key={route.workflowId} workflowId={route.workflowId} />
        </Suspense>
      ) : route.page === 'knowledge' ? (
        <KnowledgePage selected={route.knowledgeBaseId} />
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
