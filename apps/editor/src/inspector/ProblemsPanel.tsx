import { useReactFlow } from '@xyflow/react';
import { documentStore, useDocument, useDraftErrors, useProblems } from '../stores/app-stores.js';
import { focusNode } from '../canvas/focus-node.js';
import type { FlowNode } from '../canvas/flow-types.js';
import type { Problem } from '@flowcraft/schema';
import { declareChannel } from '../model/auto-channels.js';
import { unknownChannelName } from '../model/problem-index.js';

/** The one-click fix of a problem, where one is obvious (an undeclared channel: declare it). */
function fixFor(p: Problem) {
  const channel = unknownChannelName(p);
  if (!channel) return null;
  return (
    <button
      type="button"
      className="btn small fix"
      data-testid={`problem-fix-declare-${channel}`}
      onClick={() => documentStore.getState().edit((d) => declareChannel(d, channel, 'string'))}
    >
      Declare “{channel}”
    </button>
  );
}

/** Every validation problem; clicking one focuses its node (or edge); obvious fixes are one click away. */
export function ProblemsPanel() {
  const index = useProblems((s) => s.index);
  const drafts = useDraftErrors((s) => s.errors);
  const source = useProblems((s) => s.source);
  const doc = useDocument((s) => s.doc);
  const rf = useReactFlow<FlowNode>();
  const nodeOf = (
    nodeId: string | undefined,
    edgeId: string | undefined,
    path: readonly (string | number)[],
  ): string | undefined => {
    if (nodeId) return nodeId;
    if (path[0] === 'nodes' && typeof path[1] === 'number') return doc.nodes[path[1]]?.id;
    const edge = edgeId
      ? doc.edges.find((e) => e.id === edgeId)
      : path[0] === 'edges' && typeof path[1] === 'number'
        ? doc.edges[path[1]]
        : undefined;
    return edge?.source;
  };
  const draftList =
    drafts.size > 0 ? (
      <ul className="problem-list" data-testid="draft-errors">
        {[...drafts].map(([key, message]) => (
          <li key={key} className="problem-item error">
            <span className="pill error">blocks save</span>
            <span className="grow">{message}</span>
          </li>
        ))}
      </ul>
    ) : null;
  if (index.all.length === 0) {
    if (draftList) return <div className="problems-panel">{draftList}</div>;
    return (
      <div className="empty" data-testid="problems-empty">
        ✓ No problems{source === 'engine' ? ' (checked by the engine)' : ''}.
      </div>
    );
  }
  return (
    <div className="problems-panel">
      <div className="faint small">
        {index.errors} error(s), {index.warnings} warning(s) ·{' '}
        {source === 'engine' ? 'checked by the engine' : 'checked in the editor'}
      </div>
      {draftList}
      <ul className="problem-list" data-testid="problem-list">
        {index.all.map((p, i) => {
          const nodeId = nodeOf(p.nodeId, p.edgeId, p.path);
          const node = nodeId ? doc.nodes.find((n) => n.id === nodeId) : undefined;
          return (
            <li key={i}>
              <button
                type="button"
                className={`problem-item ${p.severity}`}
                data-testid="problem-item"
                data-node-id={nodeId ?? ''}
                data-code={p.code}
                onClick={() => {
                  if (p.edgeId && !p.nodeId) documentStore.getState().select({ nodes: [], edges: [p.edgeId] });
                  if (nodeId) focusNode(rf, nodeId);
                }}
              >
                <span className={`pill ${p.severity === 'warning' ? 'warn' : 'error'}`}>
                  {p.code.replace(/_/g, ' ')}
                </span>
                <span className="grow">
                  {node && <strong>{node.label || node.id}: </strong>}
                  {p.message}
                </span>
              </button>
              {fixFor(p)}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
