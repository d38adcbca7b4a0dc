import { checkStateValues, diffState } from '@flowcraft/schema';
import type { Channel } from '@flowcraft/schema';

export interface EditProblem {
  channel: string | undefined;
  message: string;
}

export type EditPlan =
  | { ok: true; values: Record<string, unknown>; changed: string[] }
  | { ok: false; problems: EditProblem[] };

/**
 * Turn the edited state (JSON text) into the values to write at the checkpoint. Channels left
 * out of the JSON stay as they are (`null` clears one). Only changed channels are sent, each
 * through its reducer's meaning: an `append`/`messages` channel receives the items added at its
 * end, a `sum` channel the difference. Values are checked against the channel types first.
 */
export function planStateEdit(
  original: Record<string, unknown>,
  text: string,
  channels: Record<string, Channel>,
): EditPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      problems: [{ channel: undefined, message: `JSON: ${err instanceof Error ? err.message : 'cannot be read'}` }],
    };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { ok: false, problems: [{ channel: undefined, message: 'The state is an object of channel values' }] };
  const edited = Object.fromEntries(Object.entries(parsed));
  const problems: EditProblem[] = checkStateValues(edited, channels).map((p) => ({
    channel: p.channel,
    message: p.message,
  }));
  const values: Record<string, unknown> = {};
  const before = Object.fromEntries(
    Object.keys(edited)
      .filter((k) => Object.hasOwn(original, k))
      .map((k) => [k, original[k]]),
  );
  for (const change of diffState(before, edited)) {
    const ch = Object.hasOwn(channels, change.channel) ? channels[change.channel] : undefined;
    if (!ch) continue; // reported above
    if (change.kind === 'removed') {
      // Written as null: the channel is cleared.
      if (edited[change.channel] === null && change.before !== undefined) values[change.channel] = null;
      continue;
    }
    if ((ch.reducer === 'append' || ch.reducer === 'messages') && change.kind === 'changed') {
      if (change.appended) values[change.channel] = change.appended;
      else
        problems.push({
          channel: change.channel,
          message: `"${change.channel}" appends (reducer ${ch.reducer}): only add items at its end`,
        });
      continue;
    }
    if (
      ch.reducer === 'sum' &&
      change.kind === 'changed' &&
      typeof change.before === 'number' &&
      typeof change.after === 'number'
    ) {
      values[change.channel] = change.after - change.before;
      continue;
    }
    values[change.channel] = change.after;
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, values, changed: Object.keys(values) };
}

export function stateText(values: Record<string, unknown>): string {
  return JSON.stringify(values, null, 2);
}
