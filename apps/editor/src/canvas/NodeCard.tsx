import { memo, useEffect, useMemo, useRef } from 'react';
import { Handle, Position, useUpdateNodeInternals } from '@xyflow/react';
import type { NodeProps } from '@xyflow/react';
import { useCatalog, useProblems, useRun, useTimeline } from '../stores/app-stores.js';
import { BreakpointDots } from './BreakpointDots.js';
import type { FlowNode } from './flow-types.js';
import { formatMs, formatUsd, keySettings } from '../model/node-summary.js';
import { NodeStatusBadge } from './NodeStatusBadge.js';

/** A node on the canvas: category colour, type, label, key settings, ports, run status and problems. */
export const NodeCard = memo(function NodeCard({ id, data, selected }: NodeProps<FlowNode>) {
  const node = data.node;
  const catalog = useCatalog((s) => s.catalog);
  const desc = catalog?.describe(node.type);
  const ports = useMemo(
    () => catalog?.ports(node.type, node.config) ?? { inputs: [], outputs: [] },
    [catalog, node.type, node.config],
  );
  const settings = useMemo(
    () => keySettings(desc, catalog?.effectiveConfig(node.type, node.config) ?? node.config),
    [desc, catalog, node.type, node.config],
  );
  const updateNodeInternals = useUpdateNodeInternals();
  const portKey = `${ports.inputs.map((p) => p.id).join(',')}|${ports.outputs.map((p) => `${p.id}:${p.label ?? ''}`).join(',')}`;
  // Handles come and go with the config (router routes): React Flow must measure them again
  // (not on mount: React Flow measures new nodes itself, and 500 calls at load cost seconds).
  const measuredKey = useRef(portKey);
  useEffect(() => {
    if (measuredKey.current === portKey) return;
    measuredKey.current = portKey;
    updateNodeInternals(id);
  }, [portKey, id, updateNodeInternals]);
  const problems = useProblems((s) => s.index.byNode.get(id));
  const run = useRun((s) => s.run?.nodes[id]);
  const errors = problems?.filter((p) => p.severity !== 'warning') ?? [];
  const status = run?.status;
  // Debugger highlights: from the selected checkpoint, else the paused run's next nodes.
  const checkpointMark = useTimeline((s) => s.marks[id]);
  // Paused inside a sub-workflow (`call › review`) marks the calling node too.
  const pausedNext = useRun((s) => s.run?.paused?.next.some((n) => n === id || n.startsWith(`${id} › `)) ?? false);
  const mark = checkpointMark ?? (pausedNext ? 'next' : undefined);
  const labelled =
    ports.outputs.length > 1 || ports.outputs.some((p) => p.label && p.label !== 'next' && p.label !== 'start');
  return (
    <div
      className={`node-card${selected ? ' selected' : ''}${errors.length > 0 ? ' has-problems' : ''}${status ? ` status-${status}` : ''}${mark ? ` mark-${mark}` : ''}`}
      data-category={desc?.category ?? 'custom'}
      data-testid="canvas-node"
      data-node-id={id}
      data-node-type={node.type}
      data-status={status ?? 'idle'}
      data-debug={mark ?? ''}
      data-problems={errors.length}
      title={errors.map((p) => p.message).join('\n') || undefined}
    >
      {ports.inputs.map((p, i) => (
        <Handle
          key={p.id}
          type="target"
          position={Position.Left}
          id={p.id}
          className="port port-in"
          style={{ top: ports.inputs.length === 1 ? 22 : 22 + i * 18 }}
          data-testid={`handle-in-${p.id}`}
        />
      ))}
      <BreakpointDots nodeId={id} />
      <div className="node-head">
        <span className="node-type">{desc?.title ?? node.type}</span>
        <span className="spacer" />
        {errors.length > 0 && (
          <span className="node-problem-badge" data-testid="node-problem-badge">
            ⚠ {errors.length}
          </span>
        )}
        {mark === 'next' && (
          <span className="pill next-pill" data-testid="node-next">
            next
          </span>
        )}
        {status && mark !== 'next' && <NodeStatusBadge status={status} />}
      </div>
      <div className="node-label truncate" data-testid="node-label">
        {node.label || node.id}
      </div>
      {settings.length > 0 && (
        <div className="node-settings">
          {settings.map((s) => (
            <div key={s.label} className="node-setting truncate">
              <span className="faint">{s.label}</span> {s.value}
            </div>
          ))}
        </div>
      )}
      {/* Run figures take one line that is always there: a card keeps its size when a run starts (no overlap). */}
      <div className="node-run" data-testid="node-metrics">
        {run && (
          <>
            {run.durationMs !== undefined && <span>{formatMs(run.durationMs)}</span>}
            {run.tokens && <span>{run.tokens.input + run.tokens.output} tok</span>}
            {run.tokens?.costUsd !== undefined && <span data-testid="node-cost">{formatUsd(run.tokens.costUsd)}</span>}
            {run.attempts > 1 && <span>{run.attempts} attempts</span>}
            {run.failedAttempts.length > 0 && (
              <span
                className="warn-text"
                title={run.failedAttempts
                  .map((f) => `${f.model}: ${f.code}${f.status ? ` ${f.status}` : ''} → ${f.action}`)
                  .join('\n')}
              >
                {run.failedAttempts.length} failed call{run.failedAttempts.length > 1 ? 's' : ''}
              </span>
            )}
            {run.model && (
              <span className="node-model truncate" data-testid="node-model" title={run.model}>
                {run.model}
                {run.model.startsWith('scripted:') && ' (scripted)'}
              </span>
            )}
          </>
        )}
      </div>
      {ports.outputs.length > 0 && (
        <div className={`node-outputs${labelled ? ' labelled' : ''}`}>
          {ports.outputs.map((p) => (
            <div key={p.id} className={`node-output${p.id === 'error' ? ' error-port' : ''}`}>
              {labelled && <span className="port-label">{p.label ?? p.id}</span>}
              <Handle
                type="source"
                position={Position.Right}
                id={p.id}
                className="port port-out"
                data-testid={`handle-out-${p.id}`}
              />
            </div>
          ))}
        </div>
      )}
    </div>
  );
});
