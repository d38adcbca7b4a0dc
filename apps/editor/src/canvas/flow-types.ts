import type { Edge, Node } from '@xyflow/react';
import type { NodeGroup, StickyNote, WorkflowNode } from '@flowcraft/schema';

export type FlowNodeData = { node: WorkflowNode };
export type FlowNode = Node<FlowNodeData, 'flow'>;
export type NoteFlowNode = Node<{ note: StickyNote; readOnly: boolean }, 'note'>;
export type GroupFlowNode = Node<{ group: NodeGroup }, 'frame'>;
/** Everything on the canvas: workflow nodes (cards), sticky notes and group frames. */
export type CanvasNode = FlowNode | NoteFlowNode | GroupFlowNode;
export type FlowEdgeData = {
  problems: boolean;
  /** A loop back to an earlier node, drawn in a lane clear of the cards. */
  back?: boolean;
  laneY?: number;
  /** Centre of the label, placed clear of cards and other labels. */
  labelAt?: { x: number; y: number };
};
export type FlowEdge = Edge<FlowEdgeData, 'flow'>;

/** MIME type of a palette item being dragged onto the canvas. */
export const NODE_TYPE_MIME = 'application/x-flowcraft-node-type';
