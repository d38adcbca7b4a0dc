import { z } from 'zod';
import type { Channel } from './workflow.js';

/** One channel's change between two states (a checkpoint and its parent). */
export const StateChange = z.object({
  channel: z.string(),
  kind: z.enum(['added', 'removed', 'changed']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  /** When a list grew at its end (message lists, append reducers): only the new items. */
  appended: z.array(z.unknown()).optional(),
});
export type StateChange = z.infer<typeof StateChange>;

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && same(ra[k], rb[k]));
}

/** Per-channel differences from `before` to `after`, in channel-name order. */
export function diffState(before: Record<string, unknown>, after: Record<string, unknown>): StateChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: StateChange[] = [];
  for (const channel of names) {
    const had = Object.hasOwn(before, channel) && before[channel] !== undefined;
    const has = Object.hasOwn(after, channel) && after[channel] !== undefined;
    const b = before[channel];
    const a = after[channel];
    if (!had && has) changes.push({ channel, kind: 'added', after: a });
    else if (had && !has) changes.push({ channel, kind: 'removed', before: b });
    else if (had && has && !same(b, a)) {
      const grew = Array.isArray(b) && Array.isArray(a) && a.length > b.length && b.every((x, i) => same(x, a[i]));
      changes.push({ channel, kind: 'changed', before: b, after: a, ...(grew ? { appended: a.slice(b.length) } : {}) });
    }
  }
  return changes;
}

/** Problems with a state edit: unknown channels and values that do not fit the channel's type. */
export function checkStateValues(
  values: Record<string, unknown>,
  channels: Record<string, Channel>,
): { channel: string; message: string }[] {
  const problems: { channel: string; message: string }[] = [];
  for (const [name, value] of Object.entries(values)) {
    const ch = Object.hasOwn(channels, name) ? channels[name] : undefined;
    if (!ch) {
      problems.push({ channel: name, message: `"${name}" is not a channel of this workflow` });
      continue;
    }
    if (value === null) continue;
    const fits =
      ch.type === 'string'
        ? typeof value === 'string'
        : ch.type === 'number'
          ? typeof value === 'number' && Number.isFinite(value)
          : ch.type === 'boolean'
            ? typeof value === 'boolean'
            : ch.type === 'list' || ch.type === 'messages'
              ? Array.isArray(value)
              : true;
    if (!fits)
      problems.push({
        channel: name,
        message: `"${name}" holds ${ch.type === 'list' || ch.type === 'messages' ? `a ${ch.type} (array)` : `a ${ch.type}`}, not ${Array.isArray(value) ? 'an array' : typeof value}`,
      });
  }
  return problems;
}
