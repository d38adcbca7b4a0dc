import { useCallback, useEffect, useRef, useState } from 'react';
import { ReactFlowProvider, getViewportForBounds, useReactFlow, useStoreApi } from '@xyflow/react';
import type { WorkflowDocument } from '@flowcraft/schema';
import { errorMessage } from '../api/http.js';
import { listNodeTypes } from '../api/workflows-api.js';
import { getRun } from '../api/runs-api.js';
import { setLeaveGuard } from '../controllers/navigation.js';
import { pickUpLatestRun, stopFollowing } from '../controllers/run-controller.js';
import { catalogStore, confirmDialog, documentStore, runStore, toast, useBreakpoints } from '../stores/app-stores.js';
import { openRun, startDebugSync } from '../controllers/debug-controller.js';
import { DebugDock } from '../debug/DebugDock.js';
import { startValidation } from '../controllers/validation-controller.js';
import { openWorkflow } from '../controllers/workflow-actions.js';
import { isDirty } from '../stores/document-store.js';
import { SidePanel } from '../inspector/SidePanel.js';
import { Canvas } from '../canvas/Canvas.js';
import { Palette } from '../canvas/Palette.js';
import { Toolbar } from '../canvas/Toolbar.js';
import { ReadOnlyBanner } from '../canvas/ReadOnlyBanner.js';
import { useShortcuts } from '../canvas/use-shortcuts.js';
import { sizes } from '../canvas/node-sizes.js';
import { useViewPrefs } from '../canvas/view-prefs.js';
import { CommandPalette } from '../canvas/CommandPalette.js';

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
  return confirmDialog(
    'Leave without saving?',
    'This workflow has unsaved changes. They will be lost.',
    'Discard changes',
    true,
  );
}

const FIT = { padding: 0.2, maxZoom: 1.1, minZoom: 0.1 };

/**
 * The viewport that fits a document's nodes (measured sizes where known, else a card's usual size),
 * set before the nodes are first rendered: otherwise the cards around the origin are mounted, measured
 * and thrown away when the view is fitted a frame later.
 */
function fitBeforeShow(store: ReturnType<typeof useStoreApi>, doc: WorkflowDocument): boolean {
  const { width, height, panZoom } = store.getState();
  if (doc.nodes.length === 0 || !width || !height || !panZoom) return false;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of doc.nodes) {
    const s = sizes.get(n.id) ?? { width: 220, height: 90 };
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + s.width);
    y1 = Math.max(y1, n.position.y + s.height);
  }
  void panZoom.setViewport(
    getViewportForBounds(
      { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
      width,
      height,
      FIT.minZoom,
      FIT.maxZoom,
      FIT.padding,
    ),
  );
  return true;
}

function EditorBody({
  workflowId,
  version,
  runId,
}: {
  workflowId: string;
  version: number | undefined;
  runId?: string;
}) {
  const [state, setState] = useState<{ loading: boolean; error?: string }>({ loading: true });
  const rf = useReactFlow();
  const rfRef = useRef(rf);
  rfRef.current = rf;
  const store = useStoreApi();
  const fitView = useCallback(() => void rf.fitView({ padding: 0.2, maxZoom: 1.1, duration: 200 }), [rf]);
  useShortcuts(fitView);
  const debugMode = useBreakpoints((s) => s.debugMode);
  const palette = useViewPrefs((s) => s.palette);
  const side = useViewPrefs((s) => s.side);

  useEffect(() => {
    let alive = true;
    sizes.clear();
    runStore.getState().clear();
    setState({ loading: true });
    void (async () => {
      // The node catalog and the workflow are fetched side by side.
      let fitted = false;
      const result = await openWorkflow(workflowId, version, {
        ready: ensureCatalog(),
        beforeShow: (doc) => {
          if (alive) fitted = fitBeforeShow(store, doc);
        },
      });
      if (!alive) return;
      setState(result.ok ? { loading: false } : { loading: false, error: result.message });
      if (result.ok) {
        // An empty canvas keeps the identity viewport (a queued fit would jump to the first dropped node).
        if (!fitted && documentStore.getState().doc.nodes.length > 0)
          requestAnimationFrame(() => void rfRef.current.fitView({ padding: 0.2, maxZoom: 1.1 }));
        // A link to a run (an experiment's failing case) opens it in the debugger; otherwise the latest run.
        if (runId) void getRun(runId).then(openRun, (err: unknown) => toast('error', errorMessage(err)));
        else void pickUpLatestRun(workflowId);
      }
    })();
    return () => {
      alive = false;
    };
  }, [workflowId, version, runId, store]);

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
      <div className={`editor-body${palette ? '' : ' no-palette'}${side ? '' : ' no-side'}`}>
        {/* Hidden, not unmounted: a collapsed panel keeps what was typed into it. */}
        <div className="panel-slot" hidden={!palette}>
          <Palette />
        </div>
        <main className="canvas-wrap" aria-label="Canvas">
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
        </main>
        <div className="panel-slot" hidden={!side}>
          <SidePanel />
        </div>
      </div>
      <CommandPalette onFitView={fitView} />
    </div>
  );
}

export function EditorPage(props: { workflowId: string; version: number | undefined; runId?: string }) {
  return (
    <ReactFlowProvider>
      <EditorBody {...props} />
    </ReactFlowProvider>
  );
}
