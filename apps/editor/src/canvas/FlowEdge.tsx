import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer } from '@xyflow/react';
import type { EdgeProps } from '@xyflow/react';
import { LABEL_HEIGHT, edgePath, labelWidth } from '../model/edge-geometry.js';
import type { FlowEdge as FlowEdgeType } from './flow-types.js';

/** An edge: a curve forward, a lane around the cards for a loop back; its label where the canvas placed it. */
export const FlowEdge = memo(function FlowEdge(props: EdgeProps<FlowEdgeType>) {
  const { id, source, target, sourceX, sourceY, targetX, targetY, data, label, markerEnd, style } = props;
  const from = { x: sourceX, y: sourceY };
  const to = { x: targetX, y: targetY };
  const back = data?.back === true && data.laneY !== undefined;
  const d = edgePath(from, to, back ? { back, laneY: data?.laneY } : { back: false });
  const at = data?.labelAt ?? { x: (sourceX + targetX) / 2, y: (sourceY + targetY) / 2 };
  const text = typeof label === 'string' ? label : undefined;
  return (
    <>
      <g data-edge-route={id} data-source={source} data-target={target} data-back={back}>
        <BaseEdge id={id} path={d} markerEnd={markerEnd} style={style} interactionWidth={16} />
      </g>
      {text && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label${props.selected ? ' selected' : ''}`}
            data-testid="edge-label"
            data-edge-id={id}
            data-source={source}
            data-target={target}
            title={text}
            style={{
              width: labelWidth(text),
              height: LABEL_HEIGHT,
              transform: `translate(-50%, -50%) translate(${at.x}px, ${at.y}px)`,
            }}
          >
            {text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
