import { NodeTypeRegistry } from '../sdk/registry.js';
import { agentNode } from './agent.js';
import { endNode } from './end.js';
import { humanNode } from './human.js';
import { llmNode } from './llm.js';
import { memoryNode } from './memory.js';
import { retrieveNode } from './retrieve.js';
import { parallelNode } from './parallel.js';
import { reflectionNode } from './reflection.js';
import { routerNode } from './router.js';
import { startNode } from './start.js';
import { toolNode } from './tool.js';
import { subworkflowConfig, subworkflowNode } from './subworkflow.js';
import { transformNode } from './transform.js';

export const builtinNodeTypes = [
  startNode,
  endNode,
  llmNode,
  agentNode,
  routerNode,
  parallelNode,
  reflectionNode,
  toolNode,
  humanNode,
  transformNode,
  subworkflowNode,
  memoryNode,
  retrieveNode,
];

/** A registry holding every built-in node type. */
export function createBuiltinRegistry(): NodeTypeRegistry {
  const registry = new NodeTypeRegistry();
  for (const t of builtinNodeTypes) registry.register(t);
  return registry;
}

export {
  agentNode,
  endNode,
  humanNode,
  llmNode,
  memoryNode,
  parallelNode,
  retrieveNode,
  reflectionNode,
  routerNode,
  startNode,
  subworkflowConfig,
  subworkflowNode,
  toolNode,
  transformNode,
};
