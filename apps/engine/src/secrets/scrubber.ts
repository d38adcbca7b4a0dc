/**
 * One scrubber for every sink (provider errors, logs; events and checkpoints receive already
 * scrubbed errors): replaces each configured secret with `***` in every encoding we can
 * enumerate — raw, without a known key prefix (`sk-…` echoed as `…`) or its leading `word-` parts, base64 and base64url (also
 * inside a longer encoded value such as `Bearer <key>` or `user:<key>`: all three byte alignments),
 * hex (both cases), URL-encoded and JSON-escaped. A match is widened to the whole token around it
 * (letters, digits, `+/_-%=`), so `Basic dXNlcjpzay0…` becomes `Basic ***`, not a half-encoded key.
 * Anything shaped like a provider key (`sk-…`) is replaced too, configured or not.
 */

export const REDACTED = '***';

/** Secrets shorter than this are not scrubbed (too likely to match ordinary text). */
export const MIN_SECRET_LENGTH = 6;
/**
 * Placeholder values people put in key variables for servers that need none (`OLLAMA_API_KEY=ollama`)
 * or local defaults (`postgres://postgres:postgres@…`): not secrets, and scrubbing them would garble
 * every log line naming the provider or the database.
 */
const PLACEHOLDERS = new Set([
  'ollama',
  'dummy',
  'empty',
  'none',
  'null',
  'undefined',
  'postgres',
  'changeme',
  'placeholder',
  'not-needed',
  'not-used',
  'no-key',
  'sk-no-key-required',
  'lm-studio',
  'vllm',
]);

/** Values worth scrubbing: long enough and not a well-known placeholder. */
export function isScrubbable(value: string): boolean {
  const v = value.trim();
  return v.length >= MIN_SECRET_LENGTH && !PLACEHOLDERS.has(v.toLowerCase());
}

/** No variant shorter than this is searched for (a base64 core or a stripped key). */
const MIN_VARIANT_LENGTH = 8;

/** Prefixes providers put on keys; a key echoed without one is still the key. */
const KEY_PREFIX =
  /^(?:sk-ant-api\d\d-|sk-ant-admin\d\d-|sk-ant-|sk-proj-|sk-svcacct-|sk-or-v1-|sk-|gsk_|xai-|ghp_|gho_|ghs_|github_pat_|hf_|pk_|rk_|AIza)/;
/** Anything shaped like a provider key, configured or not. */
const KEY_SHAPE = /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,}/g;
/** Characters a match is widened over: the encoded token it sits in (`=` only as trailing base64 padding). */
const TOKEN_CHAR = /[A-Za-z0-9+/_%-]/;
/** A key's tail after a `-` or `_` within its first characters (`mcp-tok-XYZ…` echoed as `XYZ…`). */
const TAIL_SEPARATOR_WITHIN = 24;
const MIN_TAIL_LENGTH = 12;

export interface Scrubber {
  /** `text` with every secret variant (and its surrounding token) replaced by `***`. */
  scrub(text: string): string;
  /** A deep copy of `value` with every string scrubbed (object keys too); non-plain objects kept as they are. */
  scrubValue(value: unknown): unknown;
  /** True when `text` contains a secret in some encoding. */
  exposes(text: string): boolean;
}

function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let lead = 0; lead < 3; lead++) {
    const padded = Buffer.concat([Buffer.alloc(lead), bytes]);
    const std = padded.toString('base64');
    // Characters that depend on the secret's bytes alone: drop the group shared with the bytes before
    // it and the partial group at the end (it depends on what follows).
    const start = lead === 0 ? 0 : 4;
    const end = Math.floor(padded.length / 3) * 4;
    const core = std.slice(start, end);
    if (core.length >= MIN_VARIANT_LENGTH) {
      out.push(core);
      out.push(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return out;
}

function percentEncoded(s: string): string[] {
  const upper = encodeURIComponent(s);
  if (upper === s) return [];
  return [upper, upper.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), encodeURI(s)];
}

/** Every form of `secret` the scrubber searches for (exported for tests). */
export function secretVariants(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const stripped = secret.replace(KEY_PREFIX, '');
  if (stripped !== secret && stripped.length >= MIN_VARIANT_LENGTH) forms.add(stripped);
  for (let i = 0; i < Math.min(secret.length, TAIL_SEPARATOR_WITHIN); i++) {
    const c = secret[i];
    const tail = secret.slice(i + 1);
    if ((c === '-' || c === '_') && tail.length >= MIN_TAIL_LENGTH) forms.add(tail);
  }
  const variants = new Set<string>();
  for (const f of forms) {
    const bytes = Buffer.from(f, 'utf8');
    variants.add(f);
    for (const c of base64Cores(bytes)) variants.add(c);
    const hex = bytes.toString('hex');
    variants.add(hex);
    variants.add(hex.toUpperCase());
    for (const p of percentEncoded(f)) variants.add(p);
    variants.add(JSON.stringify(f).slice(1, -1));
  }
  return [...variants].filter((v) => v.length >= MIN_VARIANT_LENGTH || v === secret);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isTokenChar(c: string | undefined): boolean {
  return c !== undefined && TOKEN_CHAR.test(c);
}

/** Ranges [start, end) of matches, widened to their token and merged. */
function ranges(text: string, patterns: RegExp[]): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (const re of patterns) {
    re.lastIndex = 0;
    // Each character is widened over at most once per pattern (no quadratic scans of long token runs).
    let prevEnd = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      let start = m.index;
      let end = Math.max(m.index + m[0].length, prevEnd);
      if (m.index + m[0].length <= prevEnd) continue;
      if (start >= prevEnd) while (start > prevEnd && isTokenChar(text[start - 1])) start--;
      while (end < text.length && isTokenChar(text[end])) end++;
      while (end < text.length && text[end] === '=') end++;
      found.push([start, end]);
      prevEnd = end;
    }
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A scrubber for `secrets` (values shorter than MIN_SECRET_LENGTH, and placeholders, are ignored). */
export function createScrubber(secrets: Iterable<string>): Scrubber {
  const variants = new Set<string>();
  for (const raw of secrets) {
    const s = raw.trim();
    if (!isScrubbable(s)) continue;
    for (const v of secretVariants(s)) variants.add(v);
  }
  const sorted = [...variants].sort((a, b) => b.length - a.length);
  const patterns: RegExp[] = [new RegExp(KEY_SHAPE.source, 'g')];
  if (sorted.length > 0) patterns.push(new RegExp(sorted.map(escapeRegExp).join('|'), 'g'));

  const scrub = (text: string): string => {
    const rs = ranges(text, patterns);
    if (rs.length === 0) return text;
    let out = '';
    let at = 0;
    for (const [start, end] of rs) {
      out += text.slice(at, start) + REDACTED;
      at = end;
    }
    return out + text.slice(at);
  };

  const walk = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (depth > 64 || value === null || typeof value !== 'object' || seen.has(value)) return value;
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[scrub(k)] = walk(v, depth + 1, seen);
    return out;
  };

  return {
    scrub,
    scrubValue: (value) => walk(value, 0, new WeakSet()),
    exposes: (text) => ranges(text, patterns).length > 0,
  };
}
