import { breakpointsStore, useBreakpoints } from '../stores/app-stores.js';
import type { BreakWhere } from '../stores/breakpoints-store.js';

function Dot({ nodeId, where, on, editable }: { nodeId: string; where: BreakWhere; on: boolean; editable: boolean }) {
  if (!on && !editable) return null;
  return (
    <button
      type="button"
      className={`bp-dot nodrag nopan bp-${where}${on ? ' on' : ''}`}
      data-testid={`bp-${where}`}
      data-on={on}
      title={`${on ? 'Remove breakpoint' : 'Pause'} ${where} this node`}
      disabled={!editable}
      onClick={(e) => {
        e.stopPropagation();
        breakpointsStore.getState().toggle(nodeId, where);
      }}
      onMouseDown={(e) => e.stopPropagation()}
    />
  );
}

/** Breakpoint gutters of a node card: before (left) and after (right); clickable in debug mode. */
export function BreakpointDots({ nodeId }: { nodeId: string }) {
  const before = useBreakpoints((s) => s.before.includes(nodeId));
  const after = useBreakpoints((s) => s.after.includes(nodeId));
  const editable = useBreakpoints((s) => s.debugMode);
  if (!before && !after && !editable) return null;
  return (
    <>
      <Dot nodeId={nodeId} where="before" on={before} editable={editable} />
      <Dot nodeId={nodeId} where="after" on={after} editable={editable} />
    </>
  );
}
