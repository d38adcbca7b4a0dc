import { isRecord } from '../model/json-schema.js';

/**
 * The obvious repairs of a stored value the canvas cannot show: an object with the workflow's own id, a
 * name when it has none, lists where lists belong. What it cannot guess is left for the user to fix.
 */
export function obviousFixes(value: unknown, workflowId: string): Record<string, unknown> {
  const doc: Record<string, unknown> = isRecord(value) ? { ...value } : {};
  doc.id = workflowId;
  if (typeof doc.name !== 'string' || doc.name.trim() === '') doc.name = 'Recovered workflow';
  else if (doc.name.length > 200) doc.name = doc.name.slice(0, 200);
  if (!Array.isArray(doc.nodes)) doc.nodes = [];
  if (doc.edges !== undefined && !Array.isArray(doc.edges)) doc.edges = [];
  if (doc.state !== undefined && !isRecord(doc.state)) doc.state = {};
  return doc;
}
