import { Suspense, lazy, memo, useEffect, useState } from 'react';
import type { NodeProps } from '@xyflow/react';
import { setNoteText } from '../model/annotation-ops.js';
import { documentStore } from '../stores/app-stores.js';
import { canvasUi, useCanvasUi } from './canvas-ui.js';
import type { NoteFlowNode } from './flow-types.js';

// The Markdown parser is a chunk of its own, loaded once a workflow has notes.
const NoteMarkdown = lazy(() => import('./NoteMarkdown.js').then((m) => ({ default: m.NoteMarkdown })));

/** A sticky note: its Markdown rendered; double-click it (or its ✎ button) to edit the source, click away to keep. */
export const NoteNode = memo(function NoteNode({ id, data, selected }: NodeProps<NoteFlowNode>) {
  const { note, readOnly } = data;
  const editing = useCanvasUi((s) => s.editingNote === id) && !readOnly;
  const [draft, setDraft] = useState(note.text);
  useEffect(() => {
    if (editing) setDraft(note.text);
  }, [editing, note.text]);
  const stop = () => canvasUi.getState().set({ editingNote: undefined });
  const commit = () => {
    stop();
    if (draft !== note.text) documentStore.getState().edit((d) => setNoteText(d, id, draft));
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
            if (e.key === 'Escape') stop();
          }}
          ref={(el) => el?.focus()}
          data-testid="note-editor"
        />
      ) : (
        <>
          <div className="note-text nowheel" data-testid="note-text">
            {note.text ? (
              <Suspense fallback={<span className="note-source">{note.text}</span>}>
                <NoteMarkdown text={note.text} />
              </Suspense>
            ) : (
              <span className="faint">Empty note</span>
            )}
          </div>
          {!readOnly && (
            <button
              type="button"
              className="note-edit"
              aria-label="Edit note"
              title="Edit (or double-click the note)"
              onClick={() => canvasUi.getState().set({ editingNote: id })}
            >
              ✎
            </button>
          )}
        </>
      )}
    </div>
  );
});
