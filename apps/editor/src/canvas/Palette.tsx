import { useMemo, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import type { NodeTypeDescription } from '@flowcraft/schema';
import type { FlowNode } from './flow-types.js';
import { useCatalog, useDocument } from '../stores/app-stores.js';
import { addNodeOfType, viewportCenter } from './add-node.js';
import { NODE_TYPE_MIME } from './flow-types.js';

const CATEGORY_ORDER = ['io', 'ai', 'control', 'human', 'tools', 'data', 'custom'];
const CATEGORY_TITLE: Record<string, string> = {
  io: 'Input & output',
  ai: 'AI',
  control: 'Control flow',
  human: 'Human',
  tools: 'Tools',
  data: 'Data',
  custom: 'Custom',
};

function matches(t: NodeTypeDescription, q: string): boolean {
  if (!q) return true;
  const s = q.toLowerCase();
  return [t.type, t.title, t.description, t.category].some((x) => x.toLowerCase().includes(s));
}

/** Node types from the engine, grouped by category; drag one onto the canvas (or click to add it). */
export function Palette() {
  const catalog = useCatalog((s) => s.catalog);
  const error = useCatalog((s) => s.error);
  const readOnly = useDocument((s) => s.readOnlyVersion !== undefined);
  const [query, setQuery] = useState('');
  const rf = useReactFlow<FlowNode>();
  const groups = useMemo(() => {
    const byCat = new Map<string, NodeTypeDescription[]>();
    for (const t of catalog?.descriptions ?? []) {
      if (!matches(t, query)) continue;
      const cat = t.custom ? 'custom' : t.category;
      byCat.set(cat, [...(byCat.get(cat) ?? []), t]);
    }
    return [...byCat.entries()].sort((a, b) => CATEGORY_ORDER.indexOf(a[0]) - CATEGORY_ORDER.indexOf(b[0]));
  }, [catalog, query]);

  const addAtCenter = (type: string) => {
    const p = viewportCenter(rf);
    addNodeOfType(type, { x: p.x - 110, y: p.y - 45 }, { avoidCards: true });
  };

  return (
    <aside className="palette nokey" data-testid="palette">
      <input
        className="input"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
      />
      {error && <div className="problem-text">Node types unavailable: {error}</div>}
      <div className="palette-groups">
        {groups.map(([cat, types]) => (
          <section key={cat} className="palette-group">
            <h3 className="palette-title">{CATEGORY_TITLE[cat] ?? cat}</h3>
            {types.map((t) => (
              <button
                type="button"
                key={t.type}
                aria-disabled={readOnly}
                onKeyDown={(e) => {
                  if (readOnly || (e.key !== 'Enter' && e.key !== ' ')) return;
                  e.preventDefault();
                  addAtCenter(t.type);
                }}
                className={`palette-item${readOnly ? ' disabled' : ''}`}
                data-category={t.custom ? 'custom' : t.category}
                data-testid={`palette-item-${t.type}`}
                draggable={!readOnly}
                title={t.description}
                onDragStart={(e) => {
                  e.dataTransfer.setData(NODE_TYPE_MIME, t.type);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onDoubleClick={() => !readOnly && addAtCenter(t.type)}
              >
                <span className="palette-dot" />
                <span className="grow">
                  <span className="palette-name">{t.title}</span>
                  <span className="palette-desc">{t.description}</span>
                </span>
              </button>
            ))}
          </section>
        ))}
        {groups.length === 0 && catalog && <div className="empty small">No node type matches “{query}”.</div>}
      </div>
      <div className="palette-hint faint small">
        Drag onto the canvas, double-click, or focus and press Enter to add. Ctrl+K: command palette.
      </div>
    </aside>
  );
}
