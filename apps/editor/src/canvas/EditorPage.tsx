import { useCallback, useEffect, useRef, useState } from 'react';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { errorMessage } from '../api/http.js';
import { listNodeTypes } from '../api/workflows-api.js';
import { setLeaveGuard } from '../app/navigation.js';
import { pickUpLatestRun, stopFollowing } from '../app/run-controller.js';
import { catalogStore, confirmDialog, documentStore, runStore, useBreakpoints } from '../app/stores.js';
import { startDebugSync } from '../app/debug-controller.js';
import { DebugDock } from '../debug/DebugDock.js';
import { startValidation } from '../app/validation-controller.js';
import { openWorkflow } from '../app/workflow-actions.js';
import { isDirty } from '../stores/document-store.js';
import { SidePanel } from '../inspector/SidePanel.js';
import { Canvas } from './Canvas.js';
import { Palette } from './Palette.js';
import { Toolbar } from './Toolbar.js';
import { ReadOnlyBanner } from './ReadOnlyBanner.js';
import { useShortcuts } from './use-shortcuts.js';
import { sizes } from './node-sizes.js';

async function ensureCatalog(): Promise<void> {
  if (catalogStore.getState().catalog) return;
  try {
    catalogStore.getState().setTypes(await listNodeTypes());
  } catch (err) {
    catalogStore.getState().setError(errorMessage(err));
  }
}

function leaveGuard(): Promise<boolean> {
  if (!isDirty(documentStore.getState())) return Promise.resolve(true);
  return confirmDialog('Leave without saving?', 'This workflow has unsaved changes. They will be lost.', 'Discard changes', true);
}

function EditorBody({ workflowId, version }: { workflowId: string; version: number | undefined }) {
  const [state, setState] = useState<{ loading: boolean; error?: string }>({ loading: true });
  const rf = useReactFlow();
  const rfRef = useRef(rf);
  rfRef.current = rf;
  const fitView = useCallback(() => void rf.fitView({ padding: 0.2, maxZoom: 1.1, duration: 200 }), [rf]);
  useShortcuts(fitView);
  const debugMode = useBreakpoints((s) => s.debugMode);

  useEffect(() => {
    let alive = true;
    sizes.clear();
    runStore.getState().clear();
    setState({ loading: true });
    void (async () => {
      await ensureCatalog();
      const result = await openWorkflow(workflowId, version);
      if (!alive) return;
      setState(result.ok ? { loading: false } : { loading: false, error: result.message });
      if (result.ok) {
        // An empty canvas keeps the identity viewport (a queued fit would jump to the first dropped node).
        if (documentStore.getState().doc.nodes.length > 0) requestAnimationFrame(() => void rfRef.current.fitView({ padding: 0.2, maxZoom: 1.1 }));
        void pickUpLatestRun(workflowId);
      }
    })();
    return () => {
      alive = false;
    };
  }, [workflowId, version]);

  useEffect(() => {
    const stop = startValidation();
    const stopDebug = startDebugSync();
    setLeaveGuard(leaveGuard);
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (isDirty(documentStore.getState())) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      stop();
      stopDebug();
      setLeaveGuard(undefined);
      stopFollowing();
      window.removeEventListener('beforeunload', beforeUnload);
    };
  }, []);

  return (
    <div className="page editor" data-testid="editor-page" data-loading={state.loading}>
      <Toolbar onFitView={fitView} />
      <ReadOnlyBanner />
      <div className="editor-body">
        <Palette />
        <div className="canvas-wrap">
          <div className="canvas-area">
            {state.error ? (
              <div className="empty" data-testid="load-error">
                {state.error}
              </div>
            ) : (
              <Canvas />
            )}
          </div>
          {debugMode && <DebugDock />}
        </div>
        <SidePanel />
      </div>
    </div>
  );
}

export function EditorPage(props: { workflowId: string; version: number | undefined }) {
  return (
    <ReactFlowProvider>
      <EditorBody {...props} />
    </ReactFlowProvider>
  );
}
