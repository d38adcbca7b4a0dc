import { describe, expect, it } from 'vitest';
import { WorkflowDocument } from '@flowcraft/schema';
import { copyFragment } from './document-ops.js';
import { addGroup, addNote, moveAnnotations, refitGroups, removeAnnotations, setNoteText } from './annotation-ops.js';
import { freshLabel, pasteAt } from './paste.js';

const base = WorkflowDocument.parse({
  id: 'w',
  name: 'W',
  nodes: [
    { id: 'a', type: 'llm', label: 'Writer', position: { x: 100, y: 100 } },
    { id: 'b', type: 'llm', label: 'Critic', position: { x: 400, y: 100 } },
    { id: 'c', type: 'llm', label: 'Other', position: { x: 100, y: 400 } },
  ],
  edges: [{ id: 'e1', source: 'a', target: 'b' }],
});
const size = () => ({ width: 200, height: 80 });

describe('sticky notes and groups', () => {
  it('adds a note and edits its text', () => {
    const r = addNote(base, { x: 10.4, y: 20.6 }, 'hi');
    expect(r.doc.notes).toEqual([
      { id: r.id, text: 'hi', position: { x: 10, y: 21 }, size: { width: 240, height: 140 }, color: 'yellow' },
    ]);
    expect(setNoteText(r.doc, r.id, '**bold**').notes?.[0]?.text).toBe('**bold**');
  });

  it('frames the chosen nodes and moves them with the frame', () => {
    const g = addGroup(base, ['a', 'b'], size);
    expect(g).toBeDefined();
    const group = g!.doc.groups![0]!;
    expect(group.nodes).toEqual(['a', 'b']);
    expect(group.position.x).toBeLessThan(100);
    expect(group.position.x + group.size.width).toBeGreaterThan(600);
    const moved = moveAnnotations(g!.doc, new Map([[g!.id, { x: group.position.x + 50, y: group.position.y - 30 }]]));
    expect(moved.nodes.map((n) => n.position)).toEqual([
      { x: 150, y: 70 },
      { x: 450, y: 70 },
      { x: 100, y: 400 },
    ]);
  });

  it('fits a frame around its nodes again after they moved', () => {
    const g = addGroup(base, ['a', 'b'], size)!;
    const moved = {
      ...g.doc,
      nodes: g.doc.nodes.map((n) => (n.id === 'b' ? { ...n, position: { x: 900, y: 500 } } : n)),
    };
    const frame = refitGroups(moved, size).groups![0]!;
    expect(frame.position.x).toBeLessThan(100);
    expect(frame.position.x + frame.size.width).toBeGreaterThan(1100);
    expect(frame.position.y + frame.size.height).toBeGreaterThan(580);
  });

  it('removes groups but keeps their nodes, and forgets deleted members', () => {
    const g = addGroup(base, ['a', 'c'], size)!;
    const without = { ...g.doc, nodes: g.doc.nodes.filter((n) => n.id !== 'c') };
    expect(removeAnnotations(without, []).groups?.[0]?.nodes).toEqual(['a']);
    const gone = removeAnnotations(g.doc, [g.id]);
    expect(gone.groups).toEqual([]);
    expect(gone.nodes).toHaveLength(3);
  });
});

describe('paste at the pointer', () => {
  it('numbers labels on', () => {
    expect(freshLabel('Writer', new Set(['Writer']))).toBe('Writer 2');
    expect(freshLabel('Writer 2', new Set(['Writer', 'Writer 2']))).toBe('Writer 3');
    expect(freshLabel('New', new Set(['Writer']))).toBe('New');
  });

  it('puts the fragment where the pointer is, with fresh ids and labels', () => {
    const r = pasteAt(base, copyFragment(base, ['a', 'b']), { x: 1000, y: 800 });
    const pasted = r.doc.nodes.filter((n) => r.nodeIds.includes(n.id));
    expect(pasted.map((n) => [n.label, n.position])).toEqual([
      ['Writer 2', { x: 1000, y: 800 }],
      ['Critic 2', { x: 1300, y: 800 }],
    ]);
    expect(r.edgeIds).toHaveLength(1);
    expect(r.doc.edges.find((e) => e.id === r.edgeIds[0])).toMatchObject({
      source: r.nodeIds[0],
      target: r.nodeIds[1],
    });
  });
});

describe('a free spot for a new card', () => {
  it('keeps the point when it is clear, else moves to the nearest clear one', async () => {
    const { freeSpot } = await import('./free-spot.js');
    const cardSize = { width: 200, height: 80 };
    expect(freeSpot(base, { x: 700, y: 100 }, cardSize, size)).toEqual({ x: 700, y: 100 });
    const moved = freeSpot(base, { x: 110, y: 110 }, cardSize, size);
    expect(moved).not.toEqual({ x: 110, y: 110 });
    for (const n of base.nodes) {
      const apart =
        moved.x >= n.position.x + 200 ||
        n.position.x >= moved.x + 200 ||
        moved.y >= n.position.y + 80 ||
        n.position.y >= moved.y + 80;
      expect(apart).toBe(true);
    }
  });
});
