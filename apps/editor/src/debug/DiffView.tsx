import { useMemo } from 'react';
import type { StateChange } from '@flowcraft/schema';
import { presentDiff } from './diff-present.js';
import type { DiffPart, DiffRow } from './diff-present.js';
import { ScrollPre } from '../ui/ScrollPre.js';

function Parts({ parts, block }: { parts: DiffPart[]; block?: boolean }) {
  return (
    <ScrollPre className={`diff-text${block ? ' block' : ''}`}>
      {parts.map((p, i) =>
        p.op === 'same' ? (
          <span key={i}>{p.text}</span>
        ) : p.op === 'add' ? (
          <ins key={i}>{p.text}</ins>
        ) : (
          <del key={i}>{p.text}</del>
        ),
      )}
    </ScrollPre>
  );
}

function Row({ row }: { row: DiffRow }) {
  const v = row.view;
  return (
    <li className={`diff-row kind-${row.kind}`} data-testid="diff-row" data-channel={row.channel} data-kind={row.kind}>
      <div className="row">
        <span className={`diff-kind kind-${row.kind}`}>
          {row.kind === 'added' ? '+' : row.kind === 'removed' ? '−' : '~'}
        </span>
        <strong className="mono">{row.channel}</strong>
        <span className="faint small grow truncate" data-testid="diff-summary">
          {row.summary}
        </span>
      </div>
      {v.type === 'text' && <Parts parts={v.parts} />}
      {v.type === 'json' && <Parts parts={v.parts} block />}
      {v.type === 'items' && (
        <ol className="messages appended" start={v.total - v.items.length + 1}>
          {v.items.map((item, i) => (
            <li key={i} className={`message added role-${item.role ?? 'item'}`}>
              {item.role && <span className="message-role">{item.role}</span>}
              <ScrollPre>{item.text}</ScrollPre>
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}

/** Per-channel changes against the parent checkpoint. */
export function DiffView({ changes }: { changes: readonly StateChange[] }) {
  const rows = useMemo(() => presentDiff(changes), [changes]);
  if (rows.length === 0)
    return (
      <div className="faint small" data-testid="diff-empty">
        No channel changed.
      </div>
    );
  return (
    <ul className="diff" data-testid="diff">
      {rows.map((r) => (
        <Row key={r.channel} row={r} />
      ))}
    </ul>
  );
}
