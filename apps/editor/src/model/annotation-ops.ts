import type { NodeGroup, Position, StickyNote, WorkflowDocument } from '@flowcraft/schema';
import { freshId } from './ids.js';

/** Pure edits of a document's sticky notes and groups (canvas annotations the compiler ignores). */

const GROUP_PAD = 28;
const GROUP_HEAD = 30;

function annotationIds(doc: WorkflowDocument): Set<string> {
  return new Set([
    ...doc.nodes.map((n) => n.id),
    ...(doc.notes ?? []).map((n) => n.id),
    ...(doc.groups ?? []).map((g) => g.id),
  ]);
}

export function addNote(doc: WorkflowDocument, at: Position, text = ''): { doc: WorkflowDocument; id: string } {
  const id = freshId('note', annotationIds(doc));
  const note: StickyNote = {
    id,
    text,
    position: { x: Math.round(at.x), y: Math.round(at.y) },
    size: { width: 240, height: 140 },
    color: 'yellow',
  };
  return { doc: { ...doc, notes: [...(doc.notes ?? []), note] }, id };
}

export function setNoteText(doc: WorkflowDocument, id: string, text: string): WorkflowDocument {
  if (!doc.notes?.some((n) => n.id === id && n.text !== text)) return doc;
  return { ...doc, notes: doc.notes.map((n) => (n.id === id ? { ...n, text } : n)) };
}

type SizeOf = (id: string) => { width: number; height: number };

/** The frame around `members` (their measured boxes plus a margin and a title bar). */
function frameAround(members: readonly WorkflowDocument['nodes'][number][], sizeOf: SizeOf) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of members) {
    const s = sizeOf(n.id);
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + s.width);
    y1 = Math.max(y1, n.position.y + s.height);
  }
  return {
    position: { x: Math.round(x0 - GROUP_PAD), y: Math.round(y0 - GROUP_PAD - GROUP_HEAD) },
    size: { width: Math.round(x1 - x0 + 2 * GROUP_PAD), height: Math.round(y1 - y0 + 2 * GROUP_PAD + GROUP_HEAD) },
  };
}

/** Every group's frame fitted around its nodes again (after an auto-layout moved them). */
export function refitGroups(doc: WorkflowDocument, sizeOf: SizeOf): WorkflowDocument {
  if (!doc.groups?.length) return doc;
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const groups = doc.groups.map((g) => {
    const members = g.nodes.flatMap((id) => byId.get(id) ?? []);
    return members.length === 0 ? g : { ...g, ...frameAround(members, sizeOf) };
  });
  return { ...doc, groups };
}

/** A group framing `nodeIds` (their measured boxes plus a margin and a title bar). */
export function addGroup(
  doc: WorkflowDocument,
  nodeIds: readonly string[],
  sizeOf: SizeOf,
  label = 'Group',
): { doc: WorkflowDocument; id: string } | undefined {
  const members = doc.nodes.filter((n) => nodeIds.includes(n.id));
  if (members.length === 0) return undefined;
  const id = freshId('group', annotationIds(doc));
  const group: NodeGroup = { id, label, ...frameAround(members, sizeOf), nodes: members.map((n) => n.id) };
  return { doc: { ...doc, groups: [...(doc.groups ?? []), group] }, id };
}

/**
 * Move notes and groups to new positions; a group's nodes move with it by the same distance
 * (unless they are being moved themselves in the same change).
 */
export function moveAnnotations(doc: WorkflowDocument, positions: ReadonlyMap<string, Position>): WorkflowDocument {
  const shift = new Map<string, Position>();
  let notes = doc.notes;
  let groups = doc.groups;
  if (notes?.some((n) => positions.has(n.id)))
    notes = notes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
    });
  if (groups?.some((g) => positions.has(g.id)))
    groups = groups.map((g) => {
      const p = positions.get(g.id);
      if (!p) return g;
      const d = { x: Math.round(p.x) - g.position.x, y: Math.round(p.y) - g.position.y };
      for (const id of g.nodes) if (!positions.has(id) && !shift.has(id)) shift.set(id, d);
      return { ...g, position: { x: Math.round(p.x), y: Math.round(p.y) } };
    });
  if (notes === doc.notes && groups === doc.groups) return doc;
  const nodes =
    shift.size === 0
      ? doc.nodes
      : doc.nodes.map((n) => {
          const d = shift.get(n.id);
          return d ? { ...n, position: { x: n.position.x + d.x, y: n.position.y + d.y } } : n;
        });
  return { ...doc, nodes, ...(notes ? { notes } : {}), ...(groups ? { groups } : {}) };
}

/** Remove notes and groups by id (a group's nodes stay), and drop removed nodes from groups. */
export function removeAnnotations(doc: WorkflowDocument, ids: readonly string[]): WorkflowDocument {
  const gone = new Set(ids);
  const live = new Set(doc.nodes.map((n) => n.id));
  const notes = doc.notes?.filter((n) => !gone.has(n.id));
  const groups = doc.groups
    ?.filter((g) => !gone.has(g.id))
    .map((g) => (g.nodes.every((id) => live.has(id)) ? g : { ...g, nodes: g.nodes.filter((id) => live.has(id)) }));
  return { ...doc, ...(notes ? { notes } : {}), ...(groups ? { groups } : {}) };
}
