import type { NodeServices } from './services.js';
import type { ExpressionContext } from './template.js';

/**
 * The context of a node's expressions, for `render` / `renderValue` / `evaluate`: errors name the node
 * and the config field, and the limits are the run's (`services.expressionLimits`, read at each call).
 *
 *   const at = fieldContext(node, services);
 *   await render(config.prompt, state, at('prompt'));
 */
export function fieldContext(
  node: { id: string },
  services: Pick<NodeServices, 'expressionLimits'>,
): (field: string) => ExpressionContext {
  return (field) => {
    const limits = services.expressionLimits;
    return { nodeId: node.id, field, ...(limits ? { limits } : {}) };
  };
}
