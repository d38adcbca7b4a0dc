import { navigate } from '../controllers/navigation.js';
import { backTo, useTrail } from '../controllers/subworkflow-trail.js';
import {
  breakpointsStore,
  documentStore,
  timelineStore,
  uiStore,
  useBreakpoints,
  useDocument,
  useProblems,
  useCan,
  useRun,
} from '../stores/app-stores.js';
import { UserMenu } from '../ui/UserMenu.js';
import { saveCurrent } from '../controllers/workflow-actions.js';
import { isDirty } from '../stores/document-store.js';
import { ThemeToggle } from '../ui/ThemeToggle.js';
import { layoutAll } from './editor-commands.js';
import { useViewPrefs, viewPrefs } from './view-prefs.js';

export function Toolbar({ onFitView }: { onFitView: () => void }) {
  const name = useDocument((s) => s.doc.name);
  const trail = useTrail(useDocument((s) => s.workflowId) ?? '');
  const dirty = useDocument(isDirty);
  const version = useDocument((s) => s.version);
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
  const canUndo = useDocument((s) => s.past.length > 0);
  const canRedo = useDocument((s) => s.future.length > 0);
  const errors = useProblems((s) => s.index.errors);
  const runStatus = useRun((s) => s.run?.status);
  const workflowId = useDocument((s) => s.workflowId);
  const debugMode = useBreakpoints((s) => s.debugMode);
  const canWrite = useCan('workflows:write');
  const canDebug = useCan('debug');
  const store = documentStore.getState();
  const palette = useViewPrefs((s) => s.palette);
  const side = useViewPrefs((s) => s.side);
  return (
    <header className="topbar">
      <button
        type="button"
        className="brand btn ghost"
        onClick={() => navigate({ page: 'list' })}
        data-testid="back-to-list"
        title="All workflows"
      >
        <span className="logo" /> Flowcraft
      </button>
      <span className="faint">/</span>
      {trail.length > 0 && (
        <nav className="row subworkflow-trail" aria-label="Calling workflows" data-testid="subworkflow-breadcrumb">
          {trail.map((step, i) => (
            <span key={`${step.workflowId}-${i}`} className="row">
              <button
                type="button"
                className="btn ghost small truncate"
                data-testid={`breadcrumb-${i}`}
                title={`Back to ${step.name}`}
                onClick={() => backTo(i)}
              >
                {step.name}
              </button>
              <span className="faint">›</span>
            </span>
          ))}
        </nav>
      )}
      <h1 className="wf-name truncate" data-testid="workflow-title" title={name}>
        {name}
      </h1>
      {dirty && (
        <span className="dirty-dot" data-testid="dirty-marker" title="Unsaved changes">
          ● unsaved
        </span>
      )}
      <span className="faint small" data-testid="workflow-version">
        v{version}
      </span>
      <span className="spacer" />
      <div className="row toolbar-group">
        <button
          type="button"
          className="btn ghost small"
          aria-pressed={palette}
          onClick={() => viewPrefs.getState().toggle('palette')}
          data-testid="toggle-palette"
          title={palette ? 'Hide the node palette' : 'Show the node palette'}
        >
          <span aria-hidden="true">◧</span>
          <span className="sr-only">Node palette</span>
        </button>
        <button
          type="button"
          className="btn ghost small"
          aria-pressed={side}
          onClick={() => viewPrefs.getState().toggle('side')}
          data-testid="toggle-side"
          title={side ? 'Hide the side panel' : 'Show the side panel'}
        >
          <span aria-hidden="true">◨</span>
          <span className="sr-only">Side panel</span>
        </button>
      </div>
      <div className="row toolbar-group">
        <button
          type="button"
          className="btn ghost small"
          disabled={!canUndo}
          onClick={store.undo}
          data-testid="undo"
          title="Undo (Ctrl+Z)"
        >
          ↶ <span className="btn-word">Undo</span>
        </button>
        <button
          type="button"
          className="btn ghost small"
          disabled={!canRedo}
          onClick={store.redo}
          data-testid="redo"
          title="Redo (Ctrl+Shift+Z)"
        >
          ↷ <span className="btn-word">Redo</span>
        </button>
        <button
          type="button"
          className="btn ghost small"
          disabled={readOnly}
          onClick={() => void layoutAll(onFitView)}
          data-testid="auto-layout"
          title="Auto-layout (Ctrl+Shift+L)"
        >
          ⇶ <span className="btn-word">Layout</span>
        </button>
        <button
          type="button"
          className="btn ghost small"
          onClick={onFitView}
          data-testid="fit-view"
          title="Fit view (F)"
        >
          ⤢ <span className="btn-word">Fit</span>
        </button>
      </div>
      <button
        type="button"
        className={`btn small ${errors > 0 ? 'danger' : ''}`}
        onClick={() => uiStore.getState().setTab('problems')}
        data-testid="problems-count"
        title="Validation problems"
      >
        {errors > 0 ? `⚠ ${errors} problem${errors === 1 ? '' : 's'}` : '✓ valid'}
      </button>
      <UserMenu />
      <ThemeToggle />
      <button
        type="button"
        className="btn small"
        onClick={() => uiStore.getState().setTab('run')}
        data-testid="open-run-panel"
      >
        ▶ Run{runStatus ? ` · ${runStatus}` : ''}
      </button>
      <button
        type="button"
        className="btn small"
        data-testid="open-evals"
        title="Test cases, datasets and experiments of this workflow"
        disabled={!workflowId}
        onClick={() => workflowId && navigate({ page: 'evals', workflowId })}
      >
        Tests
      </button>
      <button
        type="button"
        className={`btn small${debugMode ? ' active' : ''}`}
        aria-pressed={debugMode}
        disabled={!canDebug && !debugMode}
        data-testid="debug-toggle"
        title="Debug mode: breakpoints, stepping, checkpoint timeline"
        onClick={() => {
          breakpointsStore.getState().setDebugMode(!debugMode);
          if (debugMode) timelineStore.getState().select(undefined);
          else uiStore.getState().setTab('debug');
          // The canvas changes height with the dock.
          setTimeout(onFitView, 50);
        }}
      >
        Debug
      </button>
      <button
        type="button"
        className="btn primary small"
        disabled={readOnly || !dirty || !canWrite}
        onClick={() => void saveCurrent()}
        data-testid="save"
        title={canWrite ? 'Save (Ctrl+S)' : 'Your role cannot save workflows (read only)'}
      >
        Save
      </button>
    </header>
  );
}
