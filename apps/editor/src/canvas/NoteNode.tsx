import { memo, useState } from 'react';
import type { NodeProps } from '@xyflow/react';
import { setNoteText } from '../model/annotation-ops.js';
import { documentStore } from '../stores/app-stores.js';
import type { NoteFlowNode } from './flow-types.js';

/** A sticky note: its Markdown source shown as written; double-click (or Enter) to edit, click away to keep. */
export const NoteNode = memo(function NoteNode({ id, data, selected }: NodeProps<NoteFlowNode>) {
  const { note, readOnly } = data;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(note.text);
  const commit = () => {
    setEditing(false);
    if (draft !== note.text) documentStore.getState().edit((d) => setNoteText(d, id, draft));
  };
  const edit = () => {
    if (readOnly) return;
    setDraft(note.text);
    setEditing(true);
  };
  return (
    <div
      className={`sticky-note note-${note.color}${selected ? ' selected' : ''}`}
      style={{ width: note.size.width, height: note.size.height }}
      data-testid="sticky-note"
      data-note-id={id}
    >
      {editing ? (
        <textarea
          className="note-editor nodrag nowheel nokey"
          aria-label="Note text (Markdown)"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setDraft(note.text);
              setEditing(false);
            }
          }}
          ref={(el) => el?.focus()}
          data-testid="note-editor"
        />
      ) : (
        <button
          type="button"
          className="note-text nowheel"
          data-testid="note-text"
          title={readOnly ? undefined : 'Double-click or press Enter to edit'}
          onDoubleClick={edit}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            edit();
          }}
        >
          {note.text || <span className="faint">Empty note</span>}
        </button>
      )}
    </div>
  );
});
