import type { LogLevel } from '../config/config.js';
import type { Logger } from '../http/deps.js';
import { processScrubber } from '../secrets/known-secrets.js';
import type { Scrubber } from '../secrets/scrubber.js';

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * One line per entry (fields as JSON) on stderr (errors, warnings) or stdout, filtered by level.
 * Every line is scrubbed of the configured secrets in every encoding (default: the process's env
 * credentials and every secret-store value this process has read or written).
 */
export function createLogger(
  level: LogLevel,
  write: (line: string, stream: 'stdout' | 'stderr') => void = defaultWrite,
  scrubber: () => Scrubber = () => processScrubber(),
): Logger {
  const at = (entry: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[entry] > RANK[level]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
    write(
      scrubber().scrub(`${new Date().toISOString()} ${entry.toUpperCase()} ${message}${extra}`),
      entry === 'error' || entry === 'warn' ? 'stderr' : 'stdout',
    );
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

function safeJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields, (_k, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message } : typeof v === 'bigint' ? String(v) : v,
    );
  } catch {
    return '"[unserializable fields]"';
  }
}

function defaultWrite(line: string, stream: 'stdout' | 'stderr'): void {
  (stream === 'stderr' ? process.stderr : process.stdout).write(`${line}\n`);
}
