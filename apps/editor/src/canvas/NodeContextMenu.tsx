import { useEffect } from 'react';
import { rerunNode } from '../controllers/debug-controller.js';
import { breakpointsStore, useBreakpoints, useDocument, useRun, useTimeline } from '../stores/app-stores.js';
import { copySelection, deleteSelection, duplicateSelection, groupSelection } from './editor-commands.js';

export interface MenuAt {
  nodeId: string;
  x: number;
  y: number;
}

/** Right-click menu of a node: duplicate, copy, delete, group; breakpoints; "rerun from this node". */
export function NodeContextMenu({ at, onClose }: { at: MenuAt; onClose: () => void }) {
  const before = useBreakpoints((s) => s.before.includes(at.nodeId));
  const after = useBreakpoints((s) => s.after.includes(at.nodeId));
  const threadId = useRun((s) => s.run?.threadId);
  const selected = useTimeline((s) => s.selectedId);
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
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
        role="menuitem"
        className="menu-item"
        data-testid="menu-duplicate"
        disabled={readOnly}
        onClick={act(duplicateSelection)}
      >
        ⧉ Duplicate <span className="menu-key">Ctrl+D</span>
      </button>
      <button
        type="button"
        role="menuitem"
        className="menu-item"
        data-testid="menu-copy"
        onClick={act(() => void copySelection())}
      >
        ⎘ Copy <span className="menu-key">Ctrl+C</span>
      </button>
      <button
        type="button"
        role="menuitem"
        className="menu-item"
        data-testid="menu-group"
        disabled={readOnly}
        onClick={act(groupSelection)}
      >
        ▭ Group selection
      </button>
      <button
        type="button"
        role="menuitem"
        className="menu-item danger-text"
        data-testid="menu-delete"
        disabled={readOnly}
        onClick={act(deleteSelection)}
      >
        ✕ Delete <span className="menu-key">Del</span>
      </button>
      <hr className="menu-sep" />
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
