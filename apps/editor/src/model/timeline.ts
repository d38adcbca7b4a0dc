import type { ThreadState } from '../api/debug-api.js';

/** One checkpoint in the timeline list (a tree drawn as indented branches). */
export interface TimelineRow {
  id: string;
  checkpoint: ThreadState;
  /** Branch nesting: 0 for the original line, +1 for each fork off it. */
  depth: number;
  /** Branch number (0 for the original line), unique per branch. */
  lane: number;
  /** First checkpoint of a branch that forks off another (an edit, a replay, a rerun). */
  branchStart: boolean;
  /** Nodes whose writes produced this checkpoint (the parent's next nodes). */
  ran: string[];
  children: string[];
}

export interface Timeline {
  /** Oldest first; each branch follows its fork point, indented. */
  rows: TimelineRow[];
  byId: ReadonlyMap<string, TimelineRow>;
  branchCount: number;
  /** The most recently written checkpoint. */
  latestId: string | undefined;
}

function older(a: ThreadState, b: ThreadState): number {
  return a.createdAt < b.createdAt
    ? -1
    : a.createdAt > b.createdAt
      ? 1
      : a.step - b.step || (a.checkpointId < b.checkpointId ? -1 : a.checkpointId > b.checkpointId ? 1 : 0);
}

/** Canvas node ids only (the engine's internal nodes, like `__start__`, are not on the canvas). */
export function canvasIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !id.startsWith('__'));
}

/** What ran to produce `c`: the parent's next nodes (none for the input checkpoint or an edit). */
export function ranFor(c: ThreadState, parent: ThreadState | undefined): string[] {
  if (!parent || c.source === 'input' || c.source === 'update') return [];
  return canvasIds(parent.next);
}

/**
 * The checkpoint tree of a thread from the parent ids (pages of history may be missing parents:
 * those checkpoints become roots). The first (oldest) child continues its parent's branch; every
 * later child starts a new branch, listed right after its fork point and indented one level.
 */
export function buildTimeline(items: readonly ThreadState[]): Timeline {
  const byId = new Map<string, ThreadState>();
  for (const c of items) byId.set(c.checkpointId, c);
  const children = new Map<string, ThreadState[]>();
  const roots: ThreadState[] = [];
  for (const c of byId.values()) {
    const p = c.parentCheckpointId;
    if (p && byId.has(p) && p !== c.checkpointId) {
      const list = children.get(p) ?? [];
      list.push(c);
      children.set(p, list);
    } else roots.push(c);
  }
  for (const list of children.values()) list.sort(older);
  roots.sort(older);

  const rows: TimelineRow[] = [];
  const rowsById = new Map<string, TimelineRow>();
  let lanes = 0;
  // Iterative depth-first walk (threads can have thousands of checkpoints).
  type Visit = { c: ThreadState; depth: number; lane: number; branchStart: boolean };
  const stack: Visit[] = [];
  for (let i = roots.length - 1; i >= 0; i--) {
    const r = roots[i];
    if (r) stack.push({ c: r, depth: i === 0 ? 0 : 1, lane: 0, branchStart: i > 0 });
  }
  while (stack.length > 0) {
    const v = stack.pop();
    if (!v || rowsById.has(v.c.checkpointId)) continue;
    const lane = v.branchStart ? ++lanes : v.lane;
    const kids = children.get(v.c.checkpointId) ?? [];
    const row: TimelineRow = {
      id: v.c.checkpointId,
      checkpoint: v.c,
      depth: v.depth,
      lane,
      branchStart: v.branchStart,
      ran: ranFor(v.c, v.c.parentCheckpointId ? byId.get(v.c.parentCheckpointId) : undefined),
      children: kids.map((k) => k.checkpointId),
    };
    rows.push(row);
    rowsById.set(row.id, row);
    // Emission order: this row, then each later child's branch, then the continuing first child.
    const [first, ...forks] = kids;
    if (first) stack.push({ c: first, depth: v.depth, lane, branchStart: false });
    for (let i = forks.length - 1; i >= 0; i--) {
      const f = forks[i];
      if (f) stack.push({ c: f, depth: v.depth + 1, lane, branchStart: true });
    }
  }
  let latest: ThreadState | undefined;
  for (const c of byId.values()) if (!latest || older(latest, c) < 0) latest = c;
  return { rows, byId: rowsById, branchCount: lanes + 1, latestId: latest?.checkpointId };
}

/** Checkpoint ids from the root to `id` (inclusive). */
export function pathTo(t: Timeline, id: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let cur = t.byId.get(id);
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    out.push(cur.id);
    const p = cur.checkpoint.parentCheckpointId;
    cur = p ? t.byId.get(p) : undefined;
  }
  return out.reverse();
}

/** The checkpoint after `id` on its own branch (its first child), or undefined at a branch end. */
export function nextOnBranch(t: Timeline, id: string): string | undefined {
  return t.byId.get(id)?.children[0];
}

export function parentOf(t: Timeline, id: string): string | undefined {
  const p = t.byId.get(id)?.checkpoint.parentCheckpointId;
  return p && t.byId.has(p) ? p : undefined;
}

export type NodeMark = 'ran' | 'ran-before' | 'next';

/**
 * Canvas highlights for a selected checkpoint: the nodes that produced it (`ran`), everything that
 * ran earlier on its branch (`ran-before`) and the nodes that run next (`next`, which wins).
 */
export function marksAt(t: Timeline, id: string, ranNow?: readonly string[]): Record<string, NodeMark> {
  const marks: Record<string, NodeMark> = {};
  const row = t.byId.get(id);
  if (!row) return marks;
  for (const a of pathTo(t, id).slice(0, -1)) for (const n of t.byId.get(a)?.ran ?? []) marks[n] = 'ran-before';
  for (const n of canvasIds(ranNow ?? row.ran)) marks[n] = 'ran';
  for (const n of canvasIds(row.checkpoint.next)) marks[n] = 'next';
  return marks;
}
