import type { NodeCatalog } from './catalog.js';
import type { Problem } from './problem.js';
import { checkChannelDefinitions, checkChannelUse } from './validate/channels.js';
import { checkConcurrentWrites } from './validate/concurrent-writes.js';
import { buildGraph } from './validate/graph.js';
import { checkDuplicateIds, checkReservedNames } from './validate/ids.js';
import { checkLoops } from './validate/loops.js';
import { checkModels } from './validate/models.js';
import { checkNodes } from './validate/nodes.js';
import { checkPorts } from './validate/ports.js';
import { error, errorText } from './validate/problems.js';
import { checkReachability } from './validate/reachability.js';
import { checkRoles, findRoles } from './validate/roles.js';
import { parseShape } from './validate/shape.js';
import type { NodeInfo } from './validate/types.js';
import type { WorkflowDocument } from './workflow.js';

export type ValidationResult =
  | { ok: true; document: WorkflowDocument; problems: Problem[] /* warnings only */ }
  | { ok: false; document?: WorkflowDocument; problems: Problem[] };

/**
 * Validate a workflow document: shape (zod) and semantics (graph, ports, channels, loops).
 * Returns every problem; never throws. On success `document` holds parsed configs
 * (migrated to the current type version, defaults applied).
 *
 * When the document shape is invalid, the well-formed nodes, edges and channels are still
 * checked one by one; graph-wide checks (roles, reachability, loops, concurrent writes,
 * unconnected ports) run only when every node and edge is well formed, so that a malformed
 * node does not cause misleading follow-up problems.
 */
export function validateWorkflow(input: unknown, catalog: NodeCatalog): ValidationResult {
  const problems: Problem[] = [];
  try {
    return runChecks(input, catalog, problems);
  } catch (err) {
    // Only reachable for hostile input (throwing getters, proxies) or a validator bug.
    problems.push(error('schema', [], `The document could not be validated: ${errorText(err)}`));
    return { ok: false, problems };
  }
}

function runChecks(input: unknown, catalog: NodeCatalog, problems: Problem[]): ValidationResult {
  const shape = parseShape(input, problems);
  checkDuplicateIds(shape.nodes, shape.edges, problems);
  checkReservedNames(shape.nodes, shape.channelNames, problems);
  checkChannelDefinitions(shape.state, problems);

  const infos = checkNodes(shape.nodes, catalog, problems);
  if (shape.channelsKnown) checkChannelUse(infos, shape.channelNames, problems);
  checkModels(infos, shape.document?.settings, catalog.modelProviders, problems);

  const graph = buildGraph(infos, shape.edges, shape.nodeIds, problems);
  const roles = findRoles(graph);
  checkPorts(graph, shape.complete, problems);
  checkRoles(graph, roles, shape.complete, problems);
  if (shape.complete) {
    checkReachability(graph, roles, problems);
    checkConcurrentWrites(graph, roles.starts, shape.state, problems);
    checkLoops(graph, problems);
  }

  const document = shape.document ? withCheckedConfigs(shape.document, infos) : undefined;
  const failed = problems.some((p) => p.severity === 'error');
  if (document && !failed) return { ok: true, document, problems };
  return document ? { ok: false, document, problems } : { ok: false, problems };
}

/** The parsed document with each node's config migrated and checked by its type. */
function withCheckedConfigs(document: WorkflowDocument, infos: readonly NodeInfo[]): WorkflowDocument {
  const nodes = document.nodes.map((node, index) => {
    const info = infos[index];
    if (!info?.entry || !info.config) return node;
    return { ...node, typeVersion: info.entry.version, config: info.config };
  });
  return { ...document, nodes };
}
