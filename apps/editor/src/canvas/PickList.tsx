import { useEffect, useMemo, useRef, useState } from 'react';

export interface PickItem {
  id: string;
  label: string;
  hint?: string;
  /** Group heading shown before the first item of a group. */
  group?: string;
  run(): void;
}

/**
 * A search box over a list, driven by the keyboard (↑ ↓ Enter, Escape closes) or the mouse;
 * used by the quick-add menu and the command palette.
 */
export function PickList({
  items,
  placeholder,
  onClose,
  testId,
}: {
  items: readonly PickItem[];
  placeholder: string;
  onClose: () => void;
  testId: string;
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? items.filter((i) => `${i.label} ${i.hint ?? ''} ${i.group ?? ''}`.toLowerCase().includes(q)) : items;
  }, [items, query]);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected=true]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  const pick = (item: PickItem | undefined) => {
    if (!item) return;
    onClose();
    item.run();
  };
  return (
    <div className="pick-list nokey" data-testid={testId}>
      <input
        className="input"
        placeholder={placeholder}
        aria-label={placeholder}
        role="combobox"
        aria-expanded="true"
        aria-controls={`${testId}-options`}
        aria-activedescendant={shown[active] ? `${testId}-${shown[active].id}` : undefined}
        value={query}
        ref={(el) => el?.focus({ preventScroll: true })}
        onChange={(e) => setQuery(e.target.value)}
        onBlur={onClose}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, shown.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter') pick(shown[active]);
          else if (e.key === 'Escape') onClose();
          else return;
          e.preventDefault();
          e.stopPropagation();
        }}
        data-testid={`${testId}-search`}
      />
      <div className="pick-options" role="listbox" id={`${testId}-options`} ref={listRef}>
        {shown.map((item, i) => (
          <div
            key={item.id}
            id={`${testId}-${item.id}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={`pick-option${i === active ? ' active' : ''}`}
            data-testid={`${testId}-item-${item.id}`}
            onMouseEnter={() => setActive(i)}
            onMouseDown={(e) => {
              e.preventDefault();
              pick(item);
            }}
          >
            {item.group && (i === 0 || shown[i - 1]?.group !== item.group) && (
              <span className="pick-group">{item.group}</span>
            )}
            <span className="pick-label">{item.label}</span>
            {item.hint && <span className="pick-hint">{item.hint}</span>}
          </div>
        ))}
        {shown.length === 0 && <div className="empty small">Nothing matches “{query}”.</div>}
      </div>
    </div>
  );
}
