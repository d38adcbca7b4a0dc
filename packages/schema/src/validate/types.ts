import type { CatalogEntry, ResolvedPorts } from '../catalog.js';
import type { WorkflowEdge, WorkflowNode } from '../workflow.js';

/** A JSON path into the validated input document. */
export type JsonPath = (string | number)[];

/** A node that passed the shape check, with its position in the input `nodes` array. */
export interface IndexedNode {
  index: number;
  node: WorkflowNode;
}

/** An edge that passed the shape check, with its position in the input `edges` array. */
export interface IndexedEdge {
  index: number;
  edge: WorkflowEdge;
}

/** What the validator learned about one node from the catalog. */
export interface NodeInfo {
  /** Position in the input `nodes` array. */
  index: number;
  node: WorkflowNode;
  /** Human name for messages: `"Label" (id)` or `"id"`. */
  name: string;
  /** The catalog entry, when the type is known and the entry is well formed. */
  entry?: CatalogEntry;
  /** The config after migration and checking; absent when it was rejected. */
  config?: Record<string, unknown>;
  /** Ports resolved from the checked config. */
  ports?: ResolvedPorts;
  /** Channels read and written, from the checked config. */
  reads?: string[];
  writes?: string[];
}
