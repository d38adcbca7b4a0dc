import { useDocument } from '../stores/app-stores.js';
import { EdgeInspector } from './EdgeInspector.js';
import { NodeInspector } from './NodeInspector.js';
import { WorkflowInspector } from './WorkflowInspector.js';

/** What is selected: one node, one edge, or (nothing / several) the workflow itself. */
export function Inspector() {
  const nodes = useDocument((s) => s.selection.nodes);
  const edges = useDocument((s) => s.selection.edges);
  if (nodes.length === 1 && nodes[0]) return <NodeInspector key={nodes[0]} nodeId={nodes[0]} />;
  if (nodes.length === 0 && edges.length === 1 && edges[0]) return <EdgeInspector edgeId={edges[0]} />;
  return (
    <>
      {nodes.length + edges.length > 1 && (
        <div className="muted small selection-note" data-testid="multi-selection">
          {nodes.length} nodes and {edges.length} edges selected — Delete removes them, Ctrl+C / Ctrl+V copies them.
        </div>
      )}
      <WorkflowInspector />
    </>
  );
}
