import { breakpointsStore, timelineStore, uiStore, useUi } from '../stores/app-stores.js';
import type { DockTab } from '../stores/ui-store.js';
import { CheckpointDetail } from './CheckpointDetail.js';
import { CompareView } from './CompareView.js';
import { EventScrubber } from './EventScrubber.js';
import { TimelineTree } from './TimelineTree.js';

const TABS: { id: DockTab; label: string }[] = [
  { id: 'timeline', label: 'Timeline' },
  { id: 'events', label: 'Events' },
  { id: 'compare', label: 'Compare' },
];

/** The debugger under the canvas: checkpoint timeline + detail, recorded events, run comparison. */
export function DebugDock() {
  const tab = useUi((s) => s.dockTab);
  return (
    <section className="debug-dock nokey" data-testid="debug-dock">
      <nav className="dock-tabs row">
        {TABS.map((t) => (
          <button
            type="button"
            key={t.id}
            className={`tab${tab === t.id ? ' active' : ''}`}
            data-testid={`dock-${t.id}`}
            onClick={() => uiStore.getState().setDockTab(t.id)}
          >
            {t.label}
          </button>
        ))}
        <span className="spacer" />
        <button
          type="button"
          className="btn ghost small"
          data-testid="close-debugger"
          title="Leave debug mode"
          onClick={() => {
            breakpointsStore.getState().setDebugMode(false);
            timelineStore.getState().select(undefined);
          }}
        >
          ✕
        </button>
      </nav>
      <div className="dock-body">
        {tab === 'timeline' && (
          <div className="dock-split">
            <TimelineTree />
            <CheckpointDetail />
          </div>
        )}
        {tab === 'events' && (
          <div className="dock-split">
            <EventScrubber />
            <CheckpointDetail />
          </div>
        )}
        {tab === 'compare' && <CompareView />}
      </div>
    </section>
  );
}
