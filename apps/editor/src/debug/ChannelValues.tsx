import { itemView, pretty } from './diff-present.js';
import { ScrollPre } from '../ui/ScrollPre.js';

function Value({ value }: { value: unknown }) {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => itemView(v).role !== undefined)) {
    return (
      <ol className="messages">
        {value.map((m, i) => {
          const v = itemView(m);
          return (
            <li key={i} className={`message role-${v.role ?? 'item'}`}>
              <span className="message-role">{v.role}</span>
              <ScrollPre>{v.text}</ScrollPre>
            </li>
          );
        })}
      </ol>
    );
  }
  return <ScrollPre className="json-view">{pretty(value)}</ScrollPre>;
}

/** A state's channels, each readable (text as text, message lists as conversations). */
export function ChannelValues({ values, compact }: { values: Record<string, unknown>; compact?: boolean }) {
  const names = Object.keys(values).sort();
  if (names.length === 0) return <div className="faint small">empty state</div>;
  return (
    <dl className={`channel-values${compact ? ' compact' : ''}`} data-testid="channel-values">
      {names.map((name) => (
        <div key={name} className="channel-value" data-testid="channel-value" data-channel={name}>
          <dt className="field-label">{name}</dt>
          <dd>
            <Value value={values[name]} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
