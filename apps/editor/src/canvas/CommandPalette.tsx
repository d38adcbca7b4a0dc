import { useMemo } from 'react';
import { useReactFlow } from '@xyflow/react';
import { saveCurrent } from '../controllers/workflow-actions.js';
import { documentStore, uiStore, useCatalog } from '../stores/app-stores.js';
import { addNodeOfType, viewportCenter } from './add-node.js';
import { canvasUi, useCanvasUi } from './canvas-ui.js';
import {
  addStickyNote,
  copySelection,
  deleteSelection,
  duplicateSelection,
  groupSelection,
  layoutAll,
  paste,
  selectAll,
} from './editor-commands.js';
import type { FlowNode } from './flow-types.js';
import { PickList } from './PickList.js';
import type { PickItem } from './PickList.js';
import { viewPrefs } from './view-prefs.js';

/** Ctrl+K (or /): add any node type at the middle of the view, or run an editor command, by keyboard. */
export function CommandPalette({ onFitView }: { onFitView: () => void }) {
  const open = useCanvasUi((s) => s.commandPalette);
  const catalog = useCatalog((s) => s.catalog);
  const rf = useReactFlow<FlowNode>();
  const items = useMemo((): PickItem[] => {
    const at = () => {
      const c = viewportCenter(rf);
      return { x: c.x - 110, y: c.y - 45 };
    };
    const cmd = (id: string, label: string, hint: string, run: () => void): PickItem => ({
      id,
      label,
      hint,
      group: 'Commands',
      run,
    });
    const add = (catalog?.descriptions ?? []).map(
      (t): PickItem => ({
        id: `add-${t.type}`,
        label: `Add ${t.title}`,
        hint: t.description,
        group: 'Add a node',
        run: () => void addNodeOfType(t.type, at(), { avoidCards: true }),
      }),
    );
    return [
      ...add,
      cmd('note', 'Add a sticky note', 'Markdown, stored with the workflow', () => addStickyNote(at())),
      cmd('group', 'Group the selected nodes', 'A frame that moves its nodes', groupSelection),
      cmd('save', 'Save', 'Ctrl+S', () => void saveCurrent()),
      cmd('layout', 'Arrange the graph', 'Ctrl+Shift+L', () => void layoutAll(onFitView)),
      cmd('fit', 'Fit the view', 'F', onFitView),
      cmd('undo', 'Undo', 'Ctrl+Z', () => documentStore.getState().undo()),
      cmd('redo', 'Redo', 'Ctrl+Shift+Z', () => documentStore.getState().redo()),
      cmd('copy', 'Copy the selection', 'Ctrl+C', () => void copySelection()),
      cmd('paste', 'Paste', 'Ctrl+V', () => paste()),
      cmd('duplicate', 'Duplicate the selection', 'Ctrl+D', duplicateSelection),
      cmd('delete', 'Delete the selection', 'Delete', deleteSelection),
      cmd('select-all', 'Select everything', 'Ctrl+A', selectAll),
      cmd('run', 'Open the run panel', 'Run with inputs', () => uiStore.getState().setTab('run')),
      cmd('problems', 'Show the problems', '', () => uiStore.getState().setTab('problems')),
      cmd('minimap', 'Show or hide the minimap', '', () => viewPrefs.getState().toggle('minimap')),
      cmd('palette', 'Show or hide the node palette', '', () => viewPrefs.getState().toggle('palette')),
      cmd('side', 'Show or hide the side panel', '', () => viewPrefs.getState().toggle('side')),
      cmd('theme', 'Switch dark / light', '', () =>
        uiStore.getState().setTheme(uiStore.getState().theme === 'dark' ? 'light' : 'dark'),
      ),
    ];
  }, [catalog, rf, onFitView]);
  if (!open) return null;
  const close = () => canvasUi.getState().set({ commandPalette: false });
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the palette closes it; Escape does so by keyboard
    <div className="command-backdrop" onMouseDown={close} role="presentation">
      <div
        className="command-palette card"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <PickList items={items} placeholder="Add a node or run a command…" onClose={close} testId="command-palette" />
      </div>
    </div>
  );
}
