import type { Edge, Node } from '@xyflow/react';
import type { WorkflowNode } from '@flowcraft/schema';

export type FlowNodeData = { node: WorkflowNode };
export type FlowNode = Node<FlowNodeData, 'flow'>;
export type FlowEdge = Edge;

/** MIME type of a palette item being dragged onto the canvas. */
export const NODE_TYPE_MIME = 'application/x-flowcraft-node-type';
