import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import type { GroupFlowNode } from './flow-types.js';

/** A group frame: drag it by its title bar and its nodes move with it. */
export const GroupNode = memo(function GroupNode({ id, data, selected }: NodeProps<GroupFlowNode>) {
  const { group } = data;
  return (
    <div
      className={`group-frame${selected ? ' selected' : ''}`}
      style={{ width: group.size.width, height: group.size.height }}
      data-testid="group-frame"
      data-group-id={id}
    >
      <div className="group-head" data-testid="group-head">
        {group.label || 'Group'} <span className="faint">· {group.nodes.length} nodes</span>
      </div>
    </div>
  );
});
