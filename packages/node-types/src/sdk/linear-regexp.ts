import { RE2JS } from 're2js';

/** What `exec` returns: the match and its groups (undefined when a group took no part), as RegExp does. */
export type LinearMatch = (string | undefined)[] & { index: number; input: string };

/**
 * The regular-expression engine of templates and expressions: RE2 semantics (re2js), so matching is
 * linear in the input and no pattern can backtrack for seconds (`/^(a+)+$/` on "aaa…!").
 * JSONata constructs it from each regex literal and calls `exec` with `lastIndex`, as for a global RegExp.
 * Backreferences and lookahead are not supported; `regexError` reports them at validation.
 */
export class LinearRegExp {
  lastIndex = 0;
  readonly source: string;
  private readonly re: RE2JS;

  constructor(pattern: RegExp | string) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  }

  exec(input: string): LinearMatch | null {
    const m = this.re.matcher(input);
    if (this.lastIndex > input.length || !m.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
    const result: LinearMatch = Object.assign(groups, { index: m.start(), input });
    this.lastIndex = m.end();
    return result;
  }
}

/** Why a regex literal cannot be used (unsupported syntax for the linear-time engine), or undefined. */
export function regexError(re: RegExp): string | undefined {
  try {
    new LinearRegExp(re);
    return undefined;
  } catch (err) {
    return `regular expression /${re.source}/ is not supported (${err instanceof Error ? err.message : String(err)}); backreferences and lookaround are not available`;
  }
}
