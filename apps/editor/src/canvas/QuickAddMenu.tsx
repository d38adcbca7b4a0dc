import { useMemo } from 'react';
import type { Position } from '@flowcraft/schema';
import { addConnectedNode, compatibleTypes } from './add-node.js';
import type { DragOrigin } from './add-node.js';
import { PickList } from './PickList.js';
import type { PickItem } from './PickList.js';

/** After a connection is dropped on empty canvas: the node types that fit that port; the pick is added there, connected. */
export function QuickAddMenu({
  at,
  onClose,
}: {
  at: { origin: DragOrigin; x: number; y: number; at: Position };
  onClose: () => void;
}) {
  const items = useMemo(
    (): PickItem[] =>
      compatibleTypes(at.origin).map((t) => ({
        id: t.type,
        label: t.title,
        hint: t.description,
        run: () =>
          void addConnectedNode(
            t.type,
            at.origin,
            at.origin.handleType === 'source' ? { x: at.at.x, y: at.at.y - 30 } : { x: at.at.x - 220, y: at.at.y - 30 },
          ),
      })),
    [at],
  );
  return (
    <div className="quick-add card" style={{ left: at.x, top: at.y }}>
      <PickList items={items} placeholder="Add a connected node…" onClose={onClose} testId="quick-add" />
    </div>
  );
}
