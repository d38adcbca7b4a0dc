import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from '../config/config.js';
import type { Logger } from '../http/deps.js';
import { processScrubber } from '../secrets/known-secrets.js';
import type { Scrubber } from '../secrets/scrubber.js';

export interface CreateLoggerOptions {
  /** Human-readable lines (pino-pretty). Default: when stdout is a terminal and no `write` is given. */
  pretty?: boolean;
  /** Fields on every line (e.g. `{ worker: 'api-1' }`). */
  base?: Record<string, unknown>;
}

/**
 * JSON lines (pino; pretty in a terminal), filtered by `LOG_LEVEL`: `{"level":"warn","time":…,"msg":…,…fields}`.
 * Errors and warnings go to stderr, the rest to stdout. Every line is scrubbed of the configured
 * secrets in every encoding (default: the process's env credentials and every secret-store value
 * this process has read or written) — the same scrubber as trace events.
 */
export function createLogger(
  level: LogLevel,
  write?: (line: string, stream: 'stdout' | 'stderr') => void,
  scrubber: () => Scrubber = () => processScrubber(),
  opts: CreateLoggerOptions = {},
): Logger {
  const usePretty = opts.pretty ?? (write === undefined && process.stdout.isTTY === true);
  const sink = write ?? defaultWrite;
  const destination = usePretty
    ? pretty({ colorize: true, sync: true, destination: 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
    : {
        write(chunk: string) {
          const line = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
          sink(line, /^\{"level":"(error|warn|fatal)"/.test(line) ? 'stderr' : 'stdout');
        },
      };
  const log = pino(
    {
      level,
      base: opts.base ?? null,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: (line) => scrubber().scrub(line) },
    },
    destination,
  );
  const at = (entry: 'error' | 'warn' | 'info' | 'debug') => (message: string, fields?: Record<string, unknown>) => {
    if (fields && Object.keys(fields).length > 0) log[entry](plain(fields), message);
    else log[entry](message);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** Errors as `{name, message}` (pino would print `{}` for an Error under any key but `err`), bigints as text. */
function plain(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields))
    out[key] =
      value instanceof Error
        ? { name: value.name, message: value.message }
        : typeof value === 'bigint'
          ? String(value)
          : value;
  return out;
}

function defaultWrite(line: string, stream: 'stdout' | 'stderr'): void {
  (stream === 'stderr' ? process.stderr : process.stdout).write(`${line}\n`);
}
