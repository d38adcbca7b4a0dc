import { isRecord } from '@flowcraft/schema';
import type { StateChange } from '@flowcraft/schema';

/** A run of text in a two-sided diff. */
export interface DiffPart {
  op: 'same' | 'add' | 'del';
  text: string;
}

/** One message or list item, readable: role and text (tool calls summarised). */
export interface ItemView {
  role: string | undefined;
  text: string;
}

export type ChangeView =
  /** A string that changed: word-level (prose) or line-level diff. */
  | { type: 'text'; parts: DiffPart[] }
  /** Items added at the end of a list (append reducers, message lists); `total` is the new length. */
  | { type: 'items'; items: ItemView[]; total: number }
  /** Any other value: pretty-printed JSON, diffed line by line when both sides exist. */
  | { type: 'json'; parts: DiffPart[] };

export interface DiffRow {
  channel: string;
  kind: StateChange['kind'];
  /** Short description: "+2 messages", "412 → 305 chars", "3 → 4". */
  summary: string;
  view: ChangeView;
}

/** Above this many token pairs the diff falls back to whole before/after blocks. */
const MAX_CELLS = 2_000_000;

function merge(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const p of parts) {
    if (p.text === '') continue;
    const last = out.at(-1);
    if (last && last.op === p.op) last.text += p.text;
    else out.push({ ...p });
  }
  return out;
}

/** Longest-common-subsequence diff of two token lists (tokens keep their separators). */
export function diffTokens(a: readonly string[], b: readonly string[]): DiffPart[] {
  // Common prefix and suffix first: edits are usually small and local.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const head: DiffPart = { op: 'same', text: a.slice(0, pre).join('') };
  const tail: DiffPart = { op: 'same', text: a.slice(a.length - suf).join('') };
  const x = a.slice(pre, a.length - suf);
  const y = b.slice(pre, b.length - suf);
  const n = x.length;
  const m = y.length;
  if (n * m > MAX_CELLS) return merge([head, { op: 'del', text: x.join('') }, { op: 'add', text: y.join('') }, tail]);
  // lcs[i][j] = LCS length of x[i..] and y[j..], flattened.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] =
        x[i] === y[j]
          ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
  const parts: DiffPart[] = [head];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      parts.push({ op: 'same', text: x[i] ?? '' });
      i++;
      j++;
    } else if ((lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0)) parts.push({ op: 'del', text: x[i++] ?? '' });
    else parts.push({ op: 'add', text: y[j++] ?? '' });
  }
  while (i < n) parts.push({ op: 'del', text: x[i++] ?? '' });
  while (j < m) parts.push({ op: 'add', text: y[j++] ?? '' });
  parts.push(tail);
  return merge(parts);
}

const words = (s: string) => s.match(/\s+|[^\s]+/g) ?? [];
const lines = (s: string) => s.match(/[^\n]*\n|[^\n]+/g) ?? [];

/** Prose diffs by words, multi-line text (code, JSON) by lines. */
export function diffText(before: string, after: string): DiffPart[] {
  const multiline = before.split('\n').length > 3 || after.split('\n').length > 3;
  return multiline ? diffTokens(lines(before), lines(after)) : diffTokens(words(before), words(after));
}

export function pretty(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}

function partText(p: unknown): string {
  if (typeof p === 'string') return p;
  const t = asRecord(p)?.text;
  return typeof t === 'string' ? t : pretty(p);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(partText).join('');
  return pretty(content);
}

/**
 * A message (plain `{role, content}`, LangChain `{type, content}` or its serialised
 * `{lc, id: [..., 'AIMessage'], kwargs}` form) or any list item, as role + text.
 */
export function itemView(item: unknown): ItemView {
  const r = asRecord(item);
  if (!r) return { role: undefined, text: pretty(item) };
  const kwargs = asRecord(r.kwargs);
  const body = r.lc !== undefined && kwargs ? kwargs : r;
  const idPath = Array.isArray(r.id) ? r.id : undefined;
  const cls =
    typeof idPath?.at(-1) === 'string'
      ? String(idPath.at(-1))
          .replace(/Message(Chunk)?$/, '')
          .toLowerCase()
      : undefined;
  const role =
    typeof body.role === 'string'
      ? body.role
      : typeof r.type === 'string' && r.type !== 'constructor'
        ? r.type
        : (cls ?? (typeof body.type === 'string' ? body.type : undefined));
  if (!('content' in body) || role === undefined) return { role: undefined, text: pretty(item) };
  let text = contentText(body.content);
  const calls = Array.isArray(body.tool_calls) ? body.tool_calls : [];
  const named = calls.map((c) => asRecord(c)).filter((c): c is Record<string, unknown> => c !== undefined);
  if (named.length > 0)
    text += `${text ? '\n' : ''}${named.map((c) => `→ ${String(c.name)}(${JSON.stringify(c.args ?? {})})`).join('\n')}`;
  return { role: role === 'human' ? 'user' : role === 'ai' ? 'assistant' : role, text };
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function isMessages(items: readonly unknown[]): boolean {
  return items.length > 0 && items.every((i) => itemView(i).role !== undefined);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? plural(value.length, 'char') : JSON.stringify(value);
  if (Array.isArray(value)) return plural(value.length, 'item');
  if (isRecord(value)) return plural(Object.keys(value).length, 'key');
  return JSON.stringify(value) ?? 'undefined';
}

/** How to show one channel's change, readable for long text and message lists. */
export function presentChange(change: StateChange): DiffRow {
  const { channel, kind } = change;
  // A channel going from null to a value (or back) reads as set / cleared.
  if (kind === 'changed' && change.before === null && change.after !== null)
    return { ...presentChange({ channel, kind: 'added', after: change.after }), kind };
  if (kind === 'changed' && change.after === null && change.before !== null)
    return { ...presentChange({ channel, kind: 'removed', before: change.before }), kind, summary: 'cleared' };
  const { before, after } = change;
  if (change.appended && Array.isArray(after)) {
    const msgs = isMessages(change.appended);
    return {
      channel,
      kind,
      summary: `+${plural(change.appended.length, msgs ? 'message' : 'item')}`,
      view: { type: 'items', items: change.appended.map(itemView), total: after.length },
    };
  }
  if (kind === 'added' && Array.isArray(after)) {
    const msgs = isMessages(after);
    return {
      channel,
      kind,
      summary: plural(after.length, msgs ? 'message' : 'item'),
      view: { type: 'items', items: after.map(itemView), total: after.length },
    };
  }
  if (kind === 'changed' && typeof before === 'string' && typeof after === 'string') {
    return {
      channel,
      kind,
      summary:
        before.length > 40 || after.length > 40
          ? `${before.length} → ${after.length} chars`
          : `${JSON.stringify(before)} → ${JSON.stringify(after)}`,
      view: { type: 'text', parts: diffText(before, after) },
    };
  }
  if (kind === 'added')
    return {
      channel,
      kind,
      summary: `set: ${describe(after)}`,
      view:
        typeof after === 'string'
          ? { type: 'text', parts: [{ op: 'add', text: after }] }
          : { type: 'json', parts: [{ op: 'add', text: pretty(after) }] },
    };
  if (kind === 'removed')
    return { channel, kind, summary: 'removed', view: { type: 'json', parts: [{ op: 'del', text: pretty(before) }] } };
  const b = pretty(before);
  const a = pretty(after);
  const scalar = (v: unknown) => v === null || typeof v !== 'object';
  const summary =
    scalar(before) && scalar(after) && b.length <= 40 && a.length <= 40
      ? `${b} → ${a}`
      : `${describe(before)} → ${describe(after)}`;
  return { channel, kind, summary, view: { type: 'json', parts: diffTokens(lines(b), lines(a)) } };
}

export function presentDiff(changes: readonly StateChange[]): DiffRow[] {
  return changes.map(presentChange);
}
