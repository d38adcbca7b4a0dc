/** Names used in problem messages. */

/** `"Label" (id)` when the node has a label, otherwise `"id"`. */
export function nodeName(node: { id: string; label?: string }): string {
  const label = node.label?.trim();
  return label ? `"${label}" (${node.id})` : `"${node.id}"`;
}

/** Join names for a message, eliding after `max`. */
export function listNames(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
