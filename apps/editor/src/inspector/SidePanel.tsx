import { uiStore, useDocument, useProblems, useUi } from '../stores/app-stores.js';
import type { SideTab } from '../stores/ui-store.js';
import { RunPanel } from '../run/RunPanel.js';
import { DebugPanel } from '../debug/DebugPanel.js';
import { PlaygroundPanel } from '../playground/PlaygroundPanel.js';
import { Inspector } from './Inspector.js';
import { ProblemsPanel } from './ProblemsPanel.js';
import { VersionsPanel } from './VersionsPanel.js';

const TABS: { id: SideTab; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'run', label: 'Run' },
  { id: 'playground', label: 'Chat' },
  { id: 'debug', label: 'Debug' },
  { id: 'problems', label: 'Problems' },
  { id: 'versions', label: 'Versions' },
];

export function SidePanel() {
  const tab = useUi((s) => s.tab);
  const errors = useProblems((s) => s.index.errors);
  const workflowId = useDocument((s) => s.workflowId);
  return (
    <aside className="side-panel nokey" data-testid="side-panel">
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            type="button"
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={`tab${tab === t.id ? ' active' : ''}`}
            data-testid={`tab-${t.id}`}
            onClick={() => uiStore.getState().setTab(t.id)}
          >
            {t.label}
            {t.id === 'problems' && errors > 0 && <span className="tab-count">{errors}</span>}
          </button>
        ))}
      </nav>
      <div className="side-body">
        {tab === 'inspector' && <Inspector />}
        {tab === 'run' && <RunPanel />}
        {tab === 'playground' && <PlaygroundPanel />}
        {tab === 'debug' && <DebugPanel />}
        {tab === 'problems' && <ProblemsPanel />}
        {tab === 'versions' && workflowId && <VersionsPanel workflowId={workflowId} />}
      </div>
    </aside>
  );
}
