import type { NodeCatalog } from '../catalog.js';
import type { Problem } from '../problem.js';
import { checkConfig, lookupEntry, resolveChannels, resolvePorts } from './catalog-guard.js';
import { nodeName } from './describe.js';
import { error } from './problems.js';
import type { IndexedNode, NodeInfo } from './types.js';

/**
 * Per-node checks against the catalog: known type, supported type version, valid config
 * (migrated by the node type), then ports and channels resolved from that config.
 */
export function checkNodes(nodes: readonly IndexedNode[], catalog: NodeCatalog, out: Problem[]): NodeInfo[] {
  const entries = new Map<string, ReturnType<typeof lookupEntry>>();
  const lookup = (type: string): ReturnType<typeof lookupEntry> => {
    let found = entries.get(type);
    if (!found) {
      found = lookupEntry(catalog, type);
      entries.set(type, found);
    }
    return found;
  };
  return nodes.map((n) => checkNode(n, lookup, out));
}

function checkNode(
  { index, node }: IndexedNode,
  lookup: (type: string) => ReturnType<typeof lookupEntry>,
  out: Problem[],
): NodeInfo {
  const info: NodeInfo = { index, node, name: nodeName(node) };
  const at = ['nodes', index];
  const refs = { nodeId: node.id };

  const found = lookup(node.type);
  if (!found.ok) {
    out.push(error('catalog_error', [...at, 'type'], `Node ${info.name}: ${found.message}`, refs));
    return info;
  }
  const entry = found.value;
  if (entry === undefined) {
    out.push(error('unknown_node_type', [...at, 'type'], `Node ${info.name} has unknown type "${node.type}"`, refs));
    return info;
  }
  info.entry = entry;

  if (node.typeVersion > entry.version) {
    out.push(
      error(
        'unsupported_type_version',
        [...at, 'typeVersion'],
        `Node ${info.name} uses version ${node.typeVersion} of type "${node.type}", but only versions up to ${entry.version} are known`,
        refs,
      ),
    );
    return info;
  }

  const checked = checkConfig(entry, node.config, node.typeVersion);
  if (!checked.ok) {
    // A throwing migration usually means config it did not expect; a malformed answer is a node-type bug.
    const code = checked.reason === 'threw' ? 'invalid_config' : 'catalog_error';
    out.push(
      error(code, [...at, 'config'], `Node ${info.name}: its config could not be checked (${checked.message})`, refs),
    );
    return info;
  }
  if (!checked.value.ok) {
    const issues = checked.value.issues;
    if (issues.length === 0)
      out.push(error('invalid_config', [...at, 'config'], `Node ${info.name} has an invalid config`, refs));
    for (const issue of issues) {
      const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      out.push(
        error(
          'invalid_config',
          [...at, 'config', ...issue.path],
          `Node ${info.name} config${where}: ${issue.message}`,
          refs,
        ),
      );
    }
    return info;
  }
  const config = checked.value.config;
  info.config = config;

  const ports = resolvePorts(entry, config);
  if (ports.ok) info.ports = ports.value;
  else out.push(error('catalog_error', at, `Node ${info.name}: ${ports.message}`, refs));

  const channels = resolveChannels(entry, config);
  if (channels.ok) {
    info.reads = channels.value.reads;
    info.writes = channels.value.writes;
  } else {
    out.push(error('catalog_error', at, `Node ${info.name}: ${channels.message}`, refs));
  }
  return info;
}
