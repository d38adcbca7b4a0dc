import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../store/index.js';
import { tables } from '../store/index.js';

export type LimitName = 'write' | 'runStart' | 'login';

export interface RateLimitSettings {
  writesPerMinute: number;
  runsPerMinute: number;
  loginsPer15Minutes: number;
}

/**
 * Rate limits shared by every engine process on one database: `rate-limiter-flexible`'s Drizzle store
 * over the `rate_limits` table (works on PostgreSQL and PGlite alike). A database error falls back to
 * an in-process limiter of the same size (the library's insurance strategy) rather than failing requests.
 */
export class SharedRateLimits {
  private readonly limiters: Record<LimitName, RateLimiterDrizzle>;

  /** `windowSeconds` shortens the windows (tests); default 60 s for writes and runs, 15 min for logins. */
  constructor(db: Database, settings: RateLimitSettings, windowSeconds?: Partial<Record<LimitName, number>>) {
    const make = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterDrizzle({
        storeClient: db,
        schema: tables.rateLimits,
        keyPrefix,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
      });
    this.limiters = {
      write: make('write', settings.writesPerMinute, windowSeconds?.write ?? 60),
      runStart: make('run', settings.runsPerMinute, windowSeconds?.runStart ?? 60),
      login: make('login', settings.loginsPer15Minutes, windowSeconds?.login ?? 15 * 60),
    };
  }

  /** `undefined` when allowed; else the seconds until a point frees up. */
  async consume(limit: LimitName, key: string): Promise<{ retryAfterSeconds: number } | undefined> {
    try {
      await this.limiters[limit].consume(key);
      return undefined;
    } catch (err) {
      if (err instanceof RateLimiterRes) return { retryAfterSeconds: Math.ceil(err.msBeforeNext / 1000) };
      throw err;
    }
  }
}
