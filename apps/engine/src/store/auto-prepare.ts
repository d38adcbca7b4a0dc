import type { Sql } from 'postgres';

/**
 * Which statement texts run as prepared statements, decided by use (as Npgsql's automatic
 * preparation does; 5 uses is its default): a text seen `minUses` times is prepared from then on, up to `max` texts per
 * process. drizzle sends every query unnamed (postgres.js `unsafe`), and an unnamed statement with
 * parameters costs two round trips (describe, then bind) and a fresh parse and plan on the server
 * each time; a prepared one costs one round trip and is parsed once per connection. Texts that vary
 * (an `in` list of each length) stop at `max`, so a connection's prepared statements stay bounded.
 */
export class PreparePolicy {
  private readonly uses = new Map<string, number>();
  private readonly chosen = new Set<string>();

  constructor(
    private readonly max = 256,
    private readonly minUses = 5,
    /** Texts counted at most before the counts start over (texts seen once must not grow memory). */
    private readonly tracked = 4096,
  ) {}

  /** Whether `text`, about to run, should run prepared. */
  prepare(text: string): boolean {
    if (this.chosen.has(text)) return true;
    if (this.chosen.size >= this.max) return false;
    const seen = (this.uses.get(text) ?? 0) + 1;
    if (seen >= this.minUses) {
      this.uses.delete(text);
      this.chosen.add(text);
      return true;
    }
    if (this.uses.size >= this.tracked) this.uses.clear();
    this.uses.set(text, seen);
    return false;
  }

  /** Texts chosen so far. */
  get size(): number {
    return this.chosen.size;
  }
}

type UnsafeOptions = NonNullable<Parameters<Sql['unsafe']>[2]>;
type UnsafeArgs = NonNullable<Parameters<Sql['unsafe']>[1]>;

/**
 * `client` with its `unsafe` statements prepared as `policy` decides — also inside transactions,
 * savepoints and reserved connections, which postgres.js hands out as new `Sql` objects. Statements
 * without parameters stay on the simple protocol (scripts, migrations); tagged templates are
 * untouched (postgres.js prepares those already).
 */
export function autoPrepared<T extends Sql>(client: T, policy: PreparePolicy): T {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop === 'unsafe') {
        return (text: string, args?: UnsafeArgs | UnsafeOptions, options?: UnsafeOptions) => {
          // postgres.js's own overload: `unsafe(text, options)`.
          const params = Array.isArray(args) ? args : [];
          const opts: UnsafeOptions = (Array.isArray(args) ? options : args) ?? {};
          const prepare = params.length > 0 && (opts.prepare === true || policy.prepare(text));
          return target.unsafe(text, params, { ...opts, prepare });
        };
      }
      if (prop === 'begin' || prop === 'savepoint') {
        // The callback receives the transaction's own `Sql`.
        return (...args: unknown[]) =>
          Reflect.apply(
            value,
            target,
            args.map((a) =>
              typeof a === 'function' ? (tx: Sql) => Reflect.apply(a, undefined, [autoPrepared(tx, policy)]) : a,
            ),
          );
      }
      if (prop === 'reserve') {
        return async () => autoPrepared((await Reflect.apply(value, target, [])) as Sql, policy);
      }
      return value;
    },
  });
}
