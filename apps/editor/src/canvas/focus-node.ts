import type { ReactFlowInstance } from '@xyflow/react';
import { documentStore, uiStore } from '../stores/app-stores.js';
import type { FlowNode } from './flow-types.js';
import { sizes } from './node-sizes.js';

/** Select a node, show it in the inspector and centre the canvas on it. */
export function focusNode(
  rf: ReactFlowInstance<FlowNode>,
  nodeId: string,
  tab: 'inspector' | 'run' = 'inspector',
): void {
  const node = documentStore.getState().doc.nodes.find((n) => n.id === nodeId);
  if (!node) return;
  documentStore.getState().select({ nodes: [nodeId], edges: [] });
  uiStore.getState().setTab(tab);
  const size = sizes.get(nodeId) ?? { width: 220, height: 90 };
  void rf.setCenter(node.position.x + size.width / 2, node.position.y + size.height / 2, {
    zoom: Math.max(rf.getZoom(), 0.9),
    duration: 250,
  });
}
