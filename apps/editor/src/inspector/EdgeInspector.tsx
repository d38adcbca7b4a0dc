import { documentStore, useDocument } from '../stores/app-stores.js';
import { removeElements } from '../model/document-ops.js';

export function EdgeInspector({ edgeId }: { edgeId: string }) {
  const edge = useDocument((s) => s.doc.edges.find((e) => e.id === edgeId));
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
  if (!edge) return null;
  const setLabel = (label: string) =>
    documentStore.getState().edit(
      (d) => ({
        ...d,
        edges: d.edges.map((e) => {
          if (e.id !== edgeId) return e;
          const { label: _old, ...rest } = e;
          return label ? { ...rest, label } : rest;
        }),
      }),
      `edge-label:${edgeId}`,
    );
  return (
    <div className="inspector" data-testid="edge-inspector">
      <h3>Edge {edge.id}</h3>
      <p className="muted small">
        {edge.source}
        {edge.sourceHandle ? ` (${edge.sourceHandle})` : ''} → {edge.target}
      </p>
      <div className="field">
        <label className="field-label" htmlFor="edge-label">
          Label
        </label>
        <input
          id="edge-label"
          className="input"
          value={edge.label ?? ''}
          readOnly={readOnly}
          onChange={(e) => setLabel(e.target.value)}
        />
      </div>
      {!readOnly && (
        <button
          type="button"
          className="btn small danger"
          onClick={() => documentStore.getState().edit((d) => removeElements(d, [], [edgeId]))}
        >
          Delete edge
        </button>
      )}
    </div>
  );
}
