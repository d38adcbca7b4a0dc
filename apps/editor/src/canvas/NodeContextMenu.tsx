import { useEffect } from 'react';
import { rerunNode } from '../controllers/debug-controller.js';
import { breakpointsStore, useBreakpoints, useRun, useTimeline } from '../stores/app-stores.js';

export interface MenuAt {
  nodeId: string;
  x: number;
  y: number;
}

/** Right-click menu of a node: breakpoints and "rerun from this node". */
export function NodeContextMenu({ at, onClose }: { at: MenuAt; onClose: () => void }) {
  const before = useBreakpoints((s) => s.before.includes(at.nodeId));
  const after = useBreakpoints((s) => s.after.includes(at.nodeId));
  const threadId = useRun((s) => s.run?.threadId);
  const selected = useTimeline((s) => s.selectedId);
  useEffect(() => {
    const close = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [onClose]);
  const act = (fn: () => void) => () => {
    fn();
    onClose();
  };
  return (
    <div
      className="context-menu card"
      style={{ left: at.x, top: at.y }}
      data-testid="node-menu"
      data-node-id={at.nodeId}
      onMouseDown={(e) => e.stopPropagation()}
      role="menu"
    >
      <button
        type="button"
        role="menuitemcheckbox"
        aria-checked={before}
        className="menu-item"
        data-testid="menu-break-before"
        onClick={act(() => breakpointsStore.getState().toggle(at.nodeId, 'before'))}
      >
        <span className={`bp-mark${before ? ' on' : ''}`} /> Pause before
      </button>
      <button
        type="button"
        role="menuitemcheckbox"
        aria-checked={after}
        className="menu-item"
        data-testid="menu-break-after"
        onClick={act(() => breakpointsStore.getState().toggle(at.nodeId, 'after'))}
      >
        <span className={`bp-mark${after ? ' on' : ''}`} /> Pause after
      </button>
      <button
        type="button"
        role="menuitem"
        className="menu-item"
        data-testid="menu-rerun"
        disabled={!threadId}
        title={
          threadId
            ? 'Continue from the checkpoint just before this node; upstream results are reused'
            : 'Run the workflow first'
        }
        onClick={act(() => void rerunNode(at.nodeId, selected))}
      >
        ↻ Rerun from this node
      </button>
    </div>
  );
}
