import type { LogLevel } from '../config/config.js';
import type { Logger } from '../http/deps.js';

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** One line per entry (fields as JSON) on stderr (errors, warnings) or stdout, filtered by level. */
export function createLogger(
  level: LogLevel,
  write: (line: string, stream: 'stdout' | 'stderr') => void = defaultWrite,
): Logger {
  const at = (entry: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[entry] > RANK[level]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(
      `${new Date().toISOString()} ${entry.toUpperCase()} ${message}${extra}`,
      entry === 'error' || entry === 'warn' ? 'stderr' : 'stdout',
    );
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

function defaultWrite(line: string, stream: 'stdout' | 'stderr'): void {
  (stream === 'stderr' ? process.stderr : process.stdout).write(`${line}\n`);
}
