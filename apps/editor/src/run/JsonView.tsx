import { ScrollPre } from '../ui/ScrollPre.js';

/** A JSON value, pretty-printed; strings shown as text. */
export function JsonView({ value }: { value: unknown }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return <ScrollPre className="json-view">{text ?? 'undefined'}</ScrollPre>;
}
